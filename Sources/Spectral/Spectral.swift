import CFFTW

/// # Spectral: the FFTW front end of attend
///
/// Everything works on 16 kHz (or any rate) mono `Float` sample arrays; audio I/O lives elsewhere.
///
/// Conventions shared by every type in this module (they match librosa ≥ 0.10 defaults):
/// - A spectrum frame has `nFFT / 2 + 1` bins; bin `k` is the frequency `k · sampleRate / nFFT` Hz.
/// - Complex frames are stored interleaved `(re, im)` as `Float`, frame-major: frame `t`, bin `k`
///   is at `values[2 · (t · bins + k)]` (real) and `+ 1` (imaginary). FFTW's unnormalised r2c
///   convention: `X[k] = Σₙ w[n] · x[n] · e^(−2πi·k·n/nFFT)`.
/// - `center = true` pads `nFFT / 2` zeros at both ends (librosa `center=True, pad_mode="constant"`),
///   so frame `t` is centred on sample `t · hop` and a signal of `L` samples gives
///   `1 + L / hop` frames (integer division). `center = false` gives `1 + (L − nFFT) / hop`
///   frames when `L ≥ nFFT`, otherwise none.
/// - Windows shorter than `nFFT` are zero-padded on both sides to `nFFT` (librosa `pad_center`).
///
/// ```swift
/// let config = try STFTConfiguration()                    // 512-point periodic Hann, hop 160
/// let spec = try STFT.analyze(samples, configuration: config)
/// let back = try STFT.synthesize(spec, configuration: config, length: samples.count)
/// let mel = try FeatureExtractor(FeatureConfiguration(kind: .power, mels: 80)).extract(samples)
/// ```
public enum SpectralLibraries {
    /// The number of bins of a real FFT of size `n`, as FFTW lays them out.
    public static func realBins(fftSize n: Int) -> Int { n / 2 + 1 }
    static func linkCheck() { fftwf_set_timelimit(-1) }
}

/// Errors of the spectral front end. Each description is one line naming the cause.
public enum SpectralError: Error, Equatable, CustomStringConvertible {
    /// A configuration value is out of range; the string names the parameter and the value.
    case invalidConfiguration(String)
    /// FFTW could not make a plan (it returned NULL) for the named transform.
    case planFailed(String)
    /// An input array has the wrong size; the string names the input, expected and actual size.
    case shapeMismatch(String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let s): "spectral: invalid configuration: \(s)"
        case .planFailed(let s): "spectral: FFTW could not plan \(s)"
        case .shapeMismatch(let s): "spectral: shape mismatch: \(s)"
        }
    }
}
