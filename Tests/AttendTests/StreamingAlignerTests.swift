import Foundation
import Testing
@testable import Attend

@Suite struct StreamingAlignerTests {
    static let audio = DenoiserTests.root.deletingLastPathComponent().appendingPathComponent("Audio/espeak_en_16k.wav")

    /// Streaming in 50 ms pieces gives every word once, in order, with the same times as the
    /// offline aligner under the same context and beam.
    @Test func streamedWordsEqualOffline() throws {
        let model = try DenoiserTests.tinyModel()
        let aligner = Aligner(model: model, phonemizer: try Phonemizer())
        let transcript = try Transcript("The quick brown fox jumps over the lazy dog. Attend finds every word in time.", phonemizer: aligner.phonemizer)
        let samples = try readMono16k(path: Self.audio.path)
        let context = ChunkedContext(chunkSize: 8, leftContext: 32)
        var options = AlignOptions()
        options.context = context
        options.denoise = .off
        options.beam = 40
        let offline = try aligner.align(samples: samples, audioName: "x", transcript: transcript, options: options)

        let follower = try StreamingAligner(aligner: aligner, transcript: transcript, context: context, beam: 40)
        var streamed: [WordTiming] = []
        var start = 0
        while start < samples.count {
            let n = min(800, samples.count - start)
            streamed += try follower.push(Array(samples[start..<(start + n)]))
            start += n
        }
        streamed += try follower.finish()
        #expect(streamed.map(\.word) == transcript.words.map(\.text))
        #expect(streamed.count == offline.words.count)
        for (a, b) in zip(streamed, offline.words) {
            #expect(abs(a.start - b.start) < 1e-9 && abs(a.end - b.end) < 1e-9, "\(a.word)")
            #expect(abs(a.confidence - b.confidence) < 1e-6)
        }
    }
}
