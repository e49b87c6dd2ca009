import Foundation
import NeuralEngine
import Spectral
import SpeechModels

/// Denoises one channel of 16 kHz audio as a stream: STFT (the model's window) → encoder →
/// ratio mask → masked spectrum → streaming inverse STFT.
///
/// Push samples in any amounts; denoised samples come out as soon as they are final. Output
/// sample n leaves after input up to `n + latency` has been pushed (the STFT's synthesis
/// latency plus the attention chunk's look-ahead). `finish()` returns the rest, so the output
/// has exactly as many samples as the input, time-aligned with it.
///
/// With a finite chunked context memory stays flat for a stream of any length; with full
/// context (nil) the whole input is held and encoded at `finish()`.
///
/// `synthesis` picks how the masked frames become samples again: the model's own window pair
/// (`.lowLatency`: a 20 ms synthesis window) for live streams, or overlap-add with the analysis
/// window (`.overlapAdd`, as training's SI-SDR loss resynthesises; 32 ms latency) for files.
public final class DenoiseStream {
    public let model: AttendModel
    /// Mix of the mask's effect: gain = strength · mask + (1 − strength). 1 = full denoising.
    public let strength: Float
    /// Called with each frame's mask (`nBins` values) in frame order, e.g. for `--mask-out`.
    public var maskHandler: ((UnsafeBufferPointer<Float>) throws -> Void)?
    /// Called with each block of encoder output `(frames, dModel)` in frame order, before its
    /// mask is applied: what `attend inspect` reuses instead of encoding the audio again.
    public var hiddenHandler: ((Tensor) throws -> Void)?

    private let frontEnd: FrontEnd
    private let istft: StreamingISTFT
    private let session: EncoderSession
    private let bins: Int
    private var spectra: [Float] = []      // queued frames awaiting their mask, 2·bins each
    private var spectraStart = 0
    private var features: [Float] = []
    private var maskFeatures: [Float] = []  // features of the queued frames, bins each (the mask decoder reads them)
    private let maskWorkspace = MaskWorkspace()
    /// Frames gathered before the encoder runs (see `init`).
    public let encodeBlock: Int
    private var mask = Tensor(zeros: [0])
    private var samplesIn = 0
    private var samplesOut = 0
    private var pendingError: Error?

    /// - Parameter encodeBlock: frames gathered before the encoder runs; 0 runs it on each
    ///   attention chunk as soon as the chunk is complete (a live stream's latency). Offline work
    ///   passes `offlineEncodeBlock`: the same output, faster, as the encoder's matrix products
    ///   then take many frames at once (each product reads its weights once per call).
    public init(model: AttendModel, context: ChunkedContext?, strength: Float = 1,
                synthesis: DenoiseSynthesis = .lowLatency, encodeBlock: Int = 0) throws {
        precondition((0...1).contains(strength), "DenoiseStream: strength must be in 0...1")
        precondition(encodeBlock >= 0, "DenoiseStream: encodeBlock must not be negative")
        self.model = model
        self.strength = strength
        self.encodeBlock = encodeBlock
        frontEnd = try FrontEnd(config: model.config)
        istft = try StreamingISTFT(configuration: try synthesis.configuration(for: model.config))
        session = EncoderSession(model: model, context: context)
        bins = model.config.nBins
    }

    /// Algorithmic latency in samples at 16 kHz: output sample n depends on input up to n + latency.
    public var latency: Int {
        istft.latency + max(0, (session.context?.chunkSize ?? 0) - 1) * model.config.hop
    }

    /// Samples one push works through at a time: a large push (a whole file in memory) goes
    /// through the encoder and mask decoder in pieces, with the same output, so their
    /// intermediate tensors stay small (a 600 s file pushed at once: 7.2 GB).
    static let pushBlock = 16_384

    /// Frames an offline pass gathers before encoding (`encodeBlock`): 256 frames (2.56 s). On a
    /// 60 s file, one core: 0.90 s of CPU against 1.07 s encoding each 32-frame chunk alone.
    public static let offlineEncodeBlock = 256

    /// Most frames the mask decoder takes at a time: its convolutions' column buffers grow with
    /// the frames (about 200 KB a frame), so a large encoder block is masked in pieces (the same
    /// values: the decoder carries its state across calls in `maskWorkspace`).
    static let maskBlock = 64

    /// Feeds 16 kHz samples; `emit` receives the denoised samples that became final.
    public func push(_ samples: UnsafeBufferPointer<Float>, emit: (UnsafeBufferPointer<Float>) throws -> Void) throws {
        var start = 0
        repeat {
            let end = min(samples.count, start + Self.pushBlock)
            let piece = UnsafeBufferPointer(rebasing: samples[start..<end])
            samplesIn += piece.count
            frontEnd.push(piece) { spectrum, f in
                spectra.append(contentsOf: spectrum)
                features.append(contentsOf: f)
            }
            if session.isStreaming { try encodePending(final: false) { try self.emitCapped($0, emit) } }
            start = end
        } while start < samples.count
    }

