import CVectorMath
import Foundation
import Spectral

extension ModelConfig {
    /// The STFT the model was trained with: `nFFT`, `hop`, centred, its analysis/synthesis pair.
    public func stftConfiguration() throws -> STFTConfiguration {
        let pair: WindowPair = window == "lowlatency"
            ? .lowLatency(nFFT: nFFT, synthesisLength: synthesisLength)
            : .hann(nFFT: nFFT)
        return try STFTConfiguration(nFFT: nFFT, hop: hop, windows: pair, center: true)
    }
}

/// The model's input from 16 kHz audio: STFT frames (kept for applying a mask) and their
/// compressed magnitudes `max(|X|, 1e-12)^compress` (`Training/attend/model.py`,
/// `compressed_magnitude`). Streaming: push samples in any amounts.
public final class FrontEnd {
    public let config: ModelConfig
    public let stft: StreamingSTFT
    private let bins: Int

    public init(config: ModelConfig) throws {
        self.config = config
        stft = try StreamingSTFT(configuration: try config.stftConfiguration())
        bins = config.nBins
    }

    /// Feeds samples; for each completed frame calls `emit(spectrum, features)` with the
    /// interleaved complex spectrum (`2·bins` floats) and its `bins` features.
    public func push(_ samples: UnsafeBufferPointer<Float>, emit: (UnsafeBufferPointer<Float>, [Float]) throws -> Void) rethrows {
        try stft.push(samples) { try emit($0, features(of: $0)) }
    }

    /// Ends the stream (end padding, tail frames).
    public func finish(emit: (UnsafeBufferPointer<Float>, [Float]) throws -> Void) rethrows {
        try stft.finish { try emit($0, features(of: $0)) }
    }

    /// Features of a whole signal `(frames, bins)`, row-major.
    public func features(of samples: [Float]) -> [Float] {
        var out: [Float] = []
        samples.withUnsafeBufferPointer { push($0) { _, f in out += f } }
        finish { _, f in out += f }
        return out
    }

    private func features(of spectrum: UnsafeBufferPointer<Float>) -> [Float] {
        let c = config.compress
        var f = [Float](repeating: 0, count: bins)
        for k in 0..<bins {
            let re = spectrum[2 * k], im = spectrum[2 * k + 1]
            f[k] = max((re * re + im * im).squareRoot(), 1e-12)
        }
        f.withUnsafeMutableBufferPointer { p in  // libmvec's vector powf, within a few ulp of powf
            attend_vm_powf(p.baseAddress!, c, p.baseAddress!, bins)
        }
        return f
    }
}
