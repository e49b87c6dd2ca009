#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a ``FeatureExtractor`` computes from each STFT frame `X` (periodic Hann, `center`):
/// - `magnitude`: `|X|`
/// - `power`: `|X|²`
/// - `compressed`: `|X|^c` (`c` = ``FeatureConfiguration/exponent``, default 0.3)
/// - `logmel`: `ln(mel(|X|²) + 1e-6)` — natural log of the mel power spectrogram plus a floor.
///
/// With ``FeatureConfiguration/mels`` set, `magnitude`, `power` and `compressed` are mapped
/// through the mel filterbank (librosa `melspectrogram(power=1 | 2 | c)`); `power` with 80 mels
/// is `librosa.feature.melspectrogram(y=y, sr=16000, n_fft=512, hop_length=160, n_mels=80).T`.
public enum FeatureKind: String, Sendable, CaseIterable {
    case magnitude, power, compressed, logmel

    /// One line for command-line help.
    public var help: String {
        switch self {
        case .magnitude: "|X|, unnormalised STFT magnitude (with --mels: mel bands of |X|)"
        case .power: "|X|^2 (with --mels: librosa.feature.melspectrogram, power=2)"
        case .compressed: "|X|^0.3, compressed magnitude (the denoiser's input)"
        case .logmel: "ln(mel power + 1e-6), natural log, 80 mels unless --mels"
        }
    }
}

/// Options of a ``FeatureExtractor``.
///
/// Conventions (what `attend features` documents):
/// - STFT: `nFFT`-point periodic Hann window (`scipy.signal.get_window('hann', nFFT)`), hop `hop`,
///   `center = true` pads `nFFT/2` zeros at both ends (librosa `center=True, pad_mode="constant"`),
///   frame `t` is centred on sample `t·hop`; `frames = 1 + samples / hop` (integer division).
/// - Bins: `nFFT/2 + 1` linear bins (bin `k` at `k·sampleRate/nFFT` Hz), or `mels` mel bands:
///   Slaney mel scale, Slaney area normalisation, 0 Hz to `sampleRate/2` (librosa
///   `filters.mel` defaults, `htk=False, norm='slaney'`).
/// - Magnitudes are unnormalised FFT magnitudes (no `1/nFFT`), as librosa.
/// - `logmel` is `ln(melPower + 1e-6)` (natural log; no reference level, no top-dB clamp, so a
///   frame's value does not depend on the rest of the file and streaming equals offline).
public struct FeatureConfiguration: Sendable, Equatable {
    /// What to compute per bin.
    public var kind: FeatureKind
    /// Mel bands, or `nil` for linear bins. `logmel` uses 80 when `nil`.
    public var mels: Int?
    /// FFT size (default 512).
    public var nFFT: Int
    /// Hop in samples (default 160).
    public var hop: Int
    /// Sample rate in Hz of the input (default 16000); only the mel filterbank uses it.
    public var sampleRate: Double
    /// Exponent `c` of `compressed` (default 0.3).
    public var exponent: Float
    /// Floor added before the log of `logmel` (default 1e-6).
    public var logFloor: Float
    /// librosa `center` (default true).
    public var center: Bool
    /// Analysis window (the synthesis half is unused here); `nil` = periodic Hann of `nFFT`.
    /// Use the same pair as the streaming STFT/iSTFT of a denoiser, e.g. ``WindowPair/lowLatency(nFFT:synthesisLength:)``.
    public var windows: WindowPair?
    /// FFTW planning strategy.
    public var planning: FFTPlanning

    public init(kind: FeatureKind = .logmel, mels: Int? = nil, nFFT: Int = 512, hop: Int = 160,
                sampleRate: Double = 16000, exponent: Float = 0.3, logFloor: Float = 1e-6,
                center: Bool = true, windows: WindowPair? = nil, planning: FFTPlanning = .automatic) {
        self.kind = kind
        self.mels = mels
        self.nFFT = nFFT
        self.hop = hop
        self.sampleRate = sampleRate
        self.exponent = exponent
        self.logFloor = logFloor
        self.center = center
        self.windows = windows
        self.planning = planning
    }

