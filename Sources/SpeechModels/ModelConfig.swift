import Foundation
import NeuralEngine

/// Hyper-parameters of an attend model: the JSON config beside its weights, as written by
/// `Training/attend/export.py` (field for field the Python `ModelConfig`, snake_case keys).
public struct ModelConfig: Codable, Sendable, Equatable {
    public var modelType: String
    public var version: Int
    public var sampleRate: Int
    public var nFFT: Int
    public var hop: Int
    /// Exponent c of the compressed magnitude input |X|^c.
    public var compress: Float
    /// STFT analysis window: `hann` (periodic Hann, synthesis the same) or `lowlatency`
    /// (the asymmetric pair of `WindowPair.lowLatency`, synthesis window `synthesisLength` long).
    public var window: String
    public var synthesisLength: Int
    public var nBins: Int
    public var stemChannels: Int
    public var dModel: Int
    public var nHeads: Int
    public var nLayers: Int
    public var ffMult: Int
    public var convKernel: Int
    public var ropeBase: Float
    /// `softmax`, `sparsemax`, `entmax15` or `entmax` (learned α per head).
    public var normaliser: String
    public var alphaMin: Float
    public var alphaMax: Float
    public var entmaxIters: Int
    /// Attention chunk (frames) the model runs with by default; 0 = full context.
    public var chunkSize: Int
    /// Left context (frames) by default; 0 = unlimited.
    public var leftContext: Int
    public var nPhones: Int
    /// Names of the phone classes in index order (0 = CTC blank, 1 = silence).
    public var phones: [String]
    /// espeak-ng phoneme mnemonic → phone class name ("" = merge into the previous phone).
    public var espeakMap: [String: String]
    /// espeak-ng mnemonic → the aligner's transcript tokens in place of `espeakMap`'s, space-separated
    /// class names, a trailing `?` marking one the search may skip (absent: `espeakMap` alone).
    public var alignMapValue: [String: String]?
    public var dAlign: Int
    public var textKernel: Int
    public var layerNormEps: Float
    /// Channels of the mask decoder (`MaskDecoder`); absent or 0: the mask is the linear head's alone.
    public var maskDecoderChannelsValue: Int?
    /// Width in bins of the mask decoder's convolutions (absent: 5).
    public var maskDecoderKernelValue: Int?
    /// Per-frame decays of the running means of the features the mask decoder also reads (absent: none).
    public var maskDecoderEmaValue: [Float]?
    /// Hidden units of the mask decoder's per-bin GRU over frames (absent or 0: none).
    public var maskDecoderGRUValue: Int?
    /// Rise rates in dB/s of the noise-floor trackers the mask decoder also reads (absent: none).
    public var maskDecoderFloorValue: [Float]?
    /// Bins from 0 Hz with a full-resolution path through the stem and the mask decoder (absent or 0: none).
    public var lowBandBinsValue: Int?
    /// Weight of the aligner head's term in the alignment scores (absent: 1). A model whose
    /// aligner head misleads the search ships 0 (see `TokenScoring` in the Attend module).
    public var alignWeight: Float?
    /// Log prior of each phone class over the training frames (absent or empty: no prior division).
    public var phoneLogPrior: [Float]?

    enum CodingKeys: String, CodingKey {
        case modelType = "model_type", version, sampleRate = "sample_rate", nFFT = "n_fft", hop, compress, window, synthesisLength = "synthesis_length"
        case nBins = "n_bins", stemChannels = "stem_channels", dModel = "d_model", nHeads = "n_heads"
        case nLayers = "n_layers", ffMult = "ff_mult", convKernel = "conv_kernel", ropeBase = "rope_base"
        case normaliser, alphaMin = "alpha_min", alphaMax = "alpha_max", entmaxIters = "entmax_iters"
        case chunkSize = "chunk_size", leftContext = "left_context", nPhones = "n_phones", phones
        case espeakMap = "espeak_map", dAlign = "d_align", textKernel = "text_kernel", layerNormEps = "layer_norm_eps"
        case alignWeight = "align_weight", phoneLogPrior = "phone_log_prior", alignMapValue = "align_map"
        case maskDecoderChannelsValue = "mask_decoder_channels", maskDecoderKernelValue = "mask_decoder_kernel"
        case maskDecoderEmaValue = "mask_decoder_ema", maskDecoderGRUValue = "mask_decoder_gru"
        case maskDecoderFloorValue = "mask_decoder_floor"
        case lowBandBinsValue = "low_band_bins"
    }

