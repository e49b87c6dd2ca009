/// A complex spectrogram: `frames × bins` complex values, stored interleaved `(re, im)`,
/// frame-major (`values[2·(t·bins + k)]` is the real part of frame `t`, bin `k`).
public struct Spectrogram: Sendable, Equatable {
    /// Number of frames (time steps).
    public var frames: Int
    /// Complex bins per frame (`nFFT / 2 + 1`).
    public var bins: Int
    /// `2 · frames · bins` floats, interleaved `(re, im)`, frame-major.
    public var values: [Float]

    public init(frames: Int, bins: Int, values: [Float]) {
        precondition(values.count == 2 * frames * bins, "values must hold 2·frames·bins floats")
        self.frames = frames
        self.bins = bins
        self.values = values
    }

    /// An empty spectrogram (no frames) with `bins` bins per frame.
    public init(bins: Int) {
        self.init(frames: 0, bins: bins, values: [])
    }

    /// The complex value at frame `t`, bin `k`.
    public subscript(frame t: Int, bin k: Int) -> (re: Float, im: Float) {
        let i = 2 * (t * bins + k)
        return (values[i], values[i + 1])
    }

    /// `|X|` as a `frames × bins` row-major array.
    public func magnitudes() -> [Float] {
        var out = [Float](repeating: 0, count: frames * bins)
        for i in 0..<out.count {
            let re = values[2 * i], im = values[2 * i + 1]
            out[i] = (re * re + im * im).squareRoot()
        }
        return out
    }

    /// Appends frames (interleaved, `2 · bins` floats each).
    mutating func append(frame: UnsafeBufferPointer<Float>) {
        values.append(contentsOf: frame)
        frames += 1
    }
}

/// Streaming short-time Fourier transform: push samples in chunks of any size, frames come out
/// as soon as they are complete, and they are exactly the frames the offline ``STFT/analyze(_:configuration:)``
/// gives (the offline form runs this code).
///
/// Hot-path use allocates nothing per frame: each frame is handed to your closure as a view
/// into an internal buffer (`2 · bins` interleaved floats) that is valid only during the call.
///
/// ```swift
/// let stft = try StreamingSTFT(configuration: try STFTConfiguration())
/// for chunk in chunks { chunk.withUnsafeBufferPointer { stft.push($0) { frame in use(frame) } } }
/// stft.finish { frame in use(frame) }   // tail frames (end padding); the stream restarts
/// ```
///
/// Not thread-safe: one instance per stream. Creating one is cheap after the first (plans cached).
public final class StreamingSTFT {
    /// The configuration this transform runs.
    public let configuration: STFTConfiguration
    private let fft: RealFFT
    private let window: [Float]
    /// Samples from the start of the next frame onward (always fewer than `nFFT`).
    private var pending: [Float]
    private var pendingCount = 0
    private let zeros: [Float]
    /// Frames emitted since the stream started.
    public private(set) var framesEmitted = 0
    /// Input samples pushed since the stream started (padding not counted).
    public private(set) var samplesPushed = 0

    /// - Throws: ``SpectralError/planFailed(_:)`` if FFTW cannot plan the size.
    public init(configuration: STFTConfiguration) throws {
        self.configuration = configuration
        fft = try RealFFT(size: configuration.nFFT, planning: configuration.planning, inverse: false)
        window = configuration.analysisWindow
        pending = [Float](repeating: 0, count: configuration.nFFT)
        zeros = [Float](repeating: 0, count: configuration.padding)
        reset()
    }

    /// Complex bins per frame.
    public var bins: Int { configuration.bins }

    /// Forgets all input and starts a new stream (with its start padding when `center`).
    public func reset() {
        pendingCount = configuration.padding
        for i in 0..<pendingCount { pending[i] = 0 }
        framesEmitted = 0
        samplesPushed = 0
    }

    /// Feeds `samples` (any count, including 0) and calls `emit` once per completed frame, in
    /// order, with `2 · bins` interleaved `(re, im)` floats valid only during the call.
    public func push(_ samples: UnsafeBufferPointer<Float>,
                     emit: (UnsafeBufferPointer<Float>) throws -> Void) rethrows {
        samplesPushed += samples.count
        try consume(samples, emit: emit)
    }

    /// Ends the stream: with `center`, appends the end padding (`nFFT / 2` zeros) and emits the
    /// remaining frames; without, drops the incomplete tail. Then resets for a new stream.
    /// - Returns: the number of input samples the stream had (pass it to
    ///   ``StreamingISTFT/finish(length:emit:)`` to get exactly as many samples back).
    @discardableResult
    public func finish(emit: (UnsafeBufferPointer<Float>) throws -> Void) rethrows -> Int {
        let total = samplesPushed
        try zeros.withUnsafeBufferPointer { try consume($0, emit: emit) }
        reset()
        return total
    }