    /// The conventions above as plain text, for `attend features --help`.
    public static let conventions = """
        Input: mono float samples at 16 kHz (other rates and channel counts are resampled and \
        downmixed first). STFT: n-fft-point periodic \
        Hann window (scipy get_window('hann', n_fft, fftbins=True)), hop samples between frames, \
        centred: n_fft/2 zeros padded at both ends (librosa center=True, pad_mode='constant'), so \
        frame t is centred on sample t*hop and frames = 1 + samples // hop (even n_fft). Spectra are \
        unnormalised (no 1/n_fft). Bins: n_fft/2 + 1 linear bins (bin k at k*16000/n_fft Hz), or \
        --mels triangular bands on the Slaney mel scale with Slaney area normalisation from 0 Hz \
        to 8 kHz (librosa.filters.mel defaults: htk=False, norm='slaney'). power with --mels 80 \
        equals librosa.feature.melspectrogram(y, sr=16000, n_fft=512, hop_length=160, n_mels=80).T. \
        compressed = |X|^0.3. logmel = ln(mel power + 1e-6): natural log, no reference level, \
        no top-dB clamp. \
        Output: float32 array of shape (frames, bins), one row per 10 ms frame at hop 160.
        """

    /// Mel bands actually used (`nil` for linear bins).
    public var effectiveMels: Int? { kind == .logmel ? (mels ?? 80) : mels }

    /// Values per output frame: the mel count, or `nFFT/2 + 1`.
    public var bins: Int { effectiveMels ?? (nFFT / 2 + 1) }
}

/// A `frames × bins` Float matrix, row-major (one row per frame).
public struct FeatureMatrix: Sendable, Equatable {
    public var frames: Int
    public var bins: Int
    /// `frames · bins` values, row-major.
    public var values: [Float]

    public init(frames: Int, bins: Int, values: [Float]) {
        precondition(values.count == frames * bins, "values must hold frames·bins floats")
        self.frames = frames
        self.bins = bins
        self.values = values
    }

    /// Row `t` (allocates; use ``values`` directly in hot code).
    public subscript(frame t: Int) -> ArraySlice<Float> { values[(t * bins)..<((t + 1) * bins)] }
}

/// Spectral features, offline or streaming, over mono `Float` samples.
///
/// ```swift
/// let fx = try FeatureExtractor(FeatureConfiguration(kind: .power, mels: 80))
/// let mel = fx.extract(samples)                // frames × 80, = librosa melspectrogram(...).T
/// // streaming: rows come out as soon as their frame is complete
/// chunk.withUnsafeBufferPointer { fx.push($0) { row in use(row) } }
/// fx.finish { row in use(row) }
/// ```
/// Hot paths allocate nothing per frame: rows are views into an internal buffer, valid during
/// the callback. Not thread-safe: one extractor per stream/thread.
public final class FeatureExtractor {
    /// The options this extractor runs.
    public let configuration: FeatureConfiguration
    /// The STFT configuration derived from ``configuration``.
    public let stftConfiguration: STFTConfiguration
    /// The mel filterbank, when features are mel bands.
    public let filterbank: MelFilterbank?
    private let stft: StreamingSTFT
    private let packedMel: PackedMel?
    // Work buffers, allocated once. Kernels never run in place: LLVM's runtime alias check
    // would send an in-place call down the scalar path.
    private let spectrum: UnsafeMutableBufferPointer<Float>
    private let scratch: UnsafeMutableBufferPointer<Float>
    private let row: UnsafeMutableBufferPointer<Float>

    /// - Throws: ``SpectralError/invalidConfiguration(_:)`` for bad sizes, ``SpectralError/planFailed(_:)``.
    public init(_ configuration: FeatureConfiguration) throws {
        self.configuration = configuration
        guard configuration.sampleRate > 0 else {
            throw SpectralError.invalidConfiguration("sampleRate = \(configuration.sampleRate), must be positive")
        }
        guard configuration.exponent > 0 && configuration.exponent <= 2 else {
            throw SpectralError.invalidConfiguration("exponent = \(configuration.exponent), must be in (0, 2]")
        }
        guard configuration.logFloor >= 0 else {
            throw SpectralError.invalidConfiguration("logFloor = \(configuration.logFloor), must be ≥ 0")
        }
        stftConfiguration = try STFTConfiguration(nFFT: configuration.nFFT, hop: configuration.hop,
                                                  windows: configuration.windows, center: configuration.center,
                                                  planning: configuration.planning)
        if let mels = configuration.effectiveMels {
            filterbank = try MelFilterbank(sampleRate: configuration.sampleRate, nFFT: configuration.nFFT, mels: mels)
        } else {
            filterbank = nil
        }
        packedMel = filterbank.map(PackedMel.init)
        stft = try StreamingSTFT(configuration: stftConfiguration)
        spectrum = .allocate(capacity: stftConfiguration.bins)
        spectrum.initialize(repeating: 0)
        scratch = .allocate(capacity: stftConfiguration.bins)
        scratch.initialize(repeating: 0)
        row = .allocate(capacity: configuration.bins)
        row.initialize(repeating: 0)
    }

