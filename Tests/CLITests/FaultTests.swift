import Foundation
import Testing
@testable import Attend

/// Faults of issue 7, each run on the built `attend` binary with the tiny test model:
/// `kill -9` in the middle of a batch and a rerun; a full disk (a private tmpfs, or a file-size
/// limit) in the middle of a write; stdout closed early. SIGINT/SIGTERM are in InterruptTests.
@Suite(.serialized) struct FaultTests {
    let model = ["--model", AttendProcess.tinyModel]

    // MARK: kill -9 in a batch

    /// The batch's inputs: 16 kHz mono and 22.05 kHz stereo files of different lengths, so that
    /// "right length" also checks the resampling round trip.
    static func makeBatchInput(_ dir: URL, files: Int) throws -> [String: (frames: Int, rate: Int, channels: Int)] {
        var expected: [String: (Int, Int, Int)] = [:]
        for i in 0..<files {
            let (rate, channels) = i % 2 == 0 ? (16_000, 1) : (22_050, 2)
            let frames = rate + i * 997
            let name = i < files / 2 ? "a/take\(i).wav" : "take\(i).wav"
            let url = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let w = try AudioFileWriter(path: url.path, sampleRate: rate, channels: channels, format: .wav16)
            var samples = [Float](repeating: 0, count: frames * channels)
            var seed: UInt64 = UInt64(i) &* 0x9E37_79B9_7F4A_7C15 | 1
            for f in 0..<frames {
                seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17
                let noise = Float(seed % 2001) / 1000 - 1
                let s = 0.3 * Float(sin(Double(f) * 0.07 * Double(16_000) / Double(rate))) + 0.05 * noise
                for c in 0..<channels { samples[f * channels + c] = s }
            }
            try w.write(samples)
            try w.finish()
            expected[name] = (frames, rate, channels)
        }
        return expected
    }

    /// Files under `dir` (relative paths), hidden ones included.
    static func allFiles(_ dir: URL) -> [String] {
        guard let e = FileManager.default.enumerator(atPath: dir.path) else { return [] }
        return e.compactMap { $0 as? String }.filter {
            var isDir: ObjCBool = false
            FileManager.default.fileExists(atPath: dir.appendingPathComponent($0).path, isDirectory: &isDir)
            return !isDir.boolValue
        }.sorted()
    }

