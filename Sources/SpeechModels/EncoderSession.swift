import Foundation
import NeuralEngine

/// The running state of the encoder over one stream or file: causal convolution histories,
/// key/value caches, buffers. Create one per stream; feed feature frames in any amounts.
///
/// With a chunked context of finite left context (the streaming case) frames are processed a
/// chunk at a time as soon as a chunk is complete; `encode` returns the hidden frames that are
/// ready (possibly none) and `finish()` the rest. The offline pass over a whole file is the same
/// code fed once, so streaming and offline outputs are equal. With full context (nil) or
/// unlimited left context, attention needs the whole input: call `encode` once, then `finish()`.
///
/// Buffers grow to the largest chunk seen and are then reused: no allocation per frame.
public final class EncoderSession {
    public let model: AttendModel
    public let context: ChunkedContext?
    /// When true (offline passes only), the attention weights of every layer are kept:
    /// `attention[l]` has shape `(heads, frames, frames)`.
    public var captureAttention = false
    public private(set) var attention: [Tensor] = []

    private var conv1: Conv2dStream
    private var conv2: Conv2dStream
    /// The low band's convolution (`AttendModel.stemLowConv`), when the model has one.
    private var lowConv: Conv2dStream?
    private var depthwise: [Conv1dStream]
    private var caches: [KVCache]
    private let workspace = AttentionWorkspace()
    private var pending: [Float] = []
    private var framesDone = 0
    private var usedOffline = false
    // reused buffers
    private var x = Tensor(zeros: [0]), a = Tensor(zeros: [0]), b = Tensor(zeros: [0]), h = Tensor(zeros: [0])
    private var stemA = Tensor(zeros: [0]), stemB = Tensor(zeros: [0]), lowIn = Tensor(zeros: [0])

    /// A session with the model's own context (`chunk_size`, `left_context` of its config).
    public convenience init(model: AttendModel) {
        self.init(model: model, context: model.config.defaultContext)
    }

    /// - Parameter context: attention context; nil = full context (offline only).
    public init(model: AttendModel, context: ChunkedContext?) {
        self.model = model
        self.context = context
        let c = model.config
        conv1 = Conv2dStream(model.stemConv1, bins: c.nBins)
        conv2 = Conv2dStream(model.stemConv2, bins: model.stemConv1.outputBins(c.nBins))
        lowConv = model.stemLowConv.map { Conv2dStream($0, bins: c.lowBandBins) }
        depthwise = model.blocks.map { Conv1dStream($0.depthwise) }
        if let ctx = self.context, ctx.cacheFrames != nil {
            caches = model.blocks.map { KVCache(for: $0.attention, context: ctx) }
        } else {
            caches = []
        }
    }

    /// Whether this session streams (finite left context): frames come out chunk by chunk.
    public var isStreaming: Bool { !caches.isEmpty && !captureAttention }

    /// Attention statistics so far (value rows skipped thanks to exact zeros, …).
    public var stats: AttentionStats { workspace.stats }

    /// Feeds `features` `(frames, nBins)`; returns the hidden frames `(n, dModel)` now ready.
    public func encode(_ features: Tensor) -> Tensor {
        let bins = model.config.nBins
        precondition(features.rank == 2 && features.shape[1] == bins, "EncoderSession: features \(features.shape), expected (frames, \(bins))")
        guard isStreaming, let ctx = context else {
            precondition(!usedOffline, "EncoderSession: a full-context session takes its whole input in one call")
            usedOffline = true
            return run(features, mask: fullMask)
        }
        pending.append(contentsOf: features.elements)
        let available = pending.count / bins
        let ready = available / ctx.chunkSize * ctx.chunkSize
        return takePending(frames: ready, context: ctx)
    }

    /// Feeds `features` `(frames, nBins)` as the rest of the input and returns every hidden frame
    /// still to come: ``encode(_:)`` followed by ``finish()``.
    public func encodeToEnd(_ features: Tensor) -> Tensor {
        encode(features).appendingRows(of: finish())
    }

    /// Processes any buffered partial chunk (end of stream) and returns its hidden frames.
    public func finish() -> Tensor {
        guard isStreaming, let ctx = context else { return Tensor(zeros: [0, model.config.dModel]) }
        return takePending(frames: pending.count / model.config.nBins, context: ctx)
    }

    private var fullMask: AttentionMask {
        if let context { return .chunked(context) }
        return .full
    }

    /// Most frames one pass of the layers takes at a time (rounded down to whole chunks): a long
    /// file fed at once is run in blocks, so the activations stay bounded (tens of MB) whatever
    /// its length. The output is the same as chunk-by-chunk streaming.
    public static let maxBlockFrames = 1024

