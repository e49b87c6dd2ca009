import Foundation
import Testing
@testable import AudioIO

/// A minimal PCM WAV with arbitrary (possibly impossible) header fields.
func handMadeWAV(channels: Int, rate: Int, bits: Int = 16, dataBytes: Int, declaredDataBytes: Int? = nil) -> Data {
    var d = Data()
    func u32(_ v: Int) { withUnsafeBytes(of: UInt32(truncatingIfNeeded: v).littleEndian) { d.append(contentsOf: $0) } }
    func u16(_ v: Int) { withUnsafeBytes(of: UInt16(truncatingIfNeeded: v).littleEndian) { d.append(contentsOf: $0) } }
    let align = max(channels, 1) * bits / 8
    d.append(contentsOf: Array("RIFF".utf8)); u32(36 + (declaredDataBytes ?? dataBytes))
    d.append(contentsOf: Array("WAVEfmt ".utf8)); u32(16)
    u16(1); u16(channels); u32(rate); u32(rate * align); u16(align); u16(bits)
    d.append(contentsOf: Array("data".utf8)); u32(declaredDataBytes ?? dataBytes)
    d.append(Data(count: dataBytes))
    return d
}

@Suite struct BadInputTests {
    func expectError(_ expected: (AudioError) -> Bool, path: String, raw: RawPCMFormat? = nil,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let r = try AudioFileReader(path: path, raw: raw)
            _ = try r.readAll()
            Issue.record("no error for \(path)", sourceLocation: sourceLocation)
        } catch {
            #expect(expected(error), "\(error)", sourceLocation: sourceLocation)
            #expect(!error.description.contains("\n"), sourceLocation: sourceLocation)
            #expect(error.description.hasPrefix(error.file + ": "), sourceLocation: sourceLocation)
        }
    }

    @Test func missingEmptyTextAndDirectory() throws {
        let dir = TempDir(); defer { dir.cleanup() }
        expectError({ $0 == .missingFile(dir.path("nope.wav")) }, path: dir.path("nope.wav"))
        try put(dir.path("empty.wav"), contents: Data())
        expectError({ $0 == .emptyFile(dir.path("empty.wav")) }, path: dir.path("empty.wav"))
        try put(dir.path("text.wav"), contents: Data("just some words\n".utf8))
        expectError({ if case .unreadable(let f, let m) = $0 { f == dir.path("text.wav") && !m.isEmpty } else { false } },
                    path: dir.path("text.wav"))
        expectError({ if case .notReadable = $0 { true } else { false } }, path: dir.path(""))
    }

    @Test func truncatedHeaderAndTruncatedData() throws {
        let dir = TempDir(); defer { dir.cleanup() }
        let full = handMadeWAV(channels: 1, rate: 16000, dataBytes: 32000)
        try put(dir.path("cut-header.wav"), contents: full.prefix(30))
        expectError({ if case .unreadable = $0 { true } else { false } }, path: dir.path("cut-header.wav"))
        try put(dir.path("cut-data.wav"), contents: full.prefix(44 + 10000))
        expectError({ $0 == .truncated(dir.path("cut-data.wav"), declaredFrames: 16000, presentFrames: 5000) },
                    path: dir.path("cut-data.wav"))
        // The same header with the streaming "unknown length" size is fine.
        try put(dir.path("stream.wav"),
                                       contents: handMadeWAV(channels: 1, rate: 16000, dataBytes: 10000, declaredDataBytes: 0xFFFF_FFFF))
        #expect(try AudioFileReader(path: dir.path("stream.wav")).readAll().count == 5000)
    }

    @Test func zeroLengthHeaderIsReadAsAStreamOfUnknownLength() throws {
        let dir = TempDir(); defer { dir.cleanup() }
        try put(dir.path("zero.wav"), contents: handMadeWAV(channels: 2, rate: 8000, dataBytes: 4000, declaredDataBytes: 0))
        let r = try AudioFileReader(path: dir.path("zero.wav"))
        #expect(r.isStream && r.info.frames == nil)
        #expect(try r.readAll().count == 2000)
        #expect(r.info.frames == 1000)
        try put(dir.path("empty-data.wav"), contents: handMadeWAV(channels: 1, rate: 8000, dataBytes: 0))
        #expect(try AudioFileReader.probe(path: dir.path("empty-data.wav")).frames == 0)
    }

    @Test func truncatedFlacDoesNotCrash() throws {
        let dir = TempDir(); defer { dir.cleanup() }
        let path = try writeFile(tone(hz: 440, rate: 16000, frames: 48000), rate: 16000, channels: 1,
                                 format: .flac16, to: dir.path("x.flac"))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try put(dir.path("cut.flac"), contents: bytes.prefix(bytes.count / 2))
        expectError({ if case .truncated = $0 { true } else if case .readFailed = $0 { true } else { false } },
                    path: dir.path("cut.flac"))
    }

    @Test func impossibleHeaders() throws {
        let dir = TempDir(); defer { dir.cleanup() }
        for (name, ch, rate) in [("zero-ch.wav", 0, 16000), ("huge-rate.wav", 1, 2_000_000_000), ("zero-rate.wav", 1, 0),
                                 ("many-ch.wav", 1000, 16000)] {
            try put(dir.path(name), contents: handMadeWAV(channels: ch, rate: rate, dataBytes: 4000))
            expectError({ if case .badHeader(let f, _) = $0 { f == dir.path(name) } else { false } }, path: dir.path(name))
        }
    }

    @Test func streamClosingMidHeaderOrEmpty() throws {
        let dir = TempDir(); defer { dir.cleanup() }
        let header = handMadeWAV(channels: 1, rate: 16000, dataBytes: 0)
        for (name, bytes, isEmpty) in [("mid", header.prefix(20), false), ("none", Data(), true)] {
            let fifo = dir.path(name)
            #expect(mkfifo(fifo, 0o600) == 0)
            let file = dir.path(name + ".bin")
            try put(file, contents: bytes)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", "cat '\(file)' > '\(fifo)'"]
            try p.run()
            expectError({ isEmpty ? $0 == .emptyFile(fifo) : { if case .unreadable = $0 { true } else { false } }($0) },
                        path: fifo)
            p.waitUntilExit()
        }
    }

    @Test func nonFiniteSamples() throws {
        let dir = TempDir(); defer { dir.cleanup() }
        var x = tone(hz: 100, rate: 8000, frames: 1000, channels: 2)
        x[2 * 700 + 1] = .nan
        x[2 * 900] = .infinity
        let path = try writeFile(x, rate: 8000, channels: 2, format: .wavFloat, to: dir.path("nan.wav"))
        #expect(try AudioFileReader(path: path).readAll().count == 2000)   // accepted unless asked
        let r = try AudioFileReader(path: path, rejectNonFinite: true)
        #expect(throws: AudioError.nonFiniteSample(path, frame: 700)) {
            while try r.read(maxFrames: 128).count > 0 {}
        }
        #expect(throws: AudioError.nonFiniteSample("x", frame: 12 + 700)) {
            try validateFinite(x, channels: 2, firstFrame: 12, file: "x")
        }
        try validateFinite([0, 1, -1], file: "ok")
    }

    @Test func badRawDescriptions() {
        expectError({ if case .badRawFormat = $0 { true } else { false } }, path: "/dev/null",
                    raw: RawPCMFormat(sample: .s16le, sampleRate: 0, channels: 1))
        expectError({ if case .badRawFormat = $0 { true } else { false } }, path: "/dev/null",
                    raw: RawPCMFormat(sample: .f32le, sampleRate: 16000, channels: 300))
    }
}
