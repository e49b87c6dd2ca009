import Foundation
import Testing
@testable import Attend

@Suite struct BatchTests {
    /// A temporary input tree: a.wav, sub/b.flac, sub/deeper/c.ogg, sub/notes.txt, .hidden.wav.
    func makeTree() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("attend-batch-\(UUID())")
        for rel in ["a.wav", "sub/b.flac", "sub/deeper/c.ogg", "sub/notes.txt", ".hidden.wav", "sub/B.WAV"] {
            let url = root.appendingPathComponent(rel)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(rel.utf8).write(to: url)
        }
        return root
    }

    @Test func discoveryIsRecursiveSortedAndSkipsHiddenAndNonAudio() throws {
        let root = try makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try FileDiscovery.audioFiles(under: root) == ["a.wav", "sub/B.WAV", "sub/b.flac", "sub/deeper/c.ogg"])
        #expect(try FileDiscovery.audioFiles(under: root, excluding: root.appendingPathComponent("sub")) == ["a.wav"])
        #expect(throws: BatchError.notADirectory(root.appendingPathComponent("a.wav").path)) {
            try FileDiscovery.audioFiles(under: root.appendingPathComponent("a.wav"))
        }
    }

    @Test func shardsPartitionTheCorpus() throws {
        let paths = (0..<5000).map { "spk\($0 % 37)/utt\($0).wav" }
        let shards = try (0..<7).map { try Shard(index: $0, count: 7) }
        var seen = Set<String>()
        for shard in shards {
            let mine = paths.filter { shard.contains(relativePath: $0) }
            #expect(mine.count > 5000 / 7 / 2)  // roughly balanced
            #expect(seen.isDisjoint(with: mine))
            seen.formUnion(mine)
        }
        #expect(seen.count == paths.count)
    }

    @Test func shardParsingAndSchedulerEnvironment() throws {
        #expect(try Shard(parsing: "3/16") == Shard(index: 3, count: 16))
        #expect(throws: ShardError.self) { try Shard(parsing: "16/16") }
        #expect(throws: ShardError.self) { try Shard(parsing: "x") }
        #expect(try Shard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "10", "SLURM_ARRAY_TASK_MIN": "1"])
                == Shard(index: 4, count: 10))
        #expect(try Shard.fromEnvironment(["JOB_COMPLETION_INDEX": "2", "ATTEND_SHARD_COUNT": "8"]) == Shard(index: 2, count: 8))
        #expect(try Shard.fromEnvironment(["JOB_COMPLETION_INDEX": "2"], countHint: 4) == Shard(index: 2, count: 4))
        #expect(throws: ShardError.self) { try Shard.fromEnvironment(["JOB_COMPLETION_INDEX": "2"]) }
        #expect(try Shard.fromEnvironment([:]) == nil)
    }

    @Test func runMirrorsTreeRecordsFailuresAndResumes() throws {
        let root = try makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("out")
        let runner = try BatchRunner(inputRoot: root, outputRoot: out) { ($0 as NSString).deletingPathExtension + ".json" }
        struct Bad: Error, CustomStringConvertible { var description: String { "unreadable\nsecond line" } }
        let first = try runner.run { item in
            if item.relativeInput.hasSuffix(".flac") { throw Bad() }
            try Data("{}".utf8).write(to: item.output, options: .atomic)
            return 2.0
        }
        #expect(first.ok == 3 && first.failed == 1 && first.skipped == 0 && first.audioSeconds == 6)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("sub/deeper/c.json").path))
        let lines = try String(contentsOf: runner.manifestURL, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines.contains { $0.contains("\"status\":\"failed\"") && $0.contains("unreadable second line") })
        #expect(ManifestWriter.completedInputs(in: runner.manifestURL) == ["a.wav", "sub/B.WAV", "sub/deeper/c.ogg"])

        // The rerun redoes only the failed file; the output folder inside the input is not walked.
        var processed: [String] = []
        let again = try BatchRunner(inputRoot: root, outputRoot: out) { ($0 as NSString).deletingPathExtension + ".json" }
        let second = try again.run { item in
            processed.append(item.relativeInput)
            try Data("{}".utf8).write(to: item.output, options: .atomic)
            return 1.0
        }
        #expect(processed == ["sub/b.flac"])
        #expect(second.skipped == 3 && second.ok == 1 && second.failed == 0)
    }

    @Test func shardedRunsWriteSeparateManifests() throws {
        let root = try makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("out")
        var union: [String] = []
        for i in 0..<2 {
            let runner = try BatchRunner(inputRoot: root, outputRoot: out, shard: try Shard(index: i, count: 2)) { $0 + ".out" }
            #expect(runner.manifestURL.lastPathComponent == "manifest-shard-\(i)-of-2.jsonl")
            union += runner.items.map(\.relativeInput)
        }
        #expect(union.sorted() == ["a.wav", "sub/B.WAV", "sub/b.flac", "sub/deeper/c.ogg"])
    }
}
