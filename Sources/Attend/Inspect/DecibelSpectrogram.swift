import Foundation
import Plotting
import SpeechModels

/// A magnitude spectrogram in dB, `20·log10(max(|X|, 1e-10))`, computed with a model's STFT
/// (its window, 512-point FFT, hop 160 at 16 kHz: 10 ms frames, 257 bins).
///
/// Stored bin-major, `(bins, frames)`: row k is frequency bin k, as `Heatmap` draws it (row 0 at
/// the bottom).
public struct DecibelSpectrogram: Sendable {
    public let bins: Int
    public let frames: Int
    /// dB values, `bins × frames`, row = bin.
    public var decibels: [Float]
    /// Seconds per frame (hop / sample rate).
    public let frameSeconds: Double
    /// Highest frequency drawn (sample rate / 2), Hz.
    public let nyquist: Double

    /// The spectrogram of 16 kHz mono `samples`.
    public init(samples: [Float], config: ModelConfig) throws {
        let frontEnd = try FrontEnd(config: config)
        var magnitudes: [Float] = []
        let bins = config.nBins
        func take(_ spectrum: UnsafeBufferPointer<Float>) {
            for k in 0..<bins {
                let re = spectrum[2 * k], im = spectrum[2 * k + 1]
                magnitudes.append(20 * log10f(max((re * re + im * im).squareRoot(), 1e-10)))
            }
        }
        magnitudes.reserveCapacity((samples.count / config.hop + 2) * bins)
        samples.withUnsafeBufferPointer { frontEnd.stft.push($0) { take($0) } }
        frontEnd.stft.finish { take($0) }
        self.init(frameMajor: magnitudes, bins: bins, config: config)
    }

    /// From frame-major dB values `(frames, bins)`.
    public init(frameMajor: [Float], bins: Int, config: ModelConfig) {
        self.bins = bins
        frames = frameMajor.count / bins
        decibels = DecibelSpectrogram.transpose(frameMajor, rows: frames, columns: bins)
        frameSeconds = Double(config.hop) / Double(config.sampleRate)
        nyquist = Double(config.sampleRate) / 2
    }

    /// The loudest value, dB.
    public var peak: Float { decibels.max() ?? 0 }

    /// This spectrogram with every bin's magnitude multiplied by `gains` (frame-major
    /// `(frames, bins)`, e.g. a mask): adds `20·log10(gain)` dB.
    public func applying(gains: [Float]) -> DecibelSpectrogram {
        var out = self
        let n = min(frames, gains.count / bins)
        for t in 0..<n {
            for k in 0..<bins { out.decibels[k * frames + t] += 20 * log10f(max(gains[t * bins + k], 1e-5)) }
        }
        return out
    }

    /// A heatmap of the spectrogram: x = time in seconds from `start`, y = Hz, colour range
    /// `[reference − 80 dB, reference]` (reference default: this spectrogram's peak).
    public func heatmap(title: String, start: Double = 0, reference: Float? = nil) -> Heatmap {
        var h = Heatmap(title: title, values: decibels, rows: bins, columns: frames,
                        x: Axis(label: "time (s)", start: start, end: start + Double(frames) * frameSeconds),
                        y: Axis(label: "frequency (Hz)", start: 0, end: nyquist))
        let top = reference ?? peak
        h.range = (top - 80)...top
        h.colorBar = "dB"
        return h
    }

    static func transpose(_ a: [Float], rows: Int, columns: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows * columns)
        a.withUnsafeBufferPointer { src in out.withUnsafeMutableBufferPointer { dst in
            for r in 0..<rows { for c in 0..<columns { dst[c * rows + r] = src[r * columns + c] } }
        } }
        return out
    }
}

/// The one picture each command's user wants most, for `attend denoise --plot` and
/// `attend align --plot`.
public enum QuickPlots {
    /// Before/after spectrograms of 16 kHz mono `input` and `output`, on one colour scale.
    public static func beforeAfter(input: [Float], output: [Float], config: ModelConfig, name: String) throws -> Canvas {
        let before = try DecibelSpectrogram(samples: input, config: config)
        let after = try DecibelSpectrogram(samples: output, config: config)
        let reference = max(before.peak, after.peak)
        return Canvas.stacked([before.heatmap(title: "\(name): input", reference: reference).render(),
                               after.heatmap(title: "\(name): denoised", reference: reference).render()], spacing: 8)
    }

    /// The spectrogram of 16 kHz mono `samples` with the aligned words (and, dotted, phones).
    public static func alignment(samples: [Float], result: AlignmentResult, config: ModelConfig) throws -> Canvas {
        var h = try DecibelSpectrogram(samples: samples, config: config).heatmap(title: "\(result.audio): words")
        h.overlays = wordOverlays(result.words, offset: 0)
        return h.render()
    }

    /// Word intervals (white, solid) and phone intervals (cyan, dotted), shifted by `offset` s.
    public static func wordOverlays(_ words: [WordTiming], offset: Double) -> [Heatmap.Overlay] {
        let w = words.map { Heatmap.Interval(start: $0.start + offset, end: $0.end + offset, label: $0.word) }
        let p = words.flatMap(\.phones).map { Heatmap.Interval(start: $0.start + offset, end: $0.end + offset, label: $0.phone) }
        return [.intervals(w, color: .white, dotted: false), .intervals(p, color: .cyan, dotted: true)]
    }
}
