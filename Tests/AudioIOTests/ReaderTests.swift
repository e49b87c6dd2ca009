import Foundation
import Testing
@testable import AudioIO

@Suite struct ReaderTests {
    /// Tolerance per encoding: half a quantisation step (plus float slack); 0 for float.
    static let cases: [(AudioOutputFormat, Float, String, String)] = [
        (.wav16, 1.0 / 32768 + 1e-6, "WAV", "PCM_16"),
        (.wav24, 1.0 / 8_388_608 + 1e-7, "WAV", "PCM_24"),
        (.wavFloat, 0, "WAV", "FLOAT"),
        (.flac16, 1.0 / 32768 + 1e-6, "FLAC", "PCM_16"),
        (.flac24, 1.0 / 8_388_608 + 1e-7, "FLAC", "PCM_24"),
    ]

    @Test(arguments: [1, 2], [8000, 44100])
    func everyFormatRoundTrips(channels: Int, rate: Int) throws {
        let dir = TempDir(); defer { dir.cleanup() }
        let signal = tone(hz: 440, rate: rate, frames: 5000, channels: channels, amplitude: 0.8)
        for (format, tolerance, major, sub) in Self.cases {
            let path = try writeFile(signal, rate: rate, channels: channels, format: format,
                                     to: dir.path("x-\(format).\(format.rawValue.hasPrefix("flac") ? "flac" : "wav")"))
            let reader = try AudioFileReader(path: path)
            #expect(reader.info == AudioInfo(format: major, subtype: sub, sampleRate: rate, channels: channels, frames: 5000))
            let back = try reader.readAll()
            #expect(back.count == signal.count)
            #expect(maxAbsDiff(back, signal) <= tolerance, "\(format)")
        }
    }

    @Test func chunkedReadingEqualsWholeReading() throws {
        let dir = TempDir(); defer { dir.cleanup() }
        let signal = tone(hz: 300, rate: 22050, frames: 30_011, channels: 2)
        let path = try writeFile(signal, rate: 22050, channels: 2, format: .flac24, to: dir.path("c.flac"))
        let whole = try AudioFileReader(path: path).read(maxFrames: 1_000_000)
        let reader = try AudioFileReader(path: path)
        var chunks: [Float] = []
        var buffer: [Float] = []
        let sizes = [1, 7, 160, 4096, 333]
        var i = 0
        while try reader.read(into: &buffer, maxFrames: sizes[i % sizes.count]) > 0 {
            #expect(buffer.count <= sizes[i % sizes.count] * 2)
            chunks += buffer
            i += 1
        }
        #expect(whole.count == 30_011 * 2)
        #expect(chunks == whole)
        #expect(reader.framesRead == 30_011)
    }

    @Test func readsUlawAlawOggAiffCafWrittenBySox() throws {
        let dir = TempDir(); defer { dir.cleanup() }
        let signal = tone(hz: 500, rate: 16000, frames: 16000, amplitude: 0.5)
        let src = try writeFile(signal, rate: 16000, channels: 1, format: .wavFloat, to: dir.path("src.wav"))
        let cases: [(String, String, String, String, Double)] = [
            ("-e u-law", "u.wav", "WAV", "ULAW", 0.02),
            ("-e a-law", "a.wav", "WAV", "ALAW", 0.02),
            ("", "v.ogg", "OGG", "VORBIS", 0.05),
            ("", "s.aiff", "AIFF", "PCM_16", 0.001),
            ("", "s.caf", "CAF", "PCM_16", 0.001),
        ]
        for (opts, name, major, sub, rmsTolerance) in cases {
            let out = dir.path(name)
            #expect(try shell("sox '\(src)' -b 16 \(opts) '\(out)' 2>/dev/null || sox '\(src)' \(opts) '\(out)'").status == 0)
            let reader = try AudioFileReader(path: out)
            #expect(reader.info.format == major && reader.info.subtype == sub, "\(name): \(reader.info)")
            #expect(reader.info.sampleRate == 16000 && reader.info.channels == 1)
            let back = try reader.readAll()
            #expect(back.count == 16000, "\(name)")
            let err = rms(zip(back, signal).map { $0 - $1 }[...])
            #expect(err < rmsTolerance, "\(name): rms error \(err)")
        }
    }

    /// ffmpeg is not among scripts/install-deps.sh's packages, so this runs only where it exists.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ffmpeg"), "needs /usr/bin/ffmpeg"))
    func readsMP3AndOpusMadeByFfmpeg() throws {
        let dir = TempDir(); defer { dir.cleanup() }
        let src = try writeFile(tone(hz: 440, rate: 16000, frames: 32000), rate: 16000, channels: 1, format: .wav16,
                                to: dir.path("src.wav"))
        for (name, codec, major, sub) in [("x.mp3", "libmp3lame", "MP3", "MPEG_LAYER_III"), ("x.opus", "libopus", "OGG", "OPUS")] {
            #expect(try shell("ffmpeg -loglevel error -y -i '\(src)' -c:a \(codec) '\(dir.path(name))'").status == 0)
            let r = try AudioFileReader(path: dir.path(name))
            #expect(r.info.format == major && r.info.subtype == sub && r.info.sampleRate == 16000)
            let back = try r.readAll()
            #expect(abs(back.count - 32000) <= 32000 / 100, "\(name): \(back.count) frames")
            #expect(abs(rms(back[4000..<28000]) - 0.5 / 2.0.squareRoot()) < 0.05, "\(name)")
        }
    }

    @Test func readsRawPCMFromAFile() throws {
        let dir = TempDir(); defer { dir.cleanup() }
        let path = dir.path("x.raw")
        let values: [Int16] = [0, 16384, -16384, 32767, -32768, 1]
        try put(path, contents: values.withUnsafeBytes { Data($0) })
        let reader = try AudioFileReader(path: path, raw: RawPCMFormat(sample: .s16le, sampleRate: 8000, channels: 2))
        #expect(reader.info == AudioInfo(format: "RAW", subtype: "PCM_16", sampleRate: 8000, channels: 2, frames: 3))
        let back = try reader.readAll()
        #expect(back == values.map { Float($0) / 32768 })
    }

    @Test func readsAStreamOfUnknownLengthFromAFIFO() throws {
        let dir = TempDir(); defer { dir.cleanup() }
        let signal = tone(hz: 440, rate: 16000, frames: 20_000)
        let src = try writeFile(signal, rate: 16000, channels: 1, format: .flac16, to: dir.path("s.flac"))
        for (name, cmd) in [("f1", "cat '\(src)'"), ("f2", "sox '\(src)' -t wav -"), ("f3", "sox '\(src)' -t ogg -")] {
            let fifo = dir.path(name)
            #expect(mkfifo(fifo, 0o600) == 0)
            let writer = Process()
            writer.executableURL = URL(fileURLWithPath: "/bin/sh")
            writer.arguments = ["-c", "\(cmd) > '\(fifo)'"]
            try writer.run()
            let reader = try AudioFileReader(path: fifo)
            #expect(reader.isStream)
            #expect(reader.info.frames == nil)
            let back = try reader.readAll(chunkFrames: 999)
            writer.waitUntilExit()
            #expect(back.count == 20_000, "\(cmd)")
            #expect(reader.info.frames == 20_000)
        }
    }
}
