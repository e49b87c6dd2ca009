import Foundation
import Testing
@testable import Attend

/// The bad-input corpus of issue 7, generated here (no hand-placed binaries), each case with its
/// stated expected behaviour. Header corruption cases for `info` are in InfoCommandTests and
/// AudioIOTests/BadInputTests.
@Suite struct BadInputCorpusTests {
    let model = ["--model", AttendProcess.tinyModel]

    static func writeWAV(_ dir: URL, _ name: String, _ samples: [Float], rate: Int = 16000, format: AudioOutputFormat = .wavFloat) throws -> String {
        let path = dir.appendingPathComponent(name).path
        let w = try AudioFileWriter(path: path, sampleRate: rate, channels: 1, format: format)
        try w.write(samples)
        try w.finish()
        return path
    }

    static func samples(of path: String) throws -> [Float] { try AudioFileReader(path: path).readAll() }

    /// Silence, DC, full-scale clipping, denormals and a 0.01 s clip are valid audio: denoise
    /// succeeds, keeps the length, and writes only finite samples.
    @Test func unusualButValidSignalsAreDenoised() throws {
        let dir = try AttendProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let n = 16000
        let cases: [(String, [Float])] = [
            ("silence.wav", [Float](repeating: 0, count: n)),
            ("dc.wav", [Float](repeating: 0.5, count: n)),
            ("clipped.wav", (0..<n).map { $0 % 40 < 20 ? 1 : -1 }),
            ("denormal.wav", [Float](repeating: Float.leastNonzeroMagnitude * 3, count: n)),
            ("tiny.wav", (0..<160).map { Float(sin(Double($0) * 0.3)) * 0.2 }),
        ]
        for (name, data) in cases {
            let input = try Self.writeWAV(dir, name, data)
            let output = dir.appendingPathComponent("out-" + name).path
            let r = try AttendProcess.run(["denoise", input, "-o", output, "--format", "wavfloat"] + model)
            #expect(r.status == 0, "\(name): \(r.stderr)")
            let out = try Self.samples(of: output)
            #expect(out.count == data.count, "\(name)")
            let finite = out.allSatisfy { $0.isFinite }
            #expect(finite, "\(name)")
        }
    }

    /// NaN or ±Inf samples: one-line error naming the file and the frame, exit 1, no output.
    @Test(arguments: [Float.nan, .infinity, -.infinity])
    func nonFiniteSamplesAreRefused(value: Float) throws {
        let dir = try AttendProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var data = [Float](repeating: 0.1, count: 8000)
        data[4321] = value
        let input = try Self.writeWAV(dir, "bad.wav", data)
        let output = dir.appendingPathComponent("out.wav").path
        for command in [["denoise", input, "-o", output], ["align", input, "--transcript", "hello", "-o", output]] {
            let r = try AttendProcess.run(command + model)
            #expect(r.status == 1, "\(command[0])")
            #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains(input), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: output))
        }
    }

    /// A directory where a file is expected: `info` refuses it in one line; `align --transcript`
    /// says a directory input needs -o OUTDIR (a usage error, exit 64).
    @Test func directoryWhereAFileIsExpected() throws {
        let dir = try AttendProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let info = try AttendProcess.run(["info", dir.path])
        #expect(info.status == 1 && info.stderr.split(separator: "\n").count == 1)
        let align = try AttendProcess.run(["align", dir.path, "--transcript", "hi"] + model)
        #expect(align.status == 64 && align.stderr.contains("a directory input needs -o OUTDIR"))
    }

