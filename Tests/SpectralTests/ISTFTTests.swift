import Foundation
import Testing
@testable import Spectral

@Suite struct ISTFTTests {
    static let pairs: [(String, WindowPair, Int)] = [
        ("hann", .hann(), 160),
        ("lowLatency", .lowLatency(), 160),
        ("sqrtHann", .sqrtHann(), 128),
        ("hann400", .hann(nFFT: 512, length: 400), 160),
    ]

    static func signals() throws -> [(String, [Float])] {
        [("random", Signals.noise(count: 16_123, seed: 42)),
         ("speech", try Fixture.signal("speech")),
         ("synth", try Fixture.signal("synth"))]
    }

    @Test(arguments: 0..<4)
    func perfectReconstruction(pairIndex: Int) throws {
        let (name, windows, hop) = Self.pairs[pairIndex]
        let c = try STFTConfiguration(hop: hop, windows: windows)
        for (signalName, x) in try Self.signals() {
            let y = try STFT.synthesize(try STFT.analyze(x, configuration: c), configuration: c, length: x.count)
            #expect(y.count == x.count)
            let db = relativeErrorDB(y[...], x[...])
            #expect(db < -100, "\(name) on \(signalName): \(db) dB")
            // Alignment: the first and last samples are reconstructed too.
            #expect(abs(y[0] - x[0]) < 1e-4 && abs(y[x.count - 1] - x[x.count - 1]) < 1e-4)
        }
    }

    @Test func lengthsAndAlignment() throws {
        let c = try STFTConfiguration()
        let x = Signals.noise(count: 5_000, seed: 8)
        let spec = try STFT.analyze(x, configuration: c)
        #expect(try STFT.synthesize(spec, configuration: c).count == 160 * (spec.frames - 1))   // librosa default
        let longer = try STFT.synthesize(spec, configuration: c, length: 6_000)
        #expect(longer.count == 6_000)
        #expect(relativeErrorDB(longer[0..<5_000], x[...]) < -100)
        // The last frame (31) reaches input sample 31·160 + 256 = 5216; beyond it there is nothing.
        // Just before that the window sum is tiny and float rounding is amplified (as in librosa).
        #expect(longer[5_000..<5_100].allSatisfy { abs($0) < 1e-5 })
        #expect(longer[5_216...].allSatisfy { $0 == 0 })
        let shorter = try STFT.synthesize(spec, configuration: c, length: 1_234)
        #expect(shorter.count == 1_234 && relativeErrorDB(shorter[...], x[0..<1_234]) < -100)
        // A delayed impulse comes back at the same index.
        var impulse = [Float](repeating: 0, count: 3_000)
        impulse[1_777] = 1
        let back = try STFT.synthesize(try STFT.analyze(impulse, configuration: c), configuration: c, length: 3_000)
        #expect(back.indices.max(by: { abs(back[$0]) < abs(back[$1]) }) == 1_777)
        #expect(abs(back[1_777] - 1) < 1e-5)
    }

    @Test func nonCentredReconstructsInterior() throws {
        let c = try STFTConfiguration(center: false)
        let x = Signals.noise(count: 10_000, seed: 4)
        let spec = try STFT.analyze(x, configuration: c)
        let y = try STFT.synthesize(spec, configuration: c)
        #expect(y.count == 512 + 160 * (spec.frames - 1))
        #expect(relativeErrorDB(y[16..<(y.count - 16)], x[16..<(y.count - 16)]) < -100)
        #expect(y[0] == 0)   // periodic Hann: w[0] = 0, sample 0 is not observable
    }

    /// Streaming STFT → streaming iSTFT, arbitrary chunks: output equals input and appears with
    /// exactly the documented latency.
    @Test(arguments: [0, 1])
    func streamingRoundTripAndLatency(pairIndex: Int) throws {
        let (name, windows, hop) = Self.pairs[pairIndex]
        let c = try STFTConfiguration(hop: hop, windows: windows)
        let x = Signals.noise(count: 4_000, seed: 77)
        let stft = try StreamingSTFT(configuration: c)
        let istft = try StreamingISTFT(configuration: c)
        var out = [Float]()
        var worstDelay = Int.min, bestDelay = Int.max
        for (i, sample) in x.enumerated() {
            let spec = stft.push([sample])
            for t in 0..<spec.frames {
                let frame = Array(spec.values[(2 * t * spec.bins)..<(2 * (t + 1) * spec.bins)])
                let fresh = istft.push(frame: frame)
                for j in 0..<fresh.count {
                    let index = out.count + j
                    let delay = i - index + 1           // samples up to `i` pushed when `index` leaves
                    worstDelay = max(worstDelay, delay)
                    bestDelay = min(bestDelay, delay)
                }
                out += fresh
            }
        }
        let total = stft.finish { frame in out += istft.push(frame: Array(frame)) }
        #expect(total == x.count)
        out += istft.finish(length: total)
        out = Array(out.prefix(x.count))
        #expect(out.count == x.count)
        #expect(relativeErrorDB(out[...], x[...]) < -100, "\(name)")
        #expect(worstDelay == c.latency, "\(name): worst delay \(worstDelay), documented \(c.latency)")
        #expect(bestDelay == c.latency - hop + 1, "\(name)")
    }

    @Test func documentedLatencies() throws {
        #expect(try STFTConfiguration().latency == 511)
        #expect(try STFTConfiguration(windows: .lowLatency(nFFT: 512, synthesisLength: 320)).latency == 319)
    }

    @Test func modifiedSpectraStayBounded() throws {
        // A ratio mask of 0.5 everywhere halves the signal.
        let c = try STFTConfiguration(windows: .lowLatency())
        let x = try Fixture.signal("synth")
        var spec = try STFT.analyze(x, configuration: c)
        for i in spec.values.indices { spec.values[i] *= 0.5 }
        let y = try STFT.synthesize(spec, configuration: c, length: x.count)
        #expect(relativeErrorDB(y[...], x.map { $0 * 0.5 }[...]) < -100)
    }
}
