/// Streaming inverse STFT by weighted overlap-add: push complex frames, receive samples as soon
/// as no later frame can change them.
///
/// Each frame is inverse-transformed (c2r, scaled by `1/nFFT`), multiplied by the synthesis
/// window and overlap-added; the sum is divided, sample by sample, by the overlap-added product
/// `analysis · synthesis` of the frames that exist so far (librosa's `window_sumsquare`
/// normalisation, generalised to analysis ≠ synthesis). So STFT → iSTFT reconstructs the input
/// exactly (to float rounding) wherever that product sum is nonzero, including the stream edges.
/// Where it is zero (e.g. sample 0 of a non-centred Hann stream) the output is 0.
///
/// With `center`, the first `nFFT / 2` samples (the start padding) are dropped, so output sample
/// `i` reconstructs input sample `i`. After frame `t` the output is final up to (excluded) padded
/// position `(t+1)·hop + synthesisStart`, which gives ``STFTConfiguration/latency``.
///
/// Because the stream's length is unknown until ``finish(length:emit:)``, samples past the end of
/// the original signal (from the end padding) may already have been emitted when the synthesis
/// window is short (low-latency pair); at most `hop + synthesisStart − nFFT/2` of them. The offline
/// ``STFT/synthesize(_:configuration:length:)`` trims them.
///
/// Not thread-safe: one instance per stream.
public final class StreamingISTFT {
    /// The configuration this transform runs.
    public let configuration: STFTConfiguration
    private let fft: RealFFT
    private let scaledSynthesis: [Float]
    private let windowProduct: [Float]
    /// Overlap-add accumulators for padded positions `frameStart ..< frameStart + nFFT`.
    private var signal: [Float]
    private var norm: [Float]
    private var output: [Float]
    private var frameStart = 0
    private var emitted = 0            // padded position of the next sample to emit
    /// Frames pushed since the stream started.
    public private(set) var framesPushed = 0
    /// Samples emitted since the stream started.
    public private(set) var samplesEmitted = 0

    /// - Throws: ``SpectralError/planFailed(_:)`` if FFTW cannot plan the size.
    public init(configuration: STFTConfiguration) throws {
        self.configuration = configuration
        let n = configuration.nFFT
        fft = try RealFFT(size: n, planning: configuration.planning, inverse: true)
        scaledSynthesis = configuration.synthesisWindow.map { $0 / Float(n) }
        windowProduct = zip(configuration.analysisWindow, configuration.synthesisWindow).map { $0 * $1 }
        signal = [Float](repeating: 0, count: n)
        norm = [Float](repeating: 0, count: n)
        output = [Float](repeating: 0, count: n)
        reset()
    }

    /// Algorithmic latency in samples (see ``STFTConfiguration/latency``).
    public var latency: Int { configuration.latency }

    /// Forgets all frames and starts a new stream.
    public func reset() {
        for i in signal.indices { signal[i] = 0; norm[i] = 0 }
        frameStart = 0
        emitted = configuration.padding
        framesPushed = 0
        samplesEmitted = 0
    }

    /// Adds one frame (`2 · bins` interleaved `(re, im)` floats, as ``StreamingSTFT`` emits) and
    /// calls `emit` with the samples that became final (possibly none), valid only during the call.
    /// - Precondition: `frame.count == 2 · bins`.
    public func push(frame: UnsafeBufferPointer<Float>,
                     emit: (UnsafeBufferPointer<Float>) throws -> Void) rethrows {
        let n = configuration.nFFT, hop = configuration.hop
        precondition(frame.count == 2 * configuration.bins, "frame must hold 2·bins floats")
        let spectrum = fft.spectrum
        spectrum.update(from: frame.baseAddress!, count: frame.count)
        fft.inverse()
        let time = fft.real
        scaledSynthesis.withUnsafeBufferPointer { ws in
            windowProduct.withUnsafeBufferPointer { wp in
                signal.withUnsafeMutableBufferPointer { acc in
                    norm.withUnsafeMutableBufferPointer { nrm in
                        Kernels.overlapAdd(ws.baseAddress!, time, wp.baseAddress!,
                                           acc: acc.baseAddress!, norm: nrm.baseAddress!, count: n)
                    }
                }
            }
        }
        framesPushed += 1
        try flush(upTo: min(frameStart + hop + configuration.synthesisStart, frameStart + n), emit: emit)
        advance(by: hop)
    }

    /// Ends the stream: emits every remaining sample up to the end, then resets.
    /// - Parameter length: the original signal length (samples pushed into the STFT); output
    ///   stops there (zero-filled if the frames do not reach it). Default: `hop · (frames − 1)`
    ///   with `center`, `nFFT + hop · (frames − 1)` without (librosa's `istft` lengths).
    public func finish(length: Int? = nil, emit: (UnsafeBufferPointer<Float>) throws -> Void) rethrows {
        let pad = configuration.padding
        let frames = framesPushed
        let end: Int
        if let length {
            end = pad + length
        } else if frames == 0 {
            end = pad
        } else {
            end = configuration.center
                ? pad + configuration.hop * (frames - 1)
                : configuration.nFFT + configuration.hop * (frames - 1)
        }
        // The accumulators sit one hop past the last frame, whose reach ends at this position.
        let reach = frames > 0 ? frameStart - configuration.hop + configuration.nFFT : emitted
        try flush(upTo: min(end, reach), emit: emit)
        while emitted < end {
            let count = min(end - emitted, output.count)
            for i in 0..<count { output[i] = 0 }
            try output.withUnsafeBufferPointer { try emit(UnsafeBufferPointer(rebasing: $0[0..<count])) }
            emitted += count
            samplesEmitted += count
        }
        reset()
    }

    /// Convenience: pushes one frame and returns the samples that became final (allocates).
    public func push(frame: [Float]) -> [Float] {
        var out = [Float]()
        frame.withUnsafeBufferPointer { push(frame: $0) { out.append(contentsOf: $0) } }
        return out
    }

    /// Convenience: finishes the stream and returns the remaining samples (allocates).
    public func finish(length: Int? = nil) -> [Float] {
        var out = [Float]()
        finish(length: length) { out.append(contentsOf: $0) }
        return out
    }

    /// Emits padded positions `emitted ..< limit` (those inside the accumulator window).
    private func flush(upTo limit: Int, emit: (UnsafeBufferPointer<Float>) throws -> Void) rethrows {
        guard limit > emitted else { return }
        let from = emitted - frameStart, count = limit - emitted
        let tiny = Float.leastNormalMagnitude
        signal.withUnsafeBufferPointer { acc in
            norm.withUnsafeBufferPointer { nrm in
                output.withUnsafeMutableBufferPointer { out in
                    for i in 0..<count {
                        let w = nrm[from + i]
                        out[i] = w > tiny ? acc[from + i] / w : 0
                    }
                }
            }
        }
        try output.withUnsafeBufferPointer { try emit(UnsafeBufferPointer(rebasing: $0[0..<count])) }
        emitted = limit
        samplesEmitted += count
    }

    /// Moves the accumulator window forward by `step` samples.
    private func advance(by step: Int) {
        let n = configuration.nFFT
        signal.withUnsafeMutableBufferPointer { acc in
            norm.withUnsafeMutableBufferPointer { nrm in
                let a = acc.baseAddress!, w = nrm.baseAddress!
                a.update(from: a + step, count: n - step)          // memmove
                w.update(from: w + step, count: n - step)
                (a + n - step).update(repeating: 0, count: step)
                (w + n - step).update(repeating: 0, count: step)
            }
        }
        frameStart += step
    }
}
