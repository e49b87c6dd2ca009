#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A mel filterbank identical to `librosa.filters.mel(sr=, n_fft=, n_mels=, fmin=0, fmax=sr/2,
/// htk=False, norm='slaney', dtype=float32)`: triangular filters on the Slaney mel scale
/// (linear below 1 kHz at 200/3 Hz per mel, logarithmic above with step ln(6.4)/27), each scaled
/// by `2 / (f[m+2] − f[m])` (Slaney "area" normalisation). Computed in `Double` with librosa's
/// operation order and rounded to `Float` where librosa rounds.
///
/// Stored sparsely: filter `m` is nonzero only on bins `start[m] ..< start[m] + count[m]`, and
/// ``apply(_:to:)`` touches only those bins.
public struct MelFilterbank: Sendable, Equatable {
    /// Number of mel bands.
    public let mels: Int
    /// Linear-frequency bins per frame (`nFFT / 2 + 1`).
    public let bins: Int
    /// First nonzero bin of each filter.
    public let start: [Int]
    /// Nonzero bins of each filter (may be 0 for an empty filter).
    public let count: [Int]
    /// Offset of each filter's weights in ``weights``.
    public let offset: [Int]
    /// The nonzero weights of all filters, concatenated.
    public let weights: [Float]

    /// - Parameters:
    ///   - sampleRate: Hz (default 16000).
    ///   - nFFT: FFT size; the bank has `nFFT / 2 + 1` inputs.
    ///   - mels: number of bands (default 80).
    ///   - fmin, fmax: band edges in Hz (defaults 0 and `sampleRate / 2`).
    /// - Throws: ``SpectralError/invalidConfiguration(_:)`` for nonpositive sizes or a bad range.
    public init(sampleRate: Double = 16000, nFFT: Int = 512, mels: Int = 80,
                fmin: Double = 0, fmax: Double? = nil) throws {
        let fmax = fmax ?? sampleRate / 2
        guard sampleRate > 0, nFFT >= 2, mels >= 1 else {
            throw SpectralError.invalidConfiguration("mel filterbank needs sampleRate > 0, nFFT ≥ 2, mels ≥ 1 (got \(sampleRate), \(nFFT), \(mels))")
        }
        guard fmin >= 0, fmax > fmin else {
            throw SpectralError.invalidConfiguration("mel filterbank range fmin = \(fmin) Hz, fmax = \(fmax) Hz must satisfy 0 ≤ fmin < fmax")
        }
        let bins = nFFT / 2 + 1
        let dense = MelFilterbank.denseWeights(sampleRate: sampleRate, nFFT: nFFT, mels: mels, fmin: fmin, fmax: fmax)
        var start = [Int](), count = [Int](), offset = [Int](), weights = [Float]()
        for m in 0..<mels {
            let row = dense[(m * bins)..<((m + 1) * bins)]
            let first = row.firstIndex(where: { $0 != 0 }).map { $0 - m * bins } ?? 0
            let last = row.lastIndex(where: { $0 != 0 }).map { $0 - m * bins } ?? -1
            start.append(first)
            count.append(max(last - first + 1, 0))
            offset.append(weights.count)
            if last >= first { weights.append(contentsOf: dense[(m * bins + first)...(m * bins + last)]) }
        }
        self.mels = mels
        self.bins = bins
        self.start = start
        self.count = count
        self.offset = offset
        self.weights = weights
    }

    /// The dense `mels × bins` weight matrix, row-major (as librosa returns it).
    public func dense() -> [Float] {
        var out = [Float](repeating: 0, count: mels * bins)
        for m in 0..<mels {
            for j in 0..<count[m] { out[m * bins + start[m] + j] = weights[offset[m] + j] }
        }
        return out
    }

    /// `out[m] = Σₖ W[m, k] · spectrum[k]` for one frame (only each filter's nonzero band).
    /// Convenience for occasional use; ``FeatureExtractor`` runs a packed copy (``PackedMel``).
    /// - Precondition: `spectrum.count ≥ bins`, `out.count ≥ mels`.
    public func apply(_ spectrum: UnsafeBufferPointer<Float>, to out: UnsafeMutableBufferPointer<Float>) {
        precondition(spectrum.count >= bins && out.count >= mels, "mel filterbank: buffers too small")
        PackedMel(self).apply(spectrum.baseAddress!, to: out.baseAddress!)
    }

    /// Slaney mel of a frequency in Hz (librosa `hz_to_mel(htk=False)`).
    public static func hzToMel(_ f: Double) -> Double {
        let fsp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fsp, logstep = log(6.4) / 27.0
        return f >= minLogHz ? minLogMel + log(f / minLogHz) / logstep : f / fsp
    }

    /// Frequency in Hz of a Slaney mel (librosa `mel_to_hz(htk=False)`).
    public static func melToHz(_ m: Double) -> Double {
        let fsp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fsp, logstep = log(6.4) / 27.0
        return m >= minLogMel ? minLogHz * exp(logstep * (m - minLogMel)) : fsp * m
    }

