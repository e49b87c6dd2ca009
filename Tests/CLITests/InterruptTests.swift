import Foundation
import Testing
@testable import Attend

/// SIGTERM / SIGINT in the middle of writing: exit 143 / 130 and no output, partial or whole.
/// Closing stdout early (`| head -c`) ends attend quietly.
@Suite(.serialized) struct InterruptTests {
    @Test(arguments: [(SIGTERM, Int32(143)), (SIGINT, Int32(130))])
    func signalMidWriteRemovesThePartialOutput(signal: Int32, status: Int32) throws {
        let dir = try AttendProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.wav")
        let p = Process()
        p.executableURL = AttendProcess.binary
        p.arguments = ["denoise", "-", "-o", out.path, "--model", AttendProcess.tinyModel]
        let input = Pipe()
        p.standardInput = input
        p.standardError = FileHandle.nullDevice
        try p.run()
        // A WAV stream of unknown length: header, then 2 s of audio; the pipe stays open.
        var header = [UInt8]("RIFF".utf8) + [0xFF, 0xFF, 0xFF, 0xFF] + Array("WAVEfmt ".utf8)
        header += [16, 0, 0, 0, 1, 0, 1, 0, 0x80, 0x3E, 0, 0, 0, 0x7D, 0, 0, 2, 0, 16, 0] + Array("data".utf8) + [0xFF, 0xFF, 0xFF, 0xFF]
        input.fileHandleForWriting.write(Data(header))
        let samples = (0..<32000).map { Int16(3000 * sin(Double($0) * 0.03)) }
        input.fileHandleForWriting.write(samples.withUnsafeBytes { Data($0) })
        // Wait until the output's temporary file exists (writing has started).
        var started = false
        for _ in 0..<200 {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            if names.contains(where: { $0.hasSuffix(".partial") }) { started = true; break }
            usleep(50_000)
        }
        #expect(started)
        kill(p.processIdentifier, signal)
        p.waitUntilExit()
        #expect(p.terminationStatus == status)
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(left.isEmpty, "left behind: \(left)")
    }

    @Test func stdoutClosedEarlyIsAQuietExit() throws {
        let dir = try AttendProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let wav = dir.appendingPathComponent("in.wav")
        let w = try AudioFileWriter(path: wav.path, sampleRate: 16000, channels: 1, format: .wav16)
        try w.write((0..<64_000).map { Float(sin(Double($0) * 0.01)) * 0.3 })
        try w.finish()
        let bash = try CLIRunner.sh("bash -c 'set -o pipefail; \"$ATTEND\" denoise \(CLIRunner.q(wav.path)) -o - --model \(CLIRunner.q(AttendProcess.tinyModel)) 2>\(CLIRunner.q(dir.appendingPathComponent("err").path)) | head -c 1000 > /dev/null; echo ${PIPESTATUS[0]}'")
        let status = Int(bash.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        #expect(status == 0 || status == 141)  // finished, or ended by SIGPIPE: never a crash (134/139)
        let err = (try? String(contentsOf: dir.appendingPathComponent("err"), encoding: .utf8)) ?? ""
        #expect(err.isEmpty, "stderr: \(err)")
    }
}

/// The first output of a stream comes before its input ends (issue 5): feed 1 s of a WAV stream,
/// keep stdin open, and read denoised samples from stdout.
@Test func streamOutputArrivesBeforeTheInputEnds() throws {
    let p = Process()
    p.executableURL = AttendProcess.binary
    p.arguments = ["denoise", "-", "-o", "-", "--model", AttendProcess.tinyModel, "--chunk-frames", "2", "--left-frames", "16"]
    let input = Pipe(), output = Pipe()
    p.standardInput = input
    p.standardOutput = output
    p.standardError = FileHandle.nullDevice
    try p.run()
    var header = [UInt8]("RIFF".utf8) + [0xFF, 0xFF, 0xFF, 0xFF] + Array("WAVEfmt ".utf8)
    header += [16, 0, 0, 0, 1, 0, 1, 0, 0x80, 0x3E, 0, 0, 0, 0x7D, 0, 0, 2, 0, 16, 0] + Array("data".utf8) + [0xFF, 0xFF, 0xFF, 0xFF]
    input.fileHandleForWriting.write(Data(header))
    input.fileHandleForWriting.write((0..<16000).map { Int16(2000 * sin(Double($0) * 0.05)) }.withUnsafeBytes { Data($0) })
    // Read until 0.5 s of output samples (past the 44-byte header) have come, input still open.
    let fd = output.fileHandleForReading.fileDescriptor
    var received = 0
    var buffer = [UInt8](repeating: 0, count: 65536)
    let deadline = Date().addingTimeInterval(60)
    while received < 44 + 16000, Date() < deadline {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, 1000) > 0 else { continue }
        let n = read(fd, &buffer, buffer.count)
        if n <= 0 { break }
        received += n
    }
    #expect(received >= 44 + 16000, "only \(received) bytes arrived while the input was open")
    input.fileHandleForWriting.closeFile()
    _ = output.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    #expect(p.terminationStatus == 0)
}