    /// Ends the stream: emits every remaining sample (the total equals the samples pushed).
    public func finish(emit: (UnsafeBufferPointer<Float>) throws -> Void) throws {
        frontEnd.finish { spectrum, f in
            spectra.append(contentsOf: spectrum)
            features.append(contentsOf: f)
        }
        try encodePending(final: true) { try self.emitCapped($0, emit) }
        try istft.finish(length: samplesIn) { try self.emitCapped($0, emit) }
    }

    /// Passes on samples up to the input's length: the end padding's frames must not add any.
    private func emitCapped(_ samples: UnsafeBufferPointer<Float>, _ emit: (UnsafeBufferPointer<Float>) throws -> Void) throws {
        let n = min(samples.count, samplesIn - samplesOut)
        guard n > 0 else { return }
        samplesOut += n
        try emit(UnsafeBufferPointer(rebasing: samples[0..<n]))
    }

    private func encodePending(final: Bool, emit: (UnsafeBufferPointer<Float>) throws -> Void) throws {
        let n = features.count / bins
        if !final && n < encodeBlock { return }
        var hidden = n > 0 ? session.encode(Tensor(shape: [n, bins], data: features)) : Tensor(zeros: [0, model.config.dModel])
        maskFeatures.append(contentsOf: features)
        features.removeAll(keepingCapacity: true)
        if final { hidden = hidden.appendingRows(of: session.finish()) }
        let ready = hidden.shape[0]
        guard ready > 0 else { return }
        if let hiddenHandler { try hiddenHandler(hidden) }
        let d = hidden.shape[1]
        var done = 0
        while done < ready {
            let m = min(Self.maskBlock, ready - done)
            let piece = m == ready ? hidden : Tensor(shape: [m, d], data: Array(hidden.data[(done * d)..<((done + m) * d)]))
            try applyMask(hidden: piece, emit: emit)
            done += m
        }
    }

    /// Masks the next `hidden.shape[0]` queued frames (their features at the front of
    /// `maskFeatures`, their spectra at `spectraStart`) and resynthesises them.
    private func applyMask(hidden: Tensor, emit: (UnsafeBufferPointer<Float>) throws -> Void) throws {
        let ready = hidden.shape[0]
        let frameFeatures = Tensor(shape: [ready, bins], data: Array(maskFeatures[0..<(ready * bins)]))
        maskFeatures.removeFirst(ready * bins)
        model.mask(hidden, features: frameFeatures, into: &mask, workspace: maskWorkspace)
        let s = strength
        try mask.withMutablePointer { mp in
            for t in 0..<ready {
                let m = mp + t * bins
                if let maskHandler { try maskHandler(UnsafeBufferPointer(start: m, count: bins)) }
                let base = spectraStart + t * 2 * bins
                try spectra.withUnsafeMutableBufferPointer { sp in
                    for k in 0..<bins {
                        let g = s * m[k] + (1 - s)
                        sp[base + 2 * k] *= g
                        sp[base + 2 * k + 1] *= g
                    }
                    try istft.push(frame: UnsafeBufferPointer(rebasing: sp[base..<(base + 2 * bins)]), emit: emit)
                }
            }
        }
        spectraStart += ready * 2 * bins
        if spectraStart > 64 * 2 * bins || spectraStart == spectra.count {
            spectra.removeFirst(spectraStart)
            spectraStart = 0
        }
    }
}

/// How a denoiser turns masked STFT frames back into samples.
public enum DenoiseSynthesis: String, Sendable, CaseIterable {
    /// The model's analysis/synthesis pair (`window: lowlatency`: a 20 ms synthesis window):
    /// the shortest delay, what live streams use.
    case lowLatency = "low-latency"
    /// Weighted overlap-add with the analysis window on both sides (the inverse training's SI-SDR
    /// loss takes): a whole analysis window of delay (32 ms), slightly cleaner output; for files.
    case overlapAdd = "overlap-add"

    /// The STFT configuration of the inverse transform for `config`'s model.
    public func configuration(for config: ModelConfig) throws -> STFTConfiguration {
        let model = try config.stftConfiguration()
        switch self {
        case .lowLatency:
            return model
        case .overlapAdd:
            let pair = WindowPair(analysis: model.analysisWindow, synthesis: model.analysisWindow)
            return try STFTConfiguration(nFFT: model.nFFT, hop: model.hop, windows: pair, center: model.center,
                                         planning: model.planning)
        }
    }
}
