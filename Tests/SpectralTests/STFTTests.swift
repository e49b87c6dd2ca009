import Foundation
import Testing
@testable import Spectral

@Suite struct STFTTests {
    @Test func frameCounts() throws {
        let c = try STFTConfiguration()
        #expect(c.bins == 257)
        for n in [0, 1, 159, 160, 161, 16000, 24000] { #expect(c.frameCount(samples: n) == 1 + n / 160) }
        let nc = try STFTConfiguration(center: false)
        #expect(nc.frameCount(samples: 511) == 0)
        #expect(nc.frameCount(samples: 512) == 1)
        #expect(nc.frameCount(samples: 512 + 159) == 1)
        #expect(nc.frameCount(samples: 512 + 160) == 2)
        for n in [0, 100, 511, 512, 700, 5000] {
            let spec = try STFT.analyze(Signals.noise(count: n, seed: UInt64(n)), configuration: nc)
            #expect(spec.frames == nc.frameCount(samples: n))
            let specC = try STFT.analyze(Signals.noise(count: n, seed: UInt64(n)), configuration: c)
            #expect(specC.frames == c.frameCount(samples: n))
        }
    }

    /// Frame t, bin k = Σₙ w[n]·x[t·hop + n − nFFT/2]·e^(−2πikn/nFFT), computed in Double.
    @Test func matchesDirectDFT() throws {
        let x = Signals.noise(count: 1200, seed: 11)
        let c = try STFTConfiguration()
        let spec = try STFT.analyze(x, configuration: c)
        let w = Window.hann(512)
        for t in [0, 3, 7] {
            var norm = 0.0
            for n in 0..<512 {
                let i = t * 160 + n - 256
                if i >= 0 && i < x.count { norm += Double(w[n] * x[i]) * Double(w[n] * x[i]) }
            }
            for k in [0, 1, 37, 128, 255, 256] {
                var re = 0.0, im = 0.0
                for n in 0..<512 {
                    let i = t * 160 + n - 256
                    guard i >= 0 && i < x.count else { continue }
                    let v = Double(w[n]) * Double(x[i]), a = -2 * Double.pi * Double(k * n) / 512
                    re += v * cos(a); im += v * sin(a)
                }
                let got = spec[frame: t, bin: k]
                let err = hypot(Double(got.re) - re, Double(got.im) - im)
                #expect(err < 1e-5 * norm.squareRoot() * 16, "frame \(t) bin \(k)")
            }
        }
    }

    @Test func magnitudesMatchLibrosa() throws {
        let y = try Fixture.signal("speech")
        let golden = try Fixture.load("speech_stftmag")
        let spec = try STFT.analyze(y, configuration: try STFTConfiguration())
        #expect([spec.frames, spec.bins] == golden.shape)
        let mags = spec.magnitudes()
        var worst = -Double.infinity
        for t in 0..<spec.frames {
            let ref = golden.values[(t * 257)..<((t + 1) * 257)]
            let peak = ref.max()!
            for k in 0..<257 {
                let a = mags[t * 257 + k], b = ref[t * 257 + k]
                #expect(abs(a - b) <= 1e-4 * b + 2e-6 * peak + 1e-7, "frame \(t) bin \(k)")
            }
            if peak > 0 { worst = max(worst, relativeErrorDB(mags[(t * 257)..<((t + 1) * 257)], ref)) }
        }
        #expect(worst < -100, "worst per-frame error \(worst) dB")
    }

    @Test(arguments: [true, false])
    func streamingEqualsOffline(center: Bool) throws {
        let x = Signals.noise(count: 9_001, seed: 5)
        for windows in [WindowPair.hann(), .lowLatency(), .hann(nFFT: 512, length: 400)] {
            let c = try STFTConfiguration(windows: windows, center: center)
            let offline = try STFT.analyze(x, configuration: c)
            let stft = try StreamingSTFT(configuration: c)
            for seed in [1, 2, 3] as [UInt64] {
                var rng = SeededRNG(seed: seed)
                var values = [Float]()
                var i = 0
                while i < x.count {
                    let n = min(Int.random(in: 0...(seed == 3 ? 5 : 1500), using: &rng), x.count - i)
                    values += stft.push(Array(x[i..<(i + n)])).values
                    i += n
                }
                #expect(stft.samplesPushed == x.count)
                values += stft.finish().values
                #expect(values == offline.values, "seed \(seed), center \(center)")
                #expect(stft.framesEmitted == 0 && stft.samplesPushed == 0)     // finish resets
            }
        }
    }

    @Test func reusableAcrossStreams() throws {
        let stft = try StreamingSTFT(configuration: try STFTConfiguration())
        let a = Signals.noise(count: 3000, seed: 1), b = Signals.noise(count: 2000, seed: 2)
        _ = stft.push(a); _ = stft.finish()
        var second = stft.push(b).values
        second += stft.finish().values
        #expect(second == (try STFT.analyze(b, configuration: stft.configuration)).values)
    }

    @Test func concurrentPlansAndExecution() async throws {
        let x = Signals.noise(count: 8000, seed: 9)
        let sizes = [256, 320, 384, 500, 512, 1024]
        let reference = try sizes.map { try STFT.analyze(x, configuration: STFTConfiguration(nFFT: $0, hop: 100, planning: .estimate)).values }
        try await withThrowingTaskGroup(of: (Int, [Float]).self) { group in
            for round in 0..<4 {
                for (i, n) in sizes.enumerated() {
                    group.addTask {
                        let planning: [FFTPlanning] = [.automatic, .estimate, .measure, .automatic]
                        let c = try STFTConfiguration(nFFT: n, hop: 100, planning: planning[round])
                        return (i, try STFT.analyze(x, configuration: c).values)
                    }
                }
            }
            for try await (i, values) in group {
                #expect(values.count == reference[i].count)
                var worst: Float = 0
                for (a, b) in zip(values, reference[i]) { worst = max(worst, abs(a - b)) }
                #expect(worst < 1e-4, "size \(sizes[i])")
            }
        }
    }
}
