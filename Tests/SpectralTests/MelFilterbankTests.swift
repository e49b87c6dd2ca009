import Foundation
import Testing
@testable import Spectral

@Suite struct MelFilterbankTests {
    @Test(arguments: [(16000.0, 512, 80), (16000.0, 400, 40), (8000.0, 256, 32)])
    func matchesLibrosa(sampleRate: Double, nFFT: Int, mels: Int) throws {
        let golden = try Fixture.load("melfb_\(Int(sampleRate))_\(nFFT)_\(mels)")
        let bank = try MelFilterbank(sampleRate: sampleRate, nFFT: nFFT, mels: mels)
        #expect(golden.shape == [mels, nFFT / 2 + 1])
        let dense = bank.dense()
        var worst: Float = 0
        for (a, b) in zip(dense, golden.values) { worst = max(worst, abs(a - b)) }
        #expect(worst <= 1e-6, "max |ours − librosa| = \(worst)")
        // The sparse band of each filter covers exactly librosa's nonzero weights.
        for m in 0..<mels {
            let row = golden.values[(m * bank.bins)..<((m + 1) * bank.bins)]
            let nonzero = row.indices.filter { row[$0] != 0 }.map { $0 - m * bank.bins }
            if let first = nonzero.first, let last = nonzero.last {
                #expect(bank.start[m] == first && bank.start[m] + bank.count[m] - 1 == last, "filter \(m)")
            } else {
                #expect(bank.count[m] == 0, "filter \(m) should be empty")
            }
        }
    }

    @Test func slaneyScale() {
        #expect(MelFilterbank.hzToMel(0) == 0)
        #expect(abs(MelFilterbank.hzToMel(1000) - 15) < 1e-12)          // 1000 / (200/3)
        #expect(abs(MelFilterbank.hzToMel(6400) - (15 + 27)) < 1e-9)     // one log step of 6.4×
        for f in stride(from: 0.0, through: 8000, by: 137.5) {
            #expect(abs(MelFilterbank.melToHz(MelFilterbank.hzToMel(f)) - f) < 1e-9)
        }
    }

    @Test func applyEqualsDenseProduct() throws {
        let bank = try MelFilterbank(sampleRate: 16000, nFFT: 512, mels: 80)
        let spectrum = Signals.noise(count: bank.bins, seed: 7).map { $0 * $0 }
        let dense = bank.dense()
        var out = [Float](repeating: 0, count: bank.mels)
        spectrum.withUnsafeBufferPointer { s in out.withUnsafeMutableBufferPointer { bank.apply(s, to: $0) } }
        for m in 0..<bank.mels {
            var expected: Double = 0
            for k in 0..<bank.bins { expected += Double(dense[m * bank.bins + k]) * Double(spectrum[k]) }
            #expect(abs(Double(out[m]) - expected) <= 1e-6 * abs(expected) + 1e-12, "mel \(m)")
        }
    }

    @Test func rejectsBadRanges() {
        #expect(throws: SpectralError.self) { try MelFilterbank(sampleRate: 16000, nFFT: 512, mels: 0) }
        #expect(throws: SpectralError.self) { try MelFilterbank(sampleRate: 16000, nFFT: 512, mels: 80, fmin: 9000, fmax: 8000) }
    }
}
