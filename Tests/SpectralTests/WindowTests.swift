import Foundation
import Testing
@testable import Spectral

@Suite struct WindowTests {
    @Test func periodicHann() {
        #expect(Window.hann(4) == [0, 0.5, 1, 0.5])
        let w = Window.hann(512)
        #expect(w.count == 512 && w[0] == 0 && w[256] == 1)
        for n in 1..<512 { #expect(w[n] == w[512 - n]) }                 // periodic symmetry
        for n in 0..<512 {
            #expect(abs(Double(w[n]) - (0.5 - 0.5 * cos(2 * Double.pi * Double(n) / 512))) < 1e-7)
        }
    }

    @Test func sqrtHannSquaresToHann() {
        let s = Window.sqrtHann(400), h = Window.hann(400)
        for n in 0..<400 { #expect(abs(s[n] * s[n] - h[n]) < 1e-6) }
    }

    @Test func symmetricHann() {
        let w = Window.symmetricHann(5)
        #expect(w == [0, 0.5, 1, 0.5, 0])
    }

    @Test func padCenterLikeLibrosa() {
        #expect(Window.padCenter([1, 2, 3], to: 8) == [0, 0, 1, 2, 3, 0, 0, 0])
        #expect(Window.padCenter([1, 2], to: 6) == [0, 0, 1, 2, 0, 0])
    }

    @Test(arguments: [(512, 320), (512, 256), (400, 160), (512, 512)])
    func lowLatencyPair(nFFT: Int, synthesisLength s: Int) {
        let pair = WindowPair.lowLatency(nFFT: nFFT, synthesisLength: s)
        #expect(pair.analysis.count == nFFT && pair.synthesis.count == nFFT)
        for n in 0..<(nFFT - s) { #expect(pair.synthesis[n] == 0) }
        for n in 1..<nFFT { #expect(pair.analysis[n] > 0) }
        // analysis · synthesis = periodic Hann of length S at the frame's end → sums to 1 at hop S/2.
        let shortHann = Window.hann(s)
        for n in (nFFT - s)..<nFFT {
            #expect(abs(pair.analysis[n] * pair.synthesis[n] - shortHann[n - (nFFT - s)]) < 2e-6)
        }
        let hop = s / 2
        for p in 0..<hop {
            var sum: Float = 0
            var i = p
            while i < nFFT { sum += pair.analysis[i] * pair.synthesis[i]; i += hop }
            #expect(abs(sum - 1) < 1e-5, "offset \(p): \(sum)")
        }
    }

    @Test func configurationPadsAndValidates() throws {
        let c = try STFTConfiguration(nFFT: 512, hop: 160, windows: .hann(nFFT: 512, length: 400))
        #expect(c.analysisWindow.count == 512)
        #expect(c.analysisWindow[0..<56].allSatisfy { $0 == 0 } && c.analysisWindow[456...].allSatisfy { $0 == 0 })
        #expect(c.analysisWindow[56 + 200] == 1)
        #expect(throws: SpectralError.self) { try STFTConfiguration(nFFT: 256, windows: .hann(nFFT: 512)) }
        #expect(throws: SpectralError.self) { try STFTConfiguration(nFFT: 1) }
        #expect(throws: SpectralError.self) { try STFTConfiguration(hop: 0) }
        let e = SpectralError.invalidConfiguration("hop = 0, must be in 1...nFFT (512)")
        #expect(!e.description.contains("\n"))
    }
}