    /// A FIFO is read as a stream: denoise through a named pipe works.
    @Test func fifoInput() throws {
        let dir = try AttendProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("in.fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let source = try Self.writeWAV(dir, "src.wav", (0..<16000).map { Float(sin(Double($0) * 0.05)) * 0.3 }, format: .wav16)
        let feeder = Process()  // blocks opening the FIFO until attend opens it for reading
        feeder.executableURL = URL(fileURLWithPath: "/bin/sh")
        feeder.arguments = ["-c", "cat \(CLIRunner.q(source)) > \(CLIRunner.q(fifo))"]
        feeder.standardOutput = FileHandle.nullDevice
        feeder.standardError = FileHandle.nullDevice
        try feeder.run()
        let output = dir.appendingPathComponent("out.wav").path
        let r = try AttendProcess.run(["denoise", fifo, "-o", output] + model)
        feeder.waitUntilExit()
        #expect(feeder.terminationStatus == 0)
        #expect(r.status == 0, "\(r.stderr)")
        let frames = try AudioFileReader.probe(path: output).frames
        #expect(frames == 16000)
    }

    /// Transcripts: non-UTF-8 bytes are refused in one line; right-to-left and CJK text keep
    /// every word; a transcript of 100,000 words for 6 s of audio is refused in one line (it
    /// cannot fit), quickly and without a crash.
    @Test func transcriptsInAnyScriptAndOfAnyLength() throws {
        let dir = try AttendProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let audio = AttendProcess.packageRoot.appendingPathComponent("Audio/espeak_en_16k.wav").path
        let bad = dir.appendingPathComponent("latin1.txt")
        try Data([0x63, 0x61, 0x66, 0xE9, 0x20, 0x6E, 0x6F, 0x69, 0x72]).write(to: bad)  // "café noir" in Latin-1
        let r1 = try AttendProcess.run(["align", audio, "--transcript-file", bad.path] + model)
        #expect(r1.status == 1 && r1.stderr.contains("UTF-8") && r1.stderr.split(separator: "\n").count == 1)

        let mixed = "שלום עולם مرحبا بالعالم 你好 世界 こんにちは"
        let r2 = try AttendProcess.run(["align", audio, "--transcript", mixed] + model)
        #expect(r2.status == 0, "\(r2.stderr)")
        let words = (try JSONSerialization.jsonObject(with: r2.stdout) as? [String: Any])?["words"] as? [[String: Any]]
        #expect(words?.compactMap { $0["word"] as? String } == mixed.split(separator: " ").map(String.init))

        let long = dir.appendingPathComponent("long.txt")
        try Data(Array(repeating: "word", count: 100_000).joined(separator: " ").utf8).write(to: long)
        let out = dir.appendingPathComponent("long.json").path
        let r3 = try AttendProcess.run(["align", audio, "--transcript-file", long.path, "-o", out] + model)
        #expect(r3.status == 1 && r3.stderr.split(separator: "\n").count == 1, "\(r3.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// A 10-hour stream (8 kHz 16-bit raw PCM, 576 MB, generated on the fly into stdin) is
    /// counted by `attend info -` in bounded memory: the child's peak RSS (VmHWM, sampled every
    /// 20 ms while it runs) stays under 200 MB.
    @Test func tenHourStreamInBoundedMemory() throws {
        let p = Process()
        p.executableURL = AttendProcess.binary
        p.arguments = ["info", "-", "--raw", "s16le", "--rate", "8000", "--channels", "1", "--json"]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = FileHandle.nullDevice
        try p.run()
        let frames = 10 * 3600 * 8000
        let block = Data(count: 1 << 20)
        let writer = Thread {
            var left = frames * 2
            while left > 0 {
                let n = min(left, block.count)
                input.fileHandleForWriting.write(block.prefix(n))
                left -= n
            }
            input.fileHandleForWriting.closeFile()
        }
        writer.start()
        // Peak resident memory of the child (VmHWM), sampled while it runs.
        var peakKiB = 0
        let status = "/proc/\(p.processIdentifier)/status"
        while p.isRunning {
            if let text = try? String(contentsOfFile: status, encoding: .utf8),
               let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
               let kib = Int(line.split(separator: " ").dropFirst().first ?? "") {
                peakKiB = max(peakKiB, kib)
            }
            usleep(20_000)
        }
        let text = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let object = try JSONSerialization.jsonObject(with: text) as? [String: Any]
        #expect(object?["frames"] as? Int == frames)
        #expect(peakKiB > 0 && peakKiB < 200 * 1024, "peak RSS \(peakKiB) KiB")
    }
}
