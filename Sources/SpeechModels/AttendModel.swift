import Foundation
import NeuralEngine

/// An attend model: the encoder and its heads, loaded from `NAME.safetensors` + `NAME.json`.
///
/// Immutable and shareable between threads; per-stream state lives in an `EncoderSession`.
/// ```swift
/// let model = try AttendModel(weights: url, config: configURL)
/// let session = EncoderSession(model: model)
/// let hidden = session.encode(features)         // (frames, dModel)
/// let mask = model.mask(hidden, features: features)  // (frames, 257) in [0, 1]
/// ```
public struct AttendModel: Sendable {
    public let config: ModelConfig
    /// Path of the weights file, for messages.
    public let file: String
    let stemConv1: Conv2d
    let stemConv2: Conv2d
    let stemProj: Linear
    /// The low band's full-resolution path (`lowBandBins` > 0): a convolution over its bins without
    /// frequency stride and its projection into the encoder, added to `stemProj`'s output.
    let stemLowConv: Conv2d?
    let stemLowProj: Linear?
    let blocks: [EncoderBlock]
    let maskHead: Linear
    let maskDecoder: MaskDecoder?
    let phoneHead: Linear
    let frameKey: Linear
    let textEmbedding: Tensor
    let textConv1: Conv1d
    let textConv2: Conv1d

    /// Loads and validates a model; every error is one line naming the file and the tensor or key.
    public init(weights: URL, config: URL) throws(CheckpointError) {
        try self.init(checkpoint: try Checkpoint(weights: weights, config: config))
    }

    public init(checkpoint: Checkpoint) throws(CheckpointError) {
        let c: ModelConfig = try checkpoint.decodeConfig()
        try c.validate(file: checkpoint.configFile)
        config = c
        file = checkpoint.weights.file
        let w = WeightReader(checkpoint: checkpoint)
        let ch = c.stemChannels
        stemConv1 = try w.conv2d(WeightNames.stemConv1, in: 1, out: ch, kernel: (3, 3), strideFreq: 2, padFreq: 1)
        stemConv2 = try w.conv2d(WeightNames.stemConv2, in: ch, out: ch, kernel: (3, 3), strideFreq: 2, padFreq: 1)
        stemProj = try w.linear(WeightNames.stemProj, in: ch * c.stemBins, out: c.dModel)
        if c.lowBandBins > 0 {
            stemLowConv = try w.conv2d(WeightNames.stemLowConv, in: 1, out: ch, kernel: (3, 3), strideFreq: 1, padFreq: 1)
            stemLowProj = try w.linear(WeightNames.stemLowProj, in: ch * c.lowBandBins, out: c.dModel)
        } else {
            stemLowConv = nil
            stemLowProj = nil
        }
        var blocks: [EncoderBlock] = []
        for i in 0..<c.nLayers { blocks.append(try EncoderBlock(index: i, config: c, weights: w)) }
        self.blocks = blocks
        maskHead = try w.linear(WeightNames.maskHead, in: c.dModel, out: c.nBins)
        maskDecoder = c.maskDecoderChannels > 0 ? try MaskDecoder(config: c, weights: w) : nil
        phoneHead = try w.linear(WeightNames.phoneHead, in: c.dModel, out: c.nPhones)
        frameKey = try w.linear(WeightNames.frameKey, in: c.dModel, out: c.dAlign)
        textEmbedding = try w.tensor(WeightNames.textEmbed, [c.nPhones, c.dAlign])
        textConv1 = try w.conv1d(WeightNames.textConv1, in: c.dAlign, out: c.dAlign, kernel: c.textKernel, groups: 1,
                                 causal: false, padding: c.textKernel / 2)
        textConv2 = try w.conv1d(WeightNames.textConv2, in: c.dAlign, out: c.dAlign, kernel: c.textKernel, groups: 1,
                                 causal: false, padding: c.textKernel / 2)
        // A tensor nothing read is a part this engine or this config does not know (a model made
        // for a newer attend, or weights beside another model's config): running without it would
        // give wrong output silently.
        let unused = checkpoint.unusedTensors(w.read).sorted()
        if !unused.isEmpty { throw .unusedTensors(file: file, tensors: unused) }
    }

    /// α of every head, per layer.
    public var alphas: [[Float]] { blocks.map(\.alpha) }

    /// Ratio mask `(frames, nBins)` in [0, 1] from encoder output `(frames, dModel)` and the
    /// features `(frames, nBins)` that were encoded (the mask decoder reads each frame's own).
    public func mask(_ hidden: Tensor, features: Tensor) -> Tensor {
        var m = Tensor(zeros: [0])
        mask(hidden, features: features, into: &m, workspace: MaskWorkspace())
        return m
    }

    /// In-place form of `mask(_:features:)` that reuses `m`'s storage and the workspace's.
    public func mask(_ hidden: Tensor, features: Tensor, into m: inout Tensor, workspace: MaskWorkspace) {
        precondition(features.rank == 2 && features.shape[0] == hidden.shape[0] && features.shape[1] == config.nBins,
                     "AttendModel.mask: features \(features.shape) for \(hidden.shape[0]) hidden frames")
        maskHead(hidden, into: &m)
        maskDecoder?.addLogits(hidden: hidden, features: features, to: &m, workspace: workspace)
        Activation.sigmoid.apply(&m)
    }

    /// Whether the mask reads the features besides the hidden frames (a mask decoder).
    public var maskReadsFeatures: Bool { maskDecoder != nil }

    /// Phone logits `(frames, nPhones)` (index 0 = CTC blank).
    public func phoneLogits(_ hidden: Tensor) -> Tensor {
        var y = Tensor(zeros: [0])
        phoneHead(hidden, into: &y)
        return y
    }

    /// Aligner scores `(tokens, frames)`: scaled dot products of the phone-sequence queries
    /// (`phones`: class indices) with the frame keys.
    public func alignScores(hidden: Tensor, phones: [Int]) -> Tensor {
        alignScores(queries: textQueries(phones), hidden: hidden)
    }

    /// The aligner's queries `(tokens, dAlign)` for a phone sequence (the text encoder sees the
    /// whole sequence). Compute once per transcript, then score frames as they come.
    public func textQueries(_ phones: [Int]) -> Tensor {
        let da = config.dAlign, n = phones.count
        var x = Tensor(zeros: [n, da])
        for (i, p) in phones.enumerated() {
            precondition((0..<config.nPhones).contains(p), "textQueries: phone index \(p) out of range")
            for j in 0..<da { x.data[i * da + j] = textEmbedding.data[p * da + j] }
        }
        var y = Tensor(zeros: [0]), scratch: [Float] = []
        for conv in [textConv1, textConv2] {
            conv(x, into: &y, scratch: &scratch)
            Activation.gelu.apply(&y)
            for i in 0..<x.count { x.data[i] += y.data[i] }
        }
        return x
    }

    /// Aligner scores `(tokens, frames)` of `queries` (from `textQueries`) against `hidden` frames.
    public func alignScores(queries: Tensor, hidden: Tensor) -> Tensor {
        let da = config.dAlign, n = queries.shape[0], t = hidden.shape[0]
        var keys = Tensor(zeros: [0])
        frameKey(hidden, into: &keys)
        var scores = Tensor(zeros: [n, t])
        guard n > 0, t > 0 else { return scores }
        queries.withPointer { q in keys.withPointer { k in scores.withMutablePointer { s in
            BLAS.gemm(transB: true, m: n, n: t, k: da, alpha: 1 / Float(da).squareRoot(), a: q, lda: da, b: k, ldb: da, c: s, ldc: t)
        } } }
        return scores
    }
}
