import Foundation
import NeuralEngine

/// ½ feed-forward → multi-head self-attention (RoPE, α-entmax per head) → causal depthwise
/// convolution module → ½ feed-forward → LayerNorm; each with a residual connection.
/// Mirrors `Block` in Training/attend/model.py.
struct EncoderBlock: Sendable {
    struct FeedForward: Sendable {
        let norm: LayerNorm
        let up: Linear
        let down: Linear
    }

    let ff1: FeedForward
    let attnNorm: LayerNorm
    let attention: MultiHeadAttention
    /// α per head (for reports; the normaliser holds the same values).
    let alpha: [Float]
    let convNorm: LayerNorm
    let pw1: Linear
    let depthwise: Conv1d
    let dwNorm: LayerNorm
    let pw2: Linear
    let ff2: FeedForward
    let outNorm: LayerNorm

    init(index: Int, config c: ModelConfig, weights w: WeightReader) throws(CheckpointError) {
        let n = WeightNames.Block(index)
        let d = c.dModel, eps = c.layerNormEps
        func ff(_ norm: String, _ up: String, _ down: String) throws(CheckpointError) -> FeedForward {
            FeedForward(norm: try w.layerNorm(norm, d, eps: eps), up: try w.linear(up, in: d, out: d * c.ffMult),
                        down: try w.linear(down, in: d * c.ffMult, out: d))
        }
        ff1 = try ff(n.ff1Norm, n.ff1Up, n.ff1Down)
        ff2 = try ff(n.ff2Norm, n.ff2Up, n.ff2Down)
        attnNorm = try w.layerNorm(n.attnNorm, d, eps: eps)
        let logits = try w.tensor(n.alphaLogit, [c.nHeads]).data
        alpha = logits.map { min(max(1 + 1 / (1 + exp(-$0)), c.alphaMin), c.alphaMax) }
        let normalizer: AttentionNormalizer
        switch c.normaliser {
        case "softmax": normalizer = .softmax
        case "sparsemax": normalizer = .sparsemax
        case "entmax15": normalizer = .entmax15
        default: normalizer = .entmax(alpha: alpha, iterations: c.entmaxIters)
        }
        attention = MultiHeadAttention(query: try w.linear(n.q, in: d, out: d), key: try w.linear(n.k, in: d, out: d),
                                       value: try w.linear(n.v, in: d, out: d), output: try w.linear(n.out, in: d, out: d),
                                       heads: c.nHeads, rotary: RotaryEmbedding(headDim: c.headDim, base: c.ropeBase),
                                       normalizer: normalizer)
        convNorm = try w.layerNorm(n.convNorm, d, eps: eps)
        pw1 = try w.linear(n.convPw1, in: d, out: 2 * d)
        depthwise = try w.conv1d(n.convDw, in: d, out: d, kernel: c.convKernel, groups: d, causal: true)
        dwNorm = try w.layerNorm(n.convDwNorm, d, eps: eps)
        pw2 = try w.linear(n.convPw2, in: d, out: d)
        outNorm = try w.layerNorm(n.outNorm, d, eps: eps)
    }
}
