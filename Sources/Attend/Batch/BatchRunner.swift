import AudioIO
import Foundation

/// One file of a batch: where it comes from and where its result goes.
public struct BatchItem: Sendable {
    /// Path relative to the input folder (`a/b.wav`).
    public let relativeInput: String
    /// Path relative to the output folder (`a/b.json`).
    public let relativeOutput: String
    public let input: URL
    public let output: URL
}

/// What a batch did, for the summary line and the exit status.
public struct BatchSummary: Equatable, Sendable {
    public var ok = 0
    public var failed = 0
    public var skipped = 0
    public var audioSeconds = 0.0
    public var wallSeconds = 0.0

    public var line: String {
        let speed = wallSeconds > 0 ? String(format: "%.1f× real time", audioSeconds / wallSeconds) : "-"
        return "attend: \(ok) done, \(failed) failed, \(skipped) already done; "
            + String(format: "%.2f h of audio in ", audioSeconds / 3600) + BatchProgress.clock(wallSeconds) + " (\(speed))"
    }
}

/// Walks an input folder, takes this shard's share, mirrors the tree under the output folder,
/// skips what is already done, runs `process` on each remaining file, and records every result
/// in a JSON Lines manifest in the output folder (`manifest.jsonl`, or
/// `manifest-shard-I-of-N.jsonl` when sharded, so shards never share a file).
///
/// A file whose output exists is done (outputs appear only by an atomic rename, so an existing
/// one is complete), unless `overwrite` is set. Temporary files that a killed run left in the
/// output folder (`.NAME.PID.RANDOM.partial` of a dead process) are removed when a run starts. One file's failure is reported and recorded; the
/// batch goes on.
public final class BatchRunner {
    public let inputRoot: URL
    public let outputRoot: URL
    public let shard: Shard
    public let items: [BatchItem]
    public let manifestURL: URL
    public var overwrite = false

    /// - Parameter outputPath: maps an input's relative path to its output's relative path
    ///   (e.g. change the extension).
    public init(inputRoot: URL, outputRoot: URL, shard: Shard = .all, outputPath: (String) -> String) throws {
        self.inputRoot = inputRoot
        self.outputRoot = outputRoot
        self.shard = shard
        let all = try FileDiscovery.audioFiles(under: inputRoot, excluding: outputRoot)
        items = all.filter { shard.contains(relativePath: $0) }.map { rel in
            let out = outputPath(rel)
            return BatchItem(relativeInput: rel, relativeOutput: out,
                             input: inputRoot.appendingPathComponent(rel), output: outputRoot.appendingPathComponent(out))
        }
        let name = shard.count == 1 ? "manifest.jsonl" : "manifest-shard-\(shard.index)-of-\(shard.count).jsonl"
        manifestURL = outputRoot.appendingPathComponent(name)
    }

    /// Runs the batch. `process` writes `item.output` (atomically) and returns the audio's
    /// duration in seconds; a thrown error marks the file failed.
    public func run(progress: BatchProgress? = nil, process: (BatchItem) throws -> Double) throws -> BatchSummary {
        try FileManager.default.createDirectory(at: outputRoot, withIntermediateDirectories: true)
        // A run killed mid-write (kill -9, power cut) left its temporary file; its output is absent.
        PartialFiles.removeStale(under: outputRoot)
        let manifest = try ManifestWriter(url: manifestURL)
        var summary = BatchSummary()
        let start = Date()
        progress?.begin(total: items.count)
        for (n, item) in items.enumerated() {
            if !overwrite, FileManager.default.fileExists(atPath: item.output.path) {
                summary.skipped += 1
                try manifest.append(ManifestEntry(input: item.relativeInput, output: item.relativeOutput, status: .skipped))
                progress?.update(done: n + 1, audioSeconds: summary.audioSeconds, elapsed: Date().timeIntervalSince(start))
                continue
            }
            let t0 = Date()
            do {
                try FileManager.default.createDirectory(at: item.output.deletingLastPathComponent(), withIntermediateDirectories: true)
                let seconds = try process(item)
                summary.ok += 1
                summary.audioSeconds += seconds
                try manifest.append(ManifestEntry(input: item.relativeInput, output: item.relativeOutput, status: .ok,
                                                  audioSeconds: seconds, seconds: Date().timeIntervalSince(t0)))
            } catch {
                summary.failed += 1
                let message = oneLine(error)
                progress?.message("attend: error: \(message)")
                try manifest.append(ManifestEntry(input: item.relativeInput, output: nil, status: .failed, error: message,
                                                  seconds: Date().timeIntervalSince(t0)))
            }
            progress?.update(done: n + 1, audioSeconds: summary.audioSeconds, elapsed: Date().timeIntervalSince(start))
        }
        summary.wallSeconds = Date().timeIntervalSince(start)
        progress?.end()
        return summary
    }
}

/// An error as one line: its description, newlines folded.
public func oneLine(_ error: Error) -> String {
    let text = error is CocoaError ? error.localizedDescription : String(describing: error)
    return text.split(whereSeparator: \.isNewline).joined(separator: " ")
}