    static func denseWeights(sampleRate: Double, nFFT: Int, mels: Int, fmin: Double, fmax: Double) -> [Float] {
        let bins = nFFT / 2 + 1
        let binHz = 1.0 / (Double(nFFT) * (1.0 / sampleRate))          // numpy.fft.rfftfreq
        let fftFreqs = (0..<bins).map { Double($0) * binHz }
        // numpy.linspace(min_mel, max_mel, mels + 2): i·step + start, last = stop exactly.
        let minMel = hzToMel(fmin), maxMel = hzToMel(fmax)
        let points = mels + 2
        let step = (maxMel - minMel) / Double(points - 1)
        var melF = (0..<points).map { melToHz(Double($0) * step + minMel) }
        melF[points - 1] = melToHz(maxMel)
        var out = [Float](repeating: 0, count: mels * bins)
        for m in 0..<mels {
            let lowDiff = melF[m + 1] - melF[m], highDiff = melF[m + 2] - melF[m + 1]
            let enorm = 2.0 / (melF[m + 2] - melF[m])
            for k in 0..<bins {
                let lower = -(melF[m] - fftFreqs[k]) / lowDiff
                let upper = (melF[m + 2] - fftFreqs[k]) / highDiff
                let w = Float(max(0, min(lower, upper)))                  // librosa stores float32 here
                out[m * bins + k] = Float(Double(w) * enorm)              // then scales in place
            }
        }
        return out
    }
}

/// The hot-path form of a ``MelFilterbank``: each filter as a whole number of 4-weight chunks
/// (zero-padded, so no scalar tails), and consecutive filters with the same chunk count grouped
/// so the inner loop has a constant trip count (unrolled; no mispredicted loop exits).
/// Owns its memory; immutable after init.
final class PackedMel: @unchecked Sendable {
    let mels: Int
    private let weights: UnsafeMutablePointer<Float>
    private let firstBin: UnsafeMutablePointer<Int>     // per filter, in floats
    private let weightOffset: UnsafeMutablePointer<Int>  // per filter, in floats
    private let groups: [(range: Range<Int>, chunks: Int)]

    init(_ bank: MelFilterbank) {
        mels = bank.mels
        var packed = [Float](), first = [Int](), offsets = [Int](), groups = [(range: Range<Int>, chunks: Int)]()
        for m in 0..<bank.mels {
            let chunks = (bank.count[m] + 3) / 4
            let start = max(0, min(bank.start[m], bank.bins - 4 * chunks))
            first.append(start)
            offsets.append(packed.count)
            for k in start..<(start + 4 * chunks) {
                let j = k - bank.start[m]
                packed.append(j >= 0 && j < bank.count[m] ? bank.weights[bank.offset[m] + j] : 0)
            }
            if let last = groups.last, last.chunks == chunks {
                groups[groups.count - 1].range = last.range.lowerBound..<(m + 1)
            } else {
                groups.append((m..<(m + 1), chunks))
            }
        }
        weights = .allocate(capacity: max(packed.count, 1))
        weights.initialize(from: packed, count: packed.count)
        firstBin = .allocate(capacity: max(mels, 1))
        firstBin.initialize(from: first, count: mels)
        weightOffset = .allocate(capacity: max(mels, 1))
        weightOffset.initialize(from: offsets, count: mels)
        self.groups = groups
    }

    deinit {
        weights.deallocate()
        firstBin.deallocate()
        weightOffset.deallocate()
    }

    /// `out[m] = Σ W[m, k]·spectrum[k]`; `spectrum` holds `bins` floats, `out` `mels` floats.
    func apply(_ spectrum: UnsafePointer<Float>, to out: UnsafeMutablePointer<Float>) {
        for g in groups {
            switch g.chunks {
            case 0: for m in g.range { out[m] = 0 }
            case 1: run(g.range, chunks: 1, spectrum, out)
            case 2: run(g.range, chunks: 2, spectrum, out)
            case 3: run(g.range, chunks: 3, spectrum, out)
            case 4: run(g.range, chunks: 4, spectrum, out)
            case 5: run(g.range, chunks: 5, spectrum, out)
            case 6: run(g.range, chunks: 6, spectrum, out)
            case 7: run(g.range, chunks: 7, spectrum, out)
            case 8: run(g.range, chunks: 8, spectrum, out)
            default: run(g.range, chunks: g.chunks, spectrum, out)
            }
        }
    }

    @inline(__always)
    private func run(_ range: Range<Int>, chunks: Int, _ spectrum: UnsafePointer<Float>,
                     _ out: UnsafeMutablePointer<Float>) {
        let w = UnsafeRawPointer(weights), x = UnsafeRawPointer(spectrum)
        for m in range {
            var wo = 4 &* weightOffset[m], xo = 4 &* firstBin[m]
            var v = SIMD4<Float>()
            for _ in 0..<chunks {
                v += w.loadUnaligned(fromByteOffset: wo, as: SIMD4<Float>.self)
                    * x.loadUnaligned(fromByteOffset: xo, as: SIMD4<Float>.self)
                wo &+= 16
                xo &+= 16
            }
            out[m] = (v[0] + v[2]) + (v[1] + v[3])
        }
    }
}
