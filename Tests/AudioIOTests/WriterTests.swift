import Foundation
import Testing
@testable import AudioIO

@Suite struct WriterTests {
    func listing(_ dir: TempDir) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: dir.url.path).sorted()) ?? []
    }

    @Test func finishRenamesIntoPlaceAndLeavesNothingElse() throws {
        let dir = TempDir(); defer { dir.cleanup() }
        let w = try AudioFileWriter(path: dir.path("out.flac"), sampleRate: 16000, channels: 1, format: .flac16)
        try w.write(tone(hz: 200, rate: 16000, frames: 1600))
        #expect(!FileManager.default.fileExists(atPath: dir.path("out.flac")))   // not visible until finished
        try w.write(tone(hz: 200, rate: 16000, frames: 1600))
        try w.finish()
        #expect(listing(dir) == ["out.flac"])
        #expect(w.framesWritten == 3200)
        #expect(try AudioFileReader(path: dir.path("out.flac")).info.frames == 3200)
    }

    @Test func abandonedOrCancelledOutputLeavesNoFile() throws {
        let dir = TempDir(); defer { dir.cleanup() }
        do {
            let w = try AudioFileWriter(path: dir.path("a.wav"), sampleRate: 8000, channels: 2, format: .wav24)
            try w.write([Float](repeating: 0.25, count: 2000))
        }   // released without finish
        let c = try AudioFileWriter(path: dir.path("b.wav"), sampleRate: 8000, channels: 1, format: .wavFloat)
        try c.write([0.1, 0.2])
        c.cancel()
        #expect(listing(dir) == [])
        #expect(throws: AudioError.self) { try c.write([0.3]) }
    }

    @Test func replacesAnExistingFileOnlyOnSuccess() throws {
        let dir = TempDir(); defer { dir.cleanup() }
        let path = try writeFile([0.5, 0.5], rate: 8000, channels: 1, format: .wav16, to: dir.path("x.wav"))
        do {
            let w = try AudioFileWriter(path: path, sampleRate: 8000, channels: 1, format: .wav16)
            try w.write([Float](repeating: 0, count: 100))
        }
        #expect(try AudioFileReader(path: path).info.frames == 2)
    }

    @Test func unwritableDestinationIsAnError() {
        #expect(throws: AudioError.self) {
            try AudioFileWriter(path: "/nonexistent-dir/x.wav", sampleRate: 8000, channels: 1, format: .wav16)
        }
        #expect(throws: AudioError.self) {
            try AudioFileWriter(path: "-", sampleRate: 8000, channels: 1, format: .flac16)
        }
    }

    @Test(arguments: AudioOutputFormat.allCases.filter { $0.rawBodyFormat != nil })
    func streamingHeaderIsReadBackAsUnknownLength(format: AudioOutputFormat) throws {
        let dir = TempDir(); defer { dir.cleanup() }
        var bytes = Data(AudioFileWriter.streamingWAVHeader(sampleRate: 22050, channels: 2, format: format))
        let frameBytes = 2 * format.bitsPerSample / 8
        bytes.append(Data(count: 1000 * frameBytes))
        try put(dir.path("s.wav"), contents: bytes)
        let r = try AudioFileReader(path: dir.path("s.wav"))
        #expect(r.info.sampleRate == 22050 && r.info.channels == 2)
        #expect(try r.readAll().count == 2000)
    }

    @Test func clipsOutOfRangeFloatsInIntegerFormats() throws {
        let dir = TempDir(); defer { dir.cleanup() }
        let path = try writeFile([1.5, -1.5, 0.5], rate: 8000, channels: 1, format: .wav16, to: dir.path("c.wav"))
        let back = try AudioFileReader(path: path).readAll()
        #expect(back[0] > 0.999 && back[1] < -0.999 && abs(back[2] - 0.5) < 1e-4)
    }
}

@Suite struct StreamingWriterTests {
    @Test(arguments: [AudioOutputFormat.wav16, .wav24, .wavFloat])
    func wavStreamedThroughAPipeIsReadBySox(format: AudioOutputFormat) throws {
        let dir = TempDir(); defer { dir.cleanup() }
        let out = dir.path("from-pipe.wav")
        let sox = Process()
        sox.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        sox.arguments = ["-t", "wav", "-", "-e", "floating-point", "-b", "32", out]
        let pipe = Pipe()
        sox.standardInput = pipe
        sox.standardError = FileHandle.nullDevice
        try sox.run()
        let signal = tone(hz: 700, rate: 11025, frames: 11025, channels: 2, amplitude: 0.6)
        let w = try AudioFileWriter(streamingTo: pipe.fileHandleForWriting.fileDescriptor, name: "pipe",
                                    sampleRate: 11025, channels: 2, format: format)
        for start in stride(from: 0, to: signal.count, by: 2 * 1000) {
            try w.write(Array(signal[start..<min(start + 2000, signal.count)]))
        }
        try w.finish()
        try pipe.fileHandleForWriting.close()
        sox.waitUntilExit()
        #expect(sox.terminationStatus == 0)
        let r = try AudioFileReader(path: out)
        #expect(r.info.sampleRate == 11025 && r.info.channels == 2 && r.info.frames == 11025)
        let tolerance: Float = format == .wav16 ? 1.0 / 32768 + 1e-6 : 1e-6
        #expect(maxAbsDiff(try r.readAll(), signal) <= tolerance)
    }
}
