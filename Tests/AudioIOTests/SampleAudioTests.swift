import Foundation
import Testing
@testable import AudioIO

/// The clips in Audio/ open, have the documented format, a transcript, and audible content.
@Suite struct SampleAudioTests {
    static let audioDir = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Audio")

    static let clips: [(String, Int, Int, String)] = [
        ("espeak_en_16k.wav", 16000, 1, "WAV"),
        ("asterisk_conf_onlyperson_16k.wav", 16000, 1, "WAV"),
        ("asterisk_conf_onlyperson_16k_pink5db.wav", 16000, 1, "WAV"),
        ("asterisk_tt_weasels_44k_stereo.flac", 44100, 2, "FLAC"),
        ("tuxpaint_hippopotamus_44k.ogg", 44100, 1, "OGG"),
    ]

    @Test(arguments: clips)
    func clipIsReadableWithTranscript(clip: (String, Int, Int, String)) throws {
        let path = Self.audioDir.appendingPathComponent(clip.0).path
        let reader = try AudioFileReader(path: path)
        #expect(reader.info.sampleRate == clip.1 && reader.info.channels == clip.2 && reader.info.format == clip.3)
        let mono = try readMono16k(path: path)
        let frames = try #require(reader.info.frames)
        #expect(mono.count == Int((Double(frames) * 16000 / Double(clip.1)).rounded()))
        #expect(rms(mono[...]) > 0.01)
        let text = try String(contentsOf: URL(fileURLWithPath: (path as NSString).deletingPathExtension + ".txt"), encoding: .utf8)
        #expect(text.split(separator: " ").count >= 2)
    }

    @Test func noisyClipIsTheCleanOnePlusNoiseAt5dB() throws {
        let clean = try AudioFileReader(path: Self.audioDir.appendingPathComponent("asterisk_conf_onlyperson_16k.wav").path).readAll()
        let noisy = try AudioFileReader(path: Self.audioDir.appendingPathComponent("asterisk_conf_onlyperson_16k_pink5db.wav").path).readAll()
        #expect(clean.count == noisy.count)
        let noise = zip(noisy, clean).map { $0 - $1 }
        let snr = 20 * log10(rms(clean[...]) / rms(noise[...]))
        #expect(abs(snr - 5) < 0.05, "SNR \(snr) dB")
    }
}
