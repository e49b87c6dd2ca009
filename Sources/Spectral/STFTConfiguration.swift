/// Parameters of a short-time Fourier transform and its inverse.
///
/// Frame `t` analyses the (padded) samples `t·hop ..< t·hop + nFFT`, multiplied by the analysis
/// window. With `center = true` the signal is padded with `nFFT / 2` zeros at both ends first,
/// so frame `t` is centred on input sample `t · hop` (librosa `center=True`,
/// `pad_mode="constant"`).
public struct STFTConfiguration: Sendable, Equatable {
    /// FFT size in samples (frame length after zero-padding the windows). Default 512.
    public let nFFT: Int
    /// Hop between frames in samples, `1 ... nFFT`. Default 160 (10 ms at 16 kHz).
    public let hop: Int
    /// Analysis window, centred and zero-padded to `nFFT` samples.
    public let analysisWindow: [Float]
    /// Synthesis window, centred and zero-padded to `nFFT` samples.
    public let synthesisWindow: [Float]
    /// Pad `nFFT / 2` zeros at both ends (librosa `center=True`). Default true.
    public let center: Bool
    /// FFTW planning strategy for this configuration's plans (cached per size and strategy).
    public let planning: FFTPlanning

    /// - Parameters:
    ///   - nFFT: FFT size, at least 2.
    ///   - hop: frame step, `1 ... nFFT`.
    ///   - windows: analysis/synthesis windows, each at most `nFFT` long; default periodic Hann
    ///     of `nFFT` for both (librosa's default).
    ///   - center: pad `nFFT / 2` zeros at both ends.
    ///   - planning: FFTW planning strategy.
    /// - Throws: ``SpectralError/invalidConfiguration(_:)`` naming the offending parameter.
    public init(nFFT: Int = 512, hop: Int = 160, windows: WindowPair? = nil, center: Bool = true,
                planning: FFTPlanning = .automatic) throws {
        guard nFFT >= 2 else { throw SpectralError.invalidConfiguration("nFFT = \(nFFT), must be at least 2") }
        guard hop >= 1 && hop <= nFFT else {
            throw SpectralError.invalidConfiguration("hop = \(hop), must be in 1...nFFT (\(nFFT))")
        }
        let pair = windows ?? .hann(nFFT: nFFT)
        guard pair.analysis.count >= 1 && pair.analysis.count <= nFFT else {
            throw SpectralError.invalidConfiguration("analysis window has \(pair.analysis.count) samples, must be 1...nFFT (\(nFFT))")
        }
        guard pair.synthesis.count >= 1 && pair.synthesis.count <= nFFT else {
            throw SpectralError.invalidConfiguration("synthesis window has \(pair.synthesis.count) samples, must be 1...nFFT (\(nFFT))")
        }
        self.nFFT = nFFT
        self.hop = hop
        self.analysisWindow = Window.padCenter(pair.analysis, to: nFFT)
        self.synthesisWindow = Window.padCenter(pair.synthesis, to: nFFT)
        self.center = center
        self.planning = planning
    }

    /// Complex bins per frame: `nFFT / 2 + 1` (257 for 512).
    public var bins: Int { nFFT / 2 + 1 }

    /// Zeros padded at each end: `nFFT / 2` when `center`, else 0.
    public var padding: Int { center ? nFFT / 2 : 0 }

    /// Frames the STFT gives for a signal of `samples` samples:
    /// `1 + samples / hop` with `center` (for even `nFFT`; generally
    /// `1 + (samples + 2·(nFFT/2) − nFFT) / hop`), else `1 + (samples − nFFT) / hop`, or 0 when
    /// the (padded) signal is shorter than `nFFT`.
    public func frameCount(samples: Int) -> Int {
        let padded = samples + 2 * padding
        return padded < nFFT ? 0 : 1 + (padded - nFFT) / hop
    }

    /// Index of the first nonzero synthesis-window sample: samples of a frame before it are
    /// never changed by that frame's overlap-add, which is what lets the streaming inverse STFT
    /// emit them early.
    public var synthesisStart: Int {
        synthesisWindow.firstIndex(where: { $0 != 0 }) ?? nFFT
    }

    /// Algorithmic latency of streaming STFT → iSTFT in samples: `nFFT − synthesisStart`.
    ///
    /// Meaning: input sample `n` leaves ``StreamingISTFT`` as soon as input samples up to
    /// `n + latency − 1` have been pushed into ``StreamingSTFT`` (frames processed as soon as
    /// they are complete). This bound is attained by the first sample of every hop-sized output
    /// block. 511 for the 512-point periodic Hann (32 ms at 16 kHz; its first coefficient is 0),
    /// 319 for ``WindowPair/lowLatency(nFFT:synthesisLength:)`` with `S = 320` (20 ms).
    /// The neural model's own look-ahead, if any, adds to this.
    public var latency: Int { nFFT - synthesisStart }
}
