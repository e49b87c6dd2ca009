import Foundation
import Testing
@testable import AudioIO

@Suite struct ResamplerTests {
    @Test(arguments: [8000, 22050, 44100, 48000])
    func keepsAToneFrequencyAndLevel(inputRate: Int) throws {
        let frames = 2 * inputRate
        let input = tone(hz: 1000, rate: inputRate, frames: frames, amplitude: 0.5)
        let r = try Resampler(inputRate: Double(inputRate), outputRate: 16000, channels: 1)
        let out = try r.process(input) + r.flush()
        #expect(out.count == 32000)
        let middle = out[1600..<30400]
        let hz = zeroCrossingFrequency(middle, rate: 16000)
        #expect(abs(hz - 1000) < 0.1, "frequency \(hz) Hz")
        let levelDB = 20 * log10(rms(middle) / (0.5 / 2.0.squareRoot()))
        #expect(abs(levelDB) < 0.1, "level change \(levelDB) dB")
        // No delay: the output lines up sample for sample with the same tone made at 16 kHz.
        let ideal = tone(hz: 1000, rate: 16000, frames: 32000, amplitude: 0.5)
        #expect(maxAbsDiff(Array(middle), Array(ideal[1600..<30400])) < 2e-3)
    }

    @Test(arguments: [8000, 44100, 48000])
    func streamingWithRandomChunksEqualsOneShot(inputRate: Int) throws {
        let frames = 3 * inputRate + 17
        let input = tone(hz: 523.25, rate: inputRate, frames: frames, amplitude: 0.7)
        let one = try Resampler(inputRate: Double(inputRate), outputRate: 16000, channels: 1)
        let reference = try one.process(input) + one.flush()

        var rng = SplitMix64(state: UInt64(inputRate))
        let streaming = try Resampler(inputRate: Double(inputRate), outputRate: 16000, channels: 1)
        var out: [Float] = []
        var at = 0
        while at < frames {
            let n = min(Int.random(in: 1...5000, using: &rng), frames - at)
            out += try streaming.process(Array(input[at..<at + n]))
            at += n
        }
        out += try streaming.flush()
        let expected = Int((Double(frames) * 16000 / Double(inputRate)).rounded())
        #expect(out.count == expected)
        #expect(reference.count == expected)
        #expect(maxAbsDiff(out, reference) < 1e-5)
    }

    @Test func outputLengthIsExactForOddSizes() throws {
        for (inRate, outRate) in [(44100.0, 16000.0), (8000, 16000), (16000, 16000), (48000, 44100), (11025, 16000)] {
            for frames in [0, 1, 2, 3, 99, 441, 12345] {
                let r = try Resampler(inputRate: inRate, outputRate: outRate, channels: 2)
                let out = try r.process([Float](repeating: 0.1, count: frames * 2)) + r.flush()
                #expect(out.count == 2 * Int((Double(frames) * outRate / inRate).rounded()), "\(inRate)→\(outRate) \(frames)")
            }
        }
    }

    @Test func downmixAveragesChannels() {
        #expect(Downmix.toMono([1, 3, -1, -3, 0.5, 0.5], channels: 2) == [2, -2, 0.5])
        #expect(Downmix.toMono([1, 2, 3], channels: 1) == [1, 2, 3])
        #expect(Downmix.toMono([3, 6, 9], channels: 3) == [6])
    }

    @Test func monoStreamGives16kMonoFromStereo44k() throws {
        let dir = TempDir(); defer { dir.cleanup() }
        var stereo = tone(hz: 1000, rate: 44100, frames: 44100 * 2, channels: 2)
        for f in 0..<(44100 * 2) { stereo[2 * f + 1] = stereo[2 * f] }   // both channels 1 kHz
        let path = try writeFile(stereo, rate: 44100, channels: 2, format: .wavFloat, to: dir.path("s.wav"))
        let stream = try MonoStream(path: path, chunkFrames: 3000)
        var out: [Float] = []
        while let chunk = try stream.next() {
            #expect(!chunk.isEmpty)
            out += chunk
        }
        #expect(stream.original.sampleRate == 44100 && stream.original.channels == 2)
        #expect(out.count == 32000)
        #expect(abs(zeroCrossingFrequency(out[1600..<30400], rate: 16000) - 1000) < 0.1)
        #expect(try readMono16k(path: path) == out)
    }
}

@Suite struct ResamplerConcurrencyTests {
    /// Independent resamplers on different threads give exactly what they give alone.
    @Test func independentInstancesRunInParallel() async throws {
        let rates = [8000, 22050, 44100, 48000, 11025, 32000]
        func run(_ rate: Int) throws -> [Float] {
            let r = try Resampler(inputRate: Double(rate), outputRate: 16000, channels: 1)
            let x = tone(hz: 440, rate: rate, frames: rate, amplitude: 0.5)
            var out: [Float] = []
            for start in stride(from: 0, to: x.count, by: 997) {
                out += try r.process(Array(x[start..<min(start + 997, x.count)]))
            }
            return out + (try r.flush())
        }
        let serial = try rates.map(run)
        let parallel = try await withThrowingTaskGroup(of: (Int, [Float]).self) { group in
            for (i, rate) in rates.enumerated() { group.addTask { (i, try run(rate)) } }
            var results = [[Float]](repeating: [], count: rates.count)
            for try await (i, out) in group { results[i] = out }
            return results
        }
        #expect(parallel == serial)
    }
}
