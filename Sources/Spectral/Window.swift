#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Window functions, computed in `Double` and rounded once to `Float`.
public enum Window {
    /// Periodic Hann of `length` samples: `w[n] = 0.5 − 0.5·cos(2πn / length)`, `w[0] = 0`.
    /// Equals `scipy.signal.get_window('hann', length, fftbins=True)` (librosa's default window).
    public static func hann(_ length: Int) -> [Float] {
        (0..<max(length, 0)).map { Float(hannValue($0, period: length)) }
    }

    /// Square root of the periodic Hann window; with hop `length / 2` (or `length / 4`, scaled)
    /// its square sums to a constant, so it serves as both analysis and synthesis window.
    public static func sqrtHann(_ length: Int) -> [Float] {
        (0..<max(length, 0)).map { Float(hannValue($0, period: length).squareRoot()) }
    }

    /// Symmetric Hann of `length` samples (`w[0] = w[length−1] = 0`), as `numpy.hanning`.
    public static func symmetricHann(_ length: Int) -> [Float] {
        guard length > 1 else { return Array(repeating: 1, count: max(length, 0)) }
        return (0..<length).map { Float(hannValue($0, period: length - 1)) }
    }

    /// Zero-pads `window` on both sides to `size` samples, the extra sample (odd difference)
    /// going to the right, as `librosa.util.pad_center`. Requires `window.count ≤ size`.
    public static func padCenter(_ window: [Float], to size: Int) -> [Float] {
        precondition(window.count <= size, "window longer than the FFT size")
        let left = (size - window.count) / 2
        var out = [Float](repeating: 0, count: size)
        for (i, w) in window.enumerated() { out[left + i] = w }
        return out
    }

    static func hannValue(_ n: Int, period: Int) -> Double {
        0.5 - 0.5 * cos(2.0 * Double.pi * Double(n) / Double(period))
    }
}

/// An analysis window (applied before the FFT) and a synthesis window (applied after the inverse
/// FFT, before overlap-add), both exactly `nFFT` samples long.
///
/// The inverse STFT divides by the overlap-added product `analysis · synthesis`, so any pair whose
/// product overlap-adds to a nonzero value everywhere reconstructs perfectly.
public struct WindowPair: Sendable, Equatable {
    /// Analysis window, `nFFT` samples.
    public let analysis: [Float]
    /// Synthesis window, `nFFT` samples.
    public let synthesis: [Float]

    /// A pair from explicit windows of equal length (each may be shorter than `nFFT`; it is
    /// centred and zero-padded by ``STFTConfiguration``).
    public init(analysis: [Float], synthesis: [Float]) {
        self.analysis = analysis
        self.synthesis = synthesis
    }

    /// librosa's convention: periodic Hann of `length` (default `nFFT`) for analysis and synthesis.
    public static func hann(nFFT: Int = 512, length: Int? = nil) -> WindowPair {
        let w = Window.hann(length ?? nFFT)
        return WindowPair(analysis: w, synthesis: w)
    }

    /// Square-root periodic Hann for analysis and synthesis.
    public static func sqrtHann(nFFT: Int = 512, length: Int? = nil) -> WindowPair {
        let w = Window.sqrtHann(length ?? nFFT)
        return WindowPair(analysis: w, synthesis: w)
    }

    /// Asymmetric low-latency pair (Mauler & Martin 2007; Wang et al. 2022, "STFT-domain neural
    /// speech enhancement with very low algorithmic latency").
    ///
    /// The analysis window spans all `nFFT` samples (good frequency resolution): a long
    /// √Hann rise of `nFFT − S/2` samples, then the falling half of a √Hann of length `S`.
    /// The synthesis window is zero except on the last `S = synthesisLength` samples, chosen
    /// so that `analysis · synthesis` equals a periodic Hann of length `S` placed at the end of
    /// the frame. With `hop = S / 2` those products overlap-add to exactly 1.
    ///
    /// The inverse STFT's algorithmic latency becomes ≈ `S` samples instead of `nFFT`:
    /// `S = 320` at 16 kHz (hop 160) is 20 ms, versus 32 ms for the 512-point Hann.
    /// Requires `2 ≤ S ≤ nFFT` and `S` even.
    public static func lowLatency(nFFT: Int = 512, synthesisLength s: Int = 320) -> WindowPair {
        precondition(s >= 2 && s <= nFFT && s % 2 == 0, "synthesisLength must be even, in 2...nFFT")
        let m = s / 2
        let rise = nFFT - m                      // length of the rising part
        var analysis = [Float](repeating: 0, count: nFFT)
        var synthesis = [Float](repeating: 0, count: nFFT)
        for n in 0..<nFFT {
            let longHann = Window.hannValue(n, period: 2 * rise)         // rising half for n < rise
            if n < rise {
                analysis[n] = Float(longHann.squareRoot())
            } else {
                analysis[n] = Float(Window.hannValue(n - (nFFT - s), period: s).squareRoot())
            }
            guard n >= nFFT - s else { continue }
            let shortHann = Window.hannValue(n - (nFFT - s), period: s)
            if n < rise {
                synthesis[n] = longHann > 0 ? Float(shortHann / longHann.squareRoot()) : 0
            } else {
                synthesis[n] = Float(shortHann.squareRoot())
            }
        }
        return WindowPair(analysis: analysis, synthesis: synthesis)
    }
}