    /// The aligner's transcript map (`alignMapValue`; empty when absent).
    public var alignMap: [String: String] { alignMapValue ?? [:] }
    /// Channels of the mask decoder; 0 = none.
    public var maskDecoderChannels: Int { maskDecoderChannelsValue ?? 0 }
    /// Width in bins of the mask decoder's convolutions.
    public var maskDecoderKernel: Int { maskDecoderKernelValue ?? 5 }
    /// Decays a of the running means m_t = a·m_{t−1} + (1 − a)·x_t the mask decoder reads.
    public var maskDecoderEma: [Float] { maskDecoderEmaValue ?? [] }
    /// Hidden units of the mask decoder's per-bin GRU; 0 = none.
    public var maskDecoderGRU: Int { maskDecoderGRUValue ?? 0 }
    /// Rise rates R (dB/s) of the noise-floor trackers the mask decoder reads (`MaskDecoder`).
    public var maskDecoderFloor: [Float] { maskDecoderFloorValue ?? [] }

    /// The per-frame factor by which a noise-floor tracker on |X|^compress may rise: R dB/s of |X|
    /// (`floor_rise_factor` in `Training/attend/model.py`, computed in Double as Python does).
    public func floorRiseFactor(_ rate: Float) -> Float {
        let framesPerSecond = Double(sampleRate) / Double(hop)
        return Float(pow(10.0, Double(compress) * Double(rate) / 20.0 / framesPerSecond))
    }

    /// Bins from 0 Hz that also take a full-resolution path: a stem convolution without
    /// frequency stride projected into the encoder, and (with a mask decoder) a per-bin
    /// projection of the hidden vector added to the decoder's channels there. 0 = none.
    public var lowBandBins: Int { lowBandBinsValue ?? 0 }

    public var headDim: Int { dModel / nHeads }

    /// Frequency bins after the stem's two stride-2 convolutions (kernel 3, padding 1).
    public var stemBins: Int {
        var f = nBins
        for _ in 0..<2 { f = (f + 2 - 3) / 2 + 1 }
        return f
    }

    /// The chunked context the model runs with by default (nil = full context).
    public var defaultContext: ChunkedContext? {
        chunkSize > 0 ? ChunkedContext(chunkSize: chunkSize, leftContext: leftContext > 0 ? leftContext : nil) : nil
    }

    /// The context for whole files, where latency does not matter: chunks of at least 32 frames
    /// with at least 128 frames of left context (inside what the models are trained on, chunks of
    /// 1–32 and left contexts of 16–128 frames, and faster per frame than the streaming setting),
    /// or full context for a model that has it.
    public var offlineContext: ChunkedContext? {
        chunkSize > 0 ? ChunkedContext(chunkSize: max(chunkSize, 32), leftContext: leftContext > 0 ? max(leftContext, 128) : nil) : nil
    }