    private func takePending(frames n: Int, context ctx: ChunkedContext) -> Tensor {
        let bins = model.config.nBins, d = model.config.dModel
        guard n > 0 else { return Tensor(zeros: [0, d]) }
        let block = max(ctx.chunkSize, Self.maxBlockFrames / ctx.chunkSize * ctx.chunkSize)
        if n <= block {
            let chunk = Tensor(shape: [n, bins], data: Array(pending[0..<(n * bins)]))
            pending.removeFirst(n * bins)
            return run(chunk, mask: .chunked(ctx))
        }
        var out = [Float]()
        out.reserveCapacity(n * d)
        var done = 0
        while done < n {
            let m = min(block, n - done)
            let chunk = Tensor(shape: [m, bins], data: Array(pending[(done * bins)..<((done + m) * bins)]))
            out.append(contentsOf: run(chunk, mask: .chunked(ctx)).elements)
            done += m
        }
        pending.removeFirst(n * bins)
        return Tensor(shape: [n, d], data: out)
    }

    private func run(_ features: Tensor, mask: AttentionMask) -> Tensor {
        let c = model.config
        let n = features.shape[0], d = c.dModel
        // Stem: (n, 1, F) → conv → GELU → conv → GELU → (n, C·F'') → Linear.
        conv1.process(features.reshaped([n, 1, c.nBins]), into: &stemA)
        Activation.gelu.apply(&stemA)
        conv2.process(stemA, into: &stemB)
        Activation.gelu.apply(&stemB)
        model.stemProj(stemB.reshaped([n, stemB.count / max(n, 1)]), into: &x)
        if lowConv != nil, let proj = model.stemLowProj {
            // The first L bins of every frame → conv (no frequency stride) → GELU → (n, C·L) → Linear, added.
            let low = c.lowBandBins, bins = c.nBins
            lowIn.resize(n, 1, low)
            features.withPointer { f in lowIn.withMutablePointer { y in
                for t in 0..<n { (y + t * low).update(from: f + t * bins, count: low) }
            } }
            lowConv!.process(lowIn, into: &stemA)
            Activation.gelu.apply(&stemA)
            proj(stemA.reshaped([n, stemA.count / max(n, 1)]), into: &a)
            add(a, scale: 1)
        }
        if captureAttention { attention = [] }
        for (l, block) in model.blocks.enumerated() {
            feedForward(block.ff1)
            block.attnNorm(x, into: &a)
            if captureAttention {
                var probs = Tensor(zeros: [0])
                block.attention(a, mask: mask, firstPosition: framesDone, workspace: workspace, into: &b, probabilities: &probs)
                attention.append(probs)
            } else if isStreaming {
                block.attention.stream(a, context: context!, cache: &caches[l], workspace: workspace, into: &b)
            } else {
                block.attention(a, mask: mask, firstPosition: framesDone, workspace: workspace, into: &b)
            }
            add(b, scale: 1)
            convModule(block, layer: l)
            feedForward(block.ff2)
            block.outNorm.normalizeInPlace(&x)
        }
        framesDone += n
        return x.reshaped([n, d])
    }

    /// x += ½ · down(SiLU(up(LN(x)))).
    private func feedForward(_ ff: EncoderBlock.FeedForward) {
        ff.norm(x, into: &a)
        ff.up(a, into: &h)
        Activation.silu.apply(&h)
        ff.down(h, into: &b)
        add(b, scale: 0.5)
    }

    /// x += pw2(SiLU(LN(dw(GLU(pw1(LN(x))))))).
    private func convModule(_ block: EncoderBlock, layer l: Int) {
        let n = x.shape[0], d = model.config.dModel
        block.convNorm(x, into: &a)
        block.pw1(a, into: &h)  // (n, 2d)
        a.resize([n, d])
        h.withPointer { hp in a.withMutablePointer { ap in
            for t in 0..<n {
                let row = hp + t * 2 * d, out = ap + t * d
                for i in 0..<d { out[i] = row[i] / (1 + expf(-row[d + i])) }
            }
        } }
        depthwise[l].process(a, into: &b)
        block.dwNorm.normalizeInPlace(&b)
        Activation.silu.apply(&b)
        block.pw2(b, into: &a)
        add(a, scale: 1)
    }

    private func add(_ y: Tensor, scale: Float) {
        let count = x.count
        y.withPointer { yp in x.withMutablePointer { xp in
            for i in 0..<count { xp[i] += scale * yp[i] }
        } }
    }
}