    /// Convenience: pushes `samples` and returns the completed frames (allocates).
    public func push(_ samples: [Float]) -> Spectrogram {
        var out = Spectrogram(bins: bins)
        samples.withUnsafeBufferPointer { push($0) { out.append(frame: $0) } }
        return out
    }

    /// Convenience: finishes the stream and returns the tail frames (allocates).
    public func finish() -> Spectrogram {
        var out = Spectrogram(bins: bins)
        finish { out.append(frame: $0) }
        return out
    }

    private func consume(_ chunk: UnsafeBufferPointer<Float>,
                         emit: (UnsafeBufferPointer<Float>) throws -> Void) rethrows {
        let n = configuration.nFFT, hop = configuration.hop
        let held = pendingCount
        let available = held + chunk.count
        var offset = 0                       // next frame start, relative to pending[0]
        try pending.withUnsafeBufferPointer { pend in
            try window.withUnsafeBufferPointer { win in
                let out = fft.real
                while offset + n <= available {
                    if offset >= held {
                        Kernels.multiply(win.baseAddress!, chunk.baseAddress! + (offset - held), into: out, count: n)
                    } else {
                        let first = held - offset
                        Kernels.multiply(win.baseAddress!, pend.baseAddress! + offset, into: out, count: first)
                        if first < n {
                            Kernels.multiply(win.baseAddress! + first, chunk.baseAddress!, into: out + first, count: n - first)
                        }
                    }
                    fft.forward()
                    framesEmitted += 1
                    try emit(UnsafeBufferPointer(start: fft.spectrum, count: 2 * configuration.bins))
                    offset += hop
                }
            }
        }
        // Keep samples from the next frame start onward (fewer than nFFT of them).
        pending.withUnsafeMutableBufferPointer { pend in
            var count = 0
            if offset < held {
                for i in offset..<held { pend[count] = pend[i]; count += 1 }
                for i in 0..<chunk.count { pend[count] = chunk[i]; count += 1 }
            } else {
                for i in (offset - held)..<chunk.count { pend[count] = chunk[i]; count += 1 }
            }
            pendingCount = count
        }
    }
}

/// Offline STFT and inverse STFT, implemented with the streaming forms.
public enum STFT {
    /// The STFT of a whole signal: ``STFTConfiguration/frameCount(samples:)`` frames.
    public static func analyze(_ samples: [Float], configuration: STFTConfiguration) throws -> Spectrogram {
        let stft = try StreamingSTFT(configuration: configuration)
        let frames = configuration.frameCount(samples: samples.count)
        var values = [Float]()
        values.reserveCapacity(2 * frames * configuration.bins)
        let collect: (UnsafeBufferPointer<Float>) -> Void = { values.append(contentsOf: $0) }
        samples.withUnsafeBufferPointer { stft.push($0, emit: collect) }
        stft.finish(emit: collect)
        return Spectrogram(frames: values.count / (2 * configuration.bins), bins: configuration.bins, values: values)
    }

    /// The signal whose STFT is `spectrogram`, by weighted overlap-add (see ``StreamingISTFT``).
    ///
    /// - Parameter length: the original signal length; the result has exactly this many samples
    ///   (zero-filled past the frames' reach). Default: `hop · (frames − 1)` with `center`
    ///   (librosa's default), `nFFT + hop · (frames − 1)` without.
    /// - Returns: samples time-aligned with the analysed signal: sample `i` reconstructs input `i`.
    public static func synthesize(_ spectrogram: Spectrogram, configuration: STFTConfiguration,
                                  length: Int? = nil) throws -> [Float] {
        guard spectrogram.bins == configuration.bins else {
            throw SpectralError.shapeMismatch("spectrogram has \(spectrogram.bins) bins, configuration expects \(configuration.bins)")
        }
        let istft = try StreamingISTFT(configuration: configuration)
        var out = [Float]()
        out.reserveCapacity(length ?? (configuration.hop * spectrogram.frames + configuration.nFFT))
        let collect: (UnsafeBufferPointer<Float>) -> Void = { out.append(contentsOf: $0) }
        let stride = 2 * configuration.bins
        spectrogram.values.withUnsafeBufferPointer { all in
            for t in 0..<spectrogram.frames {
                istft.push(frame: UnsafeBufferPointer(rebasing: all[(t * stride)..<((t + 1) * stride)]), emit: collect)
            }
        }
        istft.finish(length: length, emit: collect)
        if let length, out.count > length { out.removeLast(out.count - length) }
        return out
    }
}