    /// Checks what the weights cannot: sizes that divide, values in range.
    public func validate(file: String) throws(CheckpointError) {
        func bad(_ key: String, _ reason: String) -> CheckpointError { .badConfig(file: file, key: key, reason: reason) }
        guard modelType == "attend-encoder" else { throw bad("model_type", "expected \"attend-encoder\", found \"\(modelType)\"") }
        guard sampleRate == 16000 else { throw bad("sample_rate", "only 16000 is supported, found \(sampleRate)") }
        guard nFFT > 0, nBins == nFFT / 2 + 1 else { throw bad("n_bins", "must be n_fft/2+1 = \(nFFT / 2 + 1), found \(nBins)") }
        guard hop > 0, hop <= nFFT else { throw bad("hop", "must be in 1...\(nFFT), found \(hop)") }
        guard window == "hann" || window == "lowlatency" else { throw bad("window", "expected \"hann\" or \"lowlatency\", found \"\(window)\"") }
        if window == "lowlatency" {
            guard synthesisLength >= 2, synthesisLength <= nFFT, synthesisLength % 2 == 0 else {
                throw bad("synthesis_length", "must be even, in 2...\(nFFT), found \(synthesisLength)")
            }
        }
        for (key, v) in [("d_model", dModel), ("n_heads", nHeads), ("n_layers", nLayers), ("ff_mult", ffMult),
                         ("conv_kernel", convKernel), ("stem_channels", stemChannels), ("n_phones", nPhones),
                         ("d_align", dAlign), ("text_kernel", textKernel), ("entmax_iters", entmaxIters)] where v <= 0 {
            throw bad(key, "must be positive, found \(v)")
        }
        guard dModel % nHeads == 0, headDim % 2 == 0 else { throw bad("n_heads", "d_model \(dModel) must split into heads of even size") }
        guard ["softmax", "sparsemax", "entmax15", "entmax"].contains(normaliser) else {
            throw bad("normaliser", "unknown normaliser \"\(normaliser)\"")
        }
        guard alphaMin > 1, alphaMax <= 2, alphaMin <= alphaMax else { throw bad("alpha_min", "need 1 < alpha_min <= alpha_max <= 2") }
        guard chunkSize >= 0, leftContext >= 0 else { throw bad("chunk_size", "must not be negative") }
        guard phones.isEmpty || phones.count == nPhones else { throw bad("phones", "\(phones.count) names for n_phones = \(nPhones)") }
        guard maskDecoderChannels >= 0 else { throw bad("mask_decoder_channels", "must not be negative, found \(maskDecoderChannels)") }
        if maskDecoderChannels > 0 {
            guard maskDecoderKernel > 0, maskDecoderKernel % 2 == 1 else {
                throw bad("mask_decoder_kernel", "must be odd and positive, found \(maskDecoderKernel)")
            }
            guard maskDecoderEma.allSatisfy({ $0 >= 0 && $0 < 1 }) else {
                throw bad("mask_decoder_ema", "decays must be in [0, 1), found \(maskDecoderEma)")
            }
            guard maskDecoderGRU >= 0 else { throw bad("mask_decoder_gru", "must not be negative, found \(maskDecoderGRU)") }
            guard maskDecoderFloor.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 1000 }) else {
                throw bad("mask_decoder_floor", "rise rates must be in 0...1000 dB/s, found \(maskDecoderFloor)")
            }
        } else if !maskDecoderFloor.isEmpty {
            throw bad("mask_decoder_floor", "needs a mask decoder (mask_decoder_channels > 0)")
        } else if !maskDecoderEma.isEmpty {
            throw bad("mask_decoder_ema", "needs a mask decoder (mask_decoder_channels > 0)")
        } else if maskDecoderGRU != 0 {
            throw bad("mask_decoder_gru", "needs a mask decoder (mask_decoder_channels > 0)")
        }
        guard lowBandBins >= 0, lowBandBins <= nBins else { throw bad("low_band_bins", "must be in 0...\(nBins), found \(lowBandBins)") }
        if let w = alignWeight, !(w.isFinite && w >= 0) { throw bad("align_weight", "must be finite and not negative, found \(w)") }
        if let prior = phoneLogPrior, !prior.isEmpty {  // [] (Python's default) = no prior
            guard prior.count == nPhones else { throw bad("phone_log_prior", "\(prior.count) values for n_phones = \(nPhones)") }
            guard prior.allSatisfy({ $0.isFinite && $0 <= 0 }) else { throw bad("phone_log_prior", "values must be finite log probabilities (<= 0)") }
        }
        // Each aligner entry names phone classes (a trailing "?" marks an optional one) and keeps
        // at least one mandatory: a misspelt class would otherwise drop out of every transcript.
        for (mnemonic, value) in alignMap.sorted(by: { $0.key < $1.key }) {
            let parts = value.split(separator: " ", omittingEmptySubsequences: true)
            let names = parts.map { $0.hasSuffix("?") ? String($0.dropLast()) : String($0) }
            if let unknown = names.first(where: { $0.isEmpty || (!phones.isEmpty && !phones.contains($0)) }) {
                throw bad("align_map", "\"\(mnemonic)\": \"\(value)\" names \"\(unknown)\", not a phone class of this model")
            }
            guard parts.contains(where: { !$0.hasSuffix("?") }) else {
                throw bad("align_map", "\"\(mnemonic)\": \"\(value)\" needs at least one phone that is not optional")
            }
        }
    }
}
