import Foundation
import Testing
@testable import Attend

/// `attend denoise` end to end with the small random model (plumbing, not quality).
@Suite struct DenoiseCommandTests {
    static let speech = AttendProcess.fixtures.appendingPathComponent("features")
    let model = ["--model", AttendProcess.tinyModel]

    @Test func fileToFileKeepsFormatAndLength() throws {
        let dir = try AttendProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, ext) in [("speech_44100_stereo", "wav"), ("speech_8000", "flac")] {
            let out = dir.appendingPathComponent("\(name).\(ext)")
            let r = try AttendProcess.run(["denoise", Self.speech.appendingPathComponent("\(name).wav").path, "-o", out.path] + model)
            #expect(r.status == 0, "\(r.stderr)")
            let a = try AudioFileReader.probe(path: Self.speech.appendingPathComponent("\(name).wav").path)
            let b = try AudioFileReader.probe(path: out.path)
            #expect(b.format == (ext == "flac" ? "FLAC" : "WAV"))
            #expect(a.sampleRate == b.sampleRate && a.channels == b.channels && a.frames == b.frames)
        }
    }

    /// `--synthesis`: a file defaults to overlap-add; asking for low-latency changes the output
    /// (not its length), asking for overlap-add changes nothing, and a stream through stdin gives
    /// the low-latency output; an unknown name is a usage error.
    @Test func synthesisOptionPicksTheResynthesis() throws {
        let dir = try AttendProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = Self.speech.appendingPathComponent("speech_16000.wav")
        var outputs: [String: [Float]] = [:]
        let context = ["--chunk-frames", "32", "--left-frames", "128"]  // the same attention for file and stream
        for (name, extra) in [("default", []), ("ola", ["--synthesis", "overlap-add"]), ("low", ["--synthesis", "low-latency"])] {
            let out = dir.appendingPathComponent("\(name).wav")
            let r = try AttendProcess.run(["denoise", input.path, "-o", out.path, "--format", "wavfloat"] + extra + context + model)
            #expect(r.status == 0, "\(r.stderr)")
            outputs[name] = try AudioFileReader(path: out.path).readAll()
        }
        #expect(outputs["default"] == outputs["ola"])
        #expect(outputs["default"]!.count == outputs["low"]!.count && outputs["default"] != outputs["low"])
        let piped = try AttendProcess.run(["denoise", "-", "-o", "-", "--format", "wavfloat"] + context + model, stdin: input)
        #expect(piped.status == 0, "\(piped.stderr)")
        let streamed = dir.appendingPathComponent("streamed.wav")
        try piped.stdout.write(to: streamed)
        let s = try AudioFileReader(path: streamed.path).readAll(), low = outputs["low"]!
        #expect(s.count == low.count)
        #expect(zip(s, low).map { abs($0 - $1) }.max()! < 1e-4)  // the same resynthesis
        let bad = try AttendProcess.run(["denoise", input.path, "-o", dir.appendingPathComponent("x.wav").path, "--synthesis", "fast"] + model)
        #expect(bad.status != 0 && bad.stderr.contains("synthesis"))
    }

    @Test func stdinToStdoutStreamsWav() throws {
        let r = try AttendProcess.run(["denoise", "-", "-o", "-"] + model, stdin: Self.speech.appendingPathComponent("speech_48000.wav"))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.count == 44 + 48000 * 2)  // WAV header + 1 s of 16-bit mono at 48 kHz
        #expect(r.stdout.prefix(4) == Data("RIFF".utf8))
    }

    /// `-o -` with stdout redirected to a file (`attend denoise - -o - < in.wav > out.wav`) writes a
    /// complete file there, its sizes filled in, WAV or FLAC (before, libsndfile refused a file
    /// descriptor already past the streamed header: "embedding not supported").
    @Test(arguments: ["wav16", "flac24"])
    func stdoutRedirectedToAFileGetsACompleteFile(format: String) throws {
        let dir = CLITempDir()
        defer { dir.cleanup() }
        let out = dir.path("out.\(format.prefix(while: \.isLetter))")
        let input = Self.speech.appendingPathComponent("speech_48000.wav").path
        let r = try CLIRunner.sh("\"$ATTEND\" denoise - -o - --format \(format) --model \(CLIRunner.q(AttendProcess.tinyModel)) < \(CLIRunner.q(input)) > \(CLIRunner.q(out))")
        #expect(r.status == 0, "\(r.stderr)")
        let reader = try AudioFileReader(path: out)
        #expect(reader.info.frames == 48000 && reader.info.sampleRate == 48000)
        #expect(try reader.readAll().count == 48000)
    }

    /// An output path that is a special file (a FIFO here; `-o /dev/null` in users' hands) is
    /// written in place: it stays what it was, and the whole output comes through it (the WAV
    /// streamed, the alignment's JSON) instead of a temporary file renamed over it.
    @Test func specialFileOutputsAreWrittenInPlace() throws {
        let dir = try AttendProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("out.fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let input = Self.speech.appendingPathComponent("speech_48000.wav").path
        let cases: [(args: [String], check: (Data) throws -> Void)] = [
            (["denoise", input, "-o", fifo, "--format", "wav16"], { data in
                let copy = dir.appendingPathComponent("received.wav")
                try data.write(to: copy)
                #expect(try AudioFileReader.probe(path: copy.path).frames == 48000)
            }),
            (["align", AlignCommandTests.audio.path, "--transcript", "hello world", "-o", fifo, "--format", "json"], { data in
                let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
                #expect((object?["words"] as? [Any])?.count == 2)
            }),
        ]
        for (args, check) in cases {
            let reader = FIFOReader(path: fifo)
            let r = try AttendProcess.run(args + model)
            let data = reader.finish()
            #expect(r.status == 0, "\(r.stderr)")
            var info = stat()
            #expect(stat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO, "the FIFO was replaced")
            try check(data)
        }
    }

    @Test func rawPcmOnStdin() throws {
        let dir = try AttendProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let raw = dir.appendingPathComponent("x.raw")
        let samples = (0..<8000).map { i in Int16(8000 * sin(Double(i) * 0.05)) }
        try samples.withUnsafeBytes { try Data($0).write(to: raw) }
        let r = try AttendProcess.run(["denoise", "-", "--raw", "s16le", "--rate", "8000", "--channels", "1", "-o", "-"] + model, stdin: raw)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.count == 44 + 8000 * 2)
    }

    @Test func directoryBatchMirrorsReportsAndResumesAndShards() throws {
        let dir = try AttendProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in"), out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: input.appendingPathComponent("x/y"), withIntermediateDirectories: true)
        let files = ["a.wav": "speech_16000", "x/b.wav": "speech_8000", "x/y/c.wav": "speech_44100_stereo", "x/d.wav": "speech_48000"]
        for (rel, src) in files {
            try FileManager.default.copyItem(at: Self.speech.appendingPathComponent("\(src).wav"), to: input.appendingPathComponent(rel))
        }
        try Data("not audio".utf8).write(to: input.appendingPathComponent("x/bad.wav"))

        let first = try AttendProcess.run(["denoise", input.path, "-o", out.path] + model)
        #expect(first.status == 1)  // one file failed
        #expect(first.stderr.contains("bad.wav"))
        #expect(first.stderr.contains("4 done, 1 failed"))
        for rel in files.keys { #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(rel).path)) }
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("x/bad.wav").path))
        let manifest = try String(contentsOf: out.appendingPathComponent("manifest.jsonl"), encoding: .utf8)
        #expect(manifest.split(separator: "\n").count == 5)

        let again = try AttendProcess.run(["denoise", input.path, "-o", out.path] + model)
        #expect(again.stderr.contains("0 done, 1 failed, 4 already done"))

        var union: [String] = []
        for i in 0..<2 {
            let shardOut = dir.appendingPathComponent("shard")
            let r = try AttendProcess.run(["denoise", input.path, "-o", shardOut.path, "--shard", "\(i)/2"] + model)
            let lines = try String(contentsOf: shardOut.appendingPathComponent("manifest-shard-\(i)-of-2.jsonl"), encoding: .utf8)
            union += lines.split(separator: "\n").compactMap { line -> String? in
                guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
                return o["input"] as? String
            }
            _ = r
        }
        #expect(union.sorted() == (Array(files.keys) + ["x/bad.wav"]).sorted())
    }

    @Test func slurmEnvironmentPicksTheShard() throws {
        let dir = try AttendProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in"), out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.speech.appendingPathComponent("speech_16000.wav"), to: input.appendingPathComponent("a.wav"))
        let r = try AttendProcess.run(["denoise", input.path, "-o", out.path] + model,
                                      environment: ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("manifest-shard-2-of-4.jsonl").path))
    }

    @Test func missingModelAndBadInputsFailCleanly() throws {
        let dir = try AttendProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("o.wav")
        let missing = try AttendProcess.run(["denoise", Self.speech.appendingPathComponent("speech_16000.wav").path, "-o", out.path,
                                             "--model", dir.appendingPathComponent("nope.safetensors").path])
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix("attend: error: ") && missing.stderr.contains("nope.safetensors"))
        let corrupt = dir.appendingPathComponent("corrupt.safetensors")
        try Data([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).write(to: corrupt)
        try Data("{}".utf8).write(to: dir.appendingPathComponent("corrupt.json"))
        let bad = try AttendProcess.run(["denoise", Self.speech.appendingPathComponent("speech_16000.wav").path, "-o", out.path, "--model", corrupt.path])
        #expect(bad.status == 1)
        #expect(bad.stderr.split(separator: "\n").count == 1 && bad.stderr.contains("corrupt.safetensors"))
        let empty = dir.appendingPathComponent("empty.wav")
        try Data().write(to: empty)
        let e = try AttendProcess.run(["denoise", empty.path, "-o", out.path] + model)
        #expect(e.status == 1)
        #expect(e.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}

/// Reads a FIFO to its end on a thread of its own (opening it blocks until a writer opens it).
private final class FIFOReader: @unchecked Sendable {
    private let path: String
    private let lock = NSLock()
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(path: String) {
        self.path = path
        Thread { [self] in
            let bytes = FileHandle(forReadingAtPath: path)?.readDataToEndOfFile() ?? Data()
            lock.withLock { data = bytes }
            done.signal()
        }.start()
    }

    /// What came through; if no writer ever opened the FIFO, opens it for writing to release the reader.
    func finish() -> Data {
        if done.wait(timeout: .now() + 30) == .timedOut {
            let fd = open(path, O_WRONLY | O_NONBLOCK)
            if fd >= 0 { close(fd) }
            done.wait()
        }
        return lock.withLock { data }
    }
}