    static func manifestLines(_ url: URL) -> [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
        return data.split(separator: UInt8(ascii: "\n")).map {
            (try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any]) ?? ["torn": true]
        }
    }

    /// An output is correct when it decodes to the input's frame count, rate and channels, with
    /// finite samples that are not all zero.
    static func checkComplete(_ path: String, _ want: (frames: Int, rate: Int, channels: Int)) -> String? {
        do {
            let reader = try AudioFileReader(path: path)
            let samples = try reader.readAll()
            let info = reader.info
            guard info.sampleRate == want.rate, info.channels == want.channels, samples.count == want.frames * want.channels else {
                return "\(path): \(info.sampleRate) Hz × \(info.channels), \(samples.count / max(info.channels, 1)) frames; want \(want)"
            }
            guard samples.allSatisfy(\.isFinite), samples.contains(where: { $0 != 0 }) else { return "\(path): silent or non-finite" }
            return nil
        } catch {
            return "\(path): \(error)"
        }
    }

    /// `kill -9` while the batch is writing a file; then the same command again. After the kill
    /// every output is complete or absent, and every `ok` line of the manifest names a complete
    /// output. The rerun skips what was done, finishes the rest, leaves no temporary file, and
    /// its manifest lines give every input exactly once as `skipped` or `ok`.
    @Test func killNineMidBatchThenRerun() throws {
        let root = try AttendProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("in"), output = root.appendingPathComponent("out")
        let expected = try Self.makeBatchInput(input, files: 10)
        let manifest = output.appendingPathComponent("manifest.jsonl")
        let args = ["denoise", input.path, "-o", output.path] + model

        let p = Process()
        p.executableURL = AttendProcess.binary
        p.arguments = args
        p.standardError = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        // Kill once at least two files are done and the next one is half written.
        var killedMidWrite = false
        let deadline = Date().addingTimeInterval(300)
        while p.isRunning, Date() < deadline {
            if Self.manifestLines(manifest).count >= 2, Self.allFiles(output).contains(where: { $0.hasSuffix(".partial") }) {
                kill(p.processIdentifier, SIGKILL)
                killedMidWrite = true
                break
            }
            usleep(2_000)
        }
        p.waitUntilExit()
        #expect(killedMidWrite, "the batch ended before it could be killed mid-write")
        #expect(p.terminationReason == .uncaughtSignal && p.terminationStatus == SIGKILL)

        let firstRun = Self.manifestLines(manifest)
        var done: Set<String> = []
        for entry in firstRun {
            #expect(entry["torn"] == nil, "a manifest line is not whole JSON")
            if entry["status"] as? String == "ok", let out = entry["output"] as? String, let inp = entry["input"] as? String {
                done.insert(inp)
                #expect(Self.checkComplete(output.appendingPathComponent(out).path, expected[inp]!) == nil)
            }
        }
        #expect(done.count >= 2 && done.count < expected.count)
        for (name, want) in expected {
            let out = output.appendingPathComponent(name).path
            if FileManager.default.fileExists(atPath: out) {
                let problem = Self.checkComplete(out, want)
                #expect(problem == nil, "after kill -9: \(problem ?? "")")
            }
        }

        let rerun = try AttendProcess.run(args)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        for (name, want) in expected {
            let problem = Self.checkComplete(output.appendingPathComponent(name).path, want)
            #expect(problem == nil, "after the rerun: \(problem ?? "")")
        }
        let secondRun = Array(Self.manifestLines(manifest).dropFirst(firstRun.count))
        #expect(secondRun.count == expected.count)
        for entry in secondRun {
            let inp = entry["input"] as? String ?? "?"
            let status = entry["status"] as? String
            #expect(status == (done.contains(inp) ? "skipped" : "ok"), "\(inp): \(status ?? "nil")")
        }
        #expect(Set(secondRun.compactMap { $0["input"] as? String }) == Set(expected.keys))
        let left = Self.allFiles(output).filter { $0 != "manifest.jsonl" && expected[$0] == nil }
        #expect(left.isEmpty, "left in the output folder: \(left)")
    }

    // MARK: full disk

    /// 5 s of 16-bit audio (160 kB) and its log-mel features (≈160 kB): both larger than the
    /// 64 kB the writes below are allowed.
    static func fiveSeconds(_ dir: URL) throws -> String {
        let path = dir.appendingPathComponent("in.wav").path
        let w = try AudioFileWriter(path: path, sampleRate: 16_000, channels: 1, format: .wav16)
        try w.write((0..<80_000).map { Float(sin(Double($0) * 0.05)) * 0.3 })
        try w.finish()
        return path
    }

    /// True where a private mount namespace with a tmpfs can be made (root, or user namespaces).
    static let canMountTmpfs: Bool = {
        guard let r = try? CLIRunner.sh("d=$(mktemp -d) && unshare -Urm sh -c \"mount -t tmpfs -o size=64k tmpfs $d\" ; s=$?; rmdir $d; exit $s") else { return false }
        return r.status == 0
    }()

    /// Runs `attend ARGS` (`$OUT` in ARGS names the small folder) on a 64 kB tmpfs in a private
    /// mount namespace; returns its status, its stderr and what the folder holds afterwards.
    static func onFullDisk(_ args: String, scratch: URL) throws -> (status: Int32, stderr: String, left: String) {
        let script = scratch.appendingPathComponent("full-disk.sh")
        try """
            mount -t tmpfs -o size=64k tmpfs "$1" || exit 99
            OUT="$1"
            "$ATTEND" \(args) 2>"$2"
            s=$?
            echo "left:$(ls -A "$OUT" | tr '\\n' ' ')"
            exit $s
            """.write(to: script, atomically: true, encoding: .utf8)
        let small = scratch.appendingPathComponent("small"), err = scratch.appendingPathComponent("err")
        try FileManager.default.createDirectory(at: small, withIntermediateDirectories: true)
        let r = try CLIRunner.sh("unshare -Urm sh \(CLIRunner.q(script.path)) \(CLIRunner.q(small.path)) \(CLIRunner.q(err.path))")
        let left = r.stdout.split(separator: "\n").first { $0.hasPrefix("left:") }.map { String($0.dropFirst(5)) } ?? "?"
        let stderr = (try? String(contentsOf: err, encoding: .utf8)) ?? r.stderr
        return (r.status, stderr, left.trimmingCharacters(in: .whitespaces))
    }

    /// A disk that fills up mid-write: exit 1, one line naming the output and the cause, and
    /// nothing left on the disk (the temporary file is removed).
    @Test(.enabled(if: FaultTests.canMountTmpfs), arguments: [
        ("denoise IN -o \"$OUT/out.wav\" MODEL", "out.wav"),
        ("features IN -o \"$OUT/feats.npy\"", "feats.npy"),
    ])
    func fullDiskMidWrite(command: String, output: String) throws {
        let dir = try AttendProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try Self.fiveSeconds(dir)
        let args = command.replacingOccurrences(of: "IN", with: CLIRunner.q(input))
            .replacingOccurrences(of: "MODEL", with: "--model " + CLIRunner.q(AttendProcess.tinyModel))
        let r = try Self.onFullDisk(args, scratch: dir)
        #expect(r.status == 1, "\(r.stderr)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains(output) && lines[0].contains("No space left on device"), "\(r.stderr)")
        #expect(r.left.isEmpty, "left on the full disk: \(r.left)")
    }

    /// The same with a file-size limit (`ulimit -f`, RLIMIT_FSIZE), which needs no mount:
    /// the write fails with EFBIG instead of ENOSPC, and SIGXFSZ does not kill attend.
    @Test(arguments: [("denoise", "out.wav"), ("features", "feats.npy")])
    func fileSizeLimitMidWrite(command: String, output: String) throws {
        let dir = try AttendProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try Self.fiveSeconds(dir)
        let out = dir.appendingPathComponent("small")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let extra = command == "denoise" ? " --model " + CLIRunner.q(AttendProcess.tinyModel) : ""
        let r = try CLIRunner.sh("ulimit -f 128; exec \"$ATTEND\" \(command) \(CLIRunner.q(input)) -o \(CLIRunner.q(out.appendingPathComponent(output).path))\(extra)")
        #expect(r.status == 1, "\(r.stderr)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains(output) && lines[0].contains("File too large"), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).isEmpty)
    }

    // MARK: stdout closed early

    /// Output to a pipe whose reader goes away (`| true`, `| head -c N`): attend ends quietly,
    /// either finished (0) or by SIGPIPE (141); never a crash, a backtrace or a hang.
    @Test(arguments: [
        "denoise - -o - MODEL < IN | head -c 1000",
        "denoise IN -o - MODEL | true",
        "align IN --transcript 'one two three four five six seven eight nine ten' MODEL | true",
        "align IN --transcript-file TEXT MODEL | head -c 100",
        "align - --jsonl --transcript-file TEXT MODEL < IN | head -c 30",
        "info --json IN | true",
        // A parent that ignores SIGPIPE (the child inherits that) must not turn EPIPE into a trap.
        "NOSIGPIPE align IN --transcript 'one two three' MODEL | true",
    ])
    func closedStdoutIsAQuietExit(pipeline: String) throws {
        let dir = try AttendProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try Self.fiveSeconds(dir)
        let text = dir.appendingPathComponent("words.txt")
        try Array(repeating: "hello there world", count: 12).joined(separator: " ").write(to: text, atomically: true, encoding: .utf8)
        let err = dir.appendingPathComponent("err")
        let ignoreSIGPIPE = pipeline.hasPrefix("NOSIGPIPE ")
        let command = pipeline.replacingOccurrences(of: "NOSIGPIPE ", with: "")
            .replacingOccurrences(of: "MODEL", with: "--model " + CLIRunner.q(AttendProcess.tinyModel))
            .replacingOccurrences(of: "IN", with: CLIRunner.q(input))
            .replacingOccurrences(of: "TEXT", with: CLIRunner.q(text.path))
            .replacingOccurrences(of: " |", with: " 2>\(CLIRunner.q(err.path)) |")
        // `timeout` turns a hang into status 124 (after 120 s; ATTEND_TEST_TIMEOUT overrides it for
        // sanitizer builds, where a debug `attend align` runs ten times slower).
        let limit = ProcessInfo.processInfo.environment["ATTEND_TEST_TIMEOUT"].flatMap(Int.init) ?? 120
        let r = try CLIRunner.sh("bash -c \(CLIRunner.q((ignoreSIGPIPE ? "trap '' PIPE; " : "") + "set -o pipefail; timeout \(limit) \"$ATTEND\" " + command + " > /dev/null; echo ${PIPESTATUS[0]}"))")
        let status = Int(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        #expect(status == 0 || status == 141, "\(pipeline): exit \(status)")
        let stderr = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        #expect(stderr.isEmpty, "\(pipeline): stderr: \(stderr)")
    }
}