    deinit {
        spectrum.deallocate()
        scratch.deallocate()
        row.deallocate()
    }

    /// Values per frame.
    public var bins: Int { configuration.bins }

    /// Frames produced for a signal of `samples` samples (see ``STFTConfiguration/frameCount(samples:)``).
    public func frameCount(samples: Int) -> Int { stftConfiguration.frameCount(samples: samples) }

    /// Starts a new stream.
    public func reset() { stft.reset() }

    /// Feeds samples; calls `emit` with each completed frame's `bins` features (valid during the call).
    public func push(_ samples: UnsafeBufferPointer<Float>,
                     emit: (UnsafeBufferPointer<Float>) throws -> Void) rethrows {
        try stft.push(samples) { try emit(features(of: $0)) }
    }

    /// Ends the stream (end padding, tail frames), then resets.
    /// - Returns: the number of input samples the stream had.
    @discardableResult
    public func finish(emit: (UnsafeBufferPointer<Float>) throws -> Void) rethrows -> Int {
        try stft.finish { try emit(features(of: $0)) }
    }

    /// Convenience: pushes samples, returns the completed rows (allocates).
    public func push(_ samples: [Float]) -> FeatureMatrix {
        var values = [Float]()
        samples.withUnsafeBufferPointer { push($0) { values.append(contentsOf: $0) } }
        return FeatureMatrix(frames: values.count / bins, bins: bins, values: values)
    }

    /// Convenience: finishes the stream, returns the tail rows (allocates).
    public func finish() -> FeatureMatrix {
        var values = [Float]()
        finish { values.append(contentsOf: $0) }
        return FeatureMatrix(frames: values.count / bins, bins: bins, values: values)
    }

    /// Features of a whole signal (`frameCount(samples:)` rows), starting from a fresh stream.
    public func extract(_ samples: [Float]) -> FeatureMatrix {
        reset()
        let frames = frameCount(samples: samples.count), b = bins
        var values = [Float](repeating: 0, count: frames * b)
        var t = 0
        values.withUnsafeMutableBufferPointer { out in
            let start = out.baseAddress!
            let store: (UnsafeBufferPointer<Float>) -> Void = { row in
                let base = start + t * b
                for i in 0..<b { base[i] = row[i] }
                t += 1
            }
            samples.withUnsafeBufferPointer { push($0, emit: store) }
            finish(emit: store)
        }
        precondition(t == frames, "frame count disagrees with frameCount(samples:)")
        return FeatureMatrix(frames: frames, bins: b, values: values)
    }

    /// Features of one complex STFT frame that you computed yourself (e.g. with a
    /// ``StreamingSTFT`` whose frames you also mask and resynthesise): `2 · (nFFT/2 + 1)`
    /// interleaved floats in, ``bins`` floats out, in a buffer owned by the extractor that the
    /// next call overwrites. Does not touch the extractor's own stream.
    /// - Precondition: `frame.count == 2 · (nFFT/2 + 1)`.
    public func features(ofFrame frame: UnsafeBufferPointer<Float>) -> UnsafeBufferPointer<Float> {
        precondition(frame.count == 2 * stftConfiguration.bins, "frame must hold 2·(nFFT/2+1) floats")
        return features(of: frame)
    }

    private func features(of frame: UnsafeBufferPointer<Float>) -> UnsafeBufferPointer<Float> {
        let linearBins = stftConfiguration.bins
        let complex = frame.baseAddress!
        // Linear spectrum into `spectrum`, or straight into `row` when no mel stage follows.
        let linear = packedMel == nil ? row.baseAddress! : spectrum.baseAddress!
        switch configuration.kind {
        case .power, .logmel:
            Kernels.power(complex, into: linear, bins: linearBins)
        case .magnitude:
            Kernels.magnitude(complex, into: linear, bins: linearBins)
        case .compressed:
            Kernels.power(complex, into: scratch.baseAddress!, bins: linearBins)
            FastMath.pow(scratch.baseAddress!, configuration.exponent / 2, into: linear, count: linearBins)
        }
        if let packedMel {
            if configuration.kind == .logmel {
                packedMel.apply(spectrum.baseAddress!, to: scratch.baseAddress!)
                FastMath.logPlus(scratch.baseAddress!, configuration.logFloor, into: row.baseAddress!, count: row.count)
            } else {
                packedMel.apply(spectrum.baseAddress!, to: row.baseAddress!)
            }
        }
        return UnsafeBufferPointer(row)
    }
}
