import Foundation

/// Multi-head attention with separate query/key/value/output projections (PyTorch `Linear`
/// layout, with biases), optional rotary embedding of queries and keys, scaled dot products
/// (1/√headDim), an interchangeable normaliser (softmax, sparsemax, entmax-1.5, α-entmax per head)
/// and masks (full, chunked, additive).
///
/// Reference computation (the PyTorch model in `Training/attend/` does the same):
///
///     q = x Wqᵀ + bq;  k = c Wkᵀ + bk;  v = c Wvᵀ + bv        (c = x for self-attention)
///     split heads: (T, H·Dh) → H × (T, Dh); RoPE on q and k at absolute frame positions
///     P_h = normalise_h(q_h k_hᵀ / √Dh + mask)                 (α_h for α-entmax)
///     y = concat_h(P_h v_h) Woᵀ + bo
///
/// Chunked masks never build the (T × T) score matrix: each chunk's queries meet only their key
/// window, so cost is linear in T. Where the normaliser returns exact zeros and they are the
/// majority of a block, the value product runs row by row over the non-zero weights only.
/// The weights are immutable and shareable; scratch lives in an `AttentionWorkspace`.
public struct MultiHeadAttention: Sendable {
    public let query: Linear
    public let key: Linear
    public let value: Linear
    public let output: Linear
    public let heads: Int
    public let headDim: Int
    /// Rotary embedding of q and k, or nil.
    public var rotary: RotaryEmbedding?
    public var normalizer: AttentionNormalizer
    /// Skip zero weights in the value product (results agree with the dense product to rounding).
    public var skipZeros = true
    /// Minimum share of zero weights in a (block, head) for the sparse value product to run.
    public var sparseThreshold: Float = 0.5
    /// Queries per block when the mask is full or additive (bounds the score buffer).
    public var queryBlock = 128

    public var modelDim: Int { query.inFeatures }
    var width: Int { heads * headDim }

    public init(query: Linear, key: Linear, value: Linear, output: Linear, heads: Int,
                rotary: RotaryEmbedding? = nil, normalizer: AttentionNormalizer = .softmax) {
        precondition(heads >= 1 && query.outFeatures % heads == 0, "MultiHeadAttention: \(query.outFeatures) not divisible by \(heads) heads")
        precondition(key.outFeatures == query.outFeatures && value.outFeatures == query.outFeatures
                     && output.inFeatures == query.outFeatures, "MultiHeadAttention: projection sizes disagree")
        self.query = query
        self.key = key
        self.value = value
        self.output = output
        self.heads = heads
        self.headDim = query.outFeatures / heads
        if let rotary { precondition(rotary.headDim == headDim, "MultiHeadAttention: rotary head dimension \(rotary.headDim) ≠ \(headDim)") }
        self.rotary = rotary
        if case let .entmax(alpha, _) = normalizer {
            precondition(alpha.count == 1 || alpha.count == heads, "MultiHeadAttention: \(alpha.count) α values for \(heads) heads")
            precondition(alpha.allSatisfy { $0 > 1 && $0 <= 2 }, "MultiHeadAttention: α must lie in (1, 2], got \(alpha)")
        }
        self.normalizer = normalizer
    }

    /// Builds the layer from a packed input projection as in `torch.nn.MultiheadAttention`:
    /// `inProjectionWeight` `(3·d, d)` holds Wq, Wk, Wv stacked by rows, `inProjectionBias` `(3·d)`.
    public init(inProjectionWeight w: Tensor, inProjectionBias b: Tensor, output: Linear, heads: Int,
                rotary: RotaryEmbedding? = nil, normalizer: AttentionNormalizer = .softmax) {
        precondition(w.rank == 2 && w.shape[0] % 3 == 0 && b.count == w.shape[0], "MultiHeadAttention: packed projection \(w.shape), bias \(b.shape)")
        let d = w.shape[0] / 3, cols = w.shape[1]
        func part(_ i: Int) -> Linear {
            Linear(weight: Tensor(shape: [d, cols], data: Array(w.data[(i * d * cols)..<((i + 1) * d * cols)])),
                   bias: Tensor(shape: [d], data: Array(b.data[(i * d)..<((i + 1) * d)])))
        }
        self.init(query: part(0), key: part(1), value: part(2), output: output, heads: heads, rotary: rotary, normalizer: normalizer)
    }

    /// Self-attention over `x` `(frames, modelDim)`; `y` is resized to `(frames, modelDim)`.
    /// Frame r has position `firstPosition + r` for the rotary embedding.
    public func callAsFunction(_ x: Tensor, mask: AttentionMask = .full, firstPosition: Int = 0,
                               workspace: AttentionWorkspace, into y: inout Tensor) {
        run(queries: x, keys: nil, mask: mask, firstPosition: firstPosition, workspace: workspace, into: &y, probs: nil)
    }

    /// Self-attention that also returns the attention weights, `probabilities` resized to
    /// `(heads, frames, frames)` (zeros outside each query's visible keys).
    public func callAsFunction(_ x: Tensor, mask: AttentionMask = .full, firstPosition: Int = 0,
                               workspace: AttentionWorkspace, into y: inout Tensor, probabilities: inout Tensor) {
        probabilities = Tensor(zeros: [heads, x.shape[0], x.shape[0]])
        probabilities.withMutablePointer { p in
            run(queries: x, keys: nil, mask: mask, firstPosition: firstPosition, workspace: workspace, into: &y, probs: p)
        }
    }

    /// Cross-attention: queries from `queries` `(Tq, modelDim)`, keys and values from `keys`
    /// `(Tk, modelDim)`; `y` is resized to `(Tq, modelDim)`. Rotary positions (if any) start at 0
    /// for both sequences.
    public func crossAttention(queries: Tensor, keys: Tensor, mask: AttentionMask = .full,
                               workspace: AttentionWorkspace, into y: inout Tensor) {
        run(queries: queries, keys: keys, mask: mask, firstPosition: 0, workspace: workspace, into: &y, probs: nil)
    }

    /// Cross-attention that also returns the weights, `probabilities` resized to `(heads, Tq, Tk)`.
    public func crossAttention(queries: Tensor, keys: Tensor, mask: AttentionMask = .full,
                               workspace: AttentionWorkspace, into y: inout Tensor, probabilities: inout Tensor) {
        probabilities = Tensor(zeros: [heads, queries.shape[0], keys.shape[0]])
        probabilities.withMutablePointer { p in
            run(queries: queries, keys: keys, mask: mask, firstPosition: 0, workspace: workspace, into: &y, probs: p)
        }
    }

    private func run(queries x: Tensor, keys c: Tensor?, mask: AttentionMask, firstPosition: Int,
                     workspace ws: AttentionWorkspace, into y: inout Tensor, probs: UnsafeMutablePointer<Float>?) {
        let d = modelDim, w = width
        precondition(x.rank == 2 && x.shape[1] == d, "MultiHeadAttention: queries \(x.shape), expected (frames, \(d))")
        let src = c ?? x
        precondition(src.rank == 2 && src.shape[1] == d, "MultiHeadAttention: keys \(src.shape), expected (frames, \(d))")
        let tq = x.shape[0], tk = src.shape[0]
        let q = ws.q.reserve(tq * w), k = ws.k.reserve(tk * w), v = ws.v.reserve(tk * w)
        let ctx = ws.context.reserve(tq * w)
        x.withPointer { query.apply($0, rows: tq, ldx: d, into: q, ldy: w) }
        src.withPointer { key.apply($0, rows: tk, ldx: d, into: k, ldy: w) }
        src.withPointer { value.apply($0, rows: tk, ldx: d, into: v, ldy: w) }
        if let rotary {
            if c == nil {
                rotary.apply(q, k, rows: tq, stride: w, heads: heads, firstPosition: firstPosition)
            } else {
                rotary.apply(q, rows: tq, stride: w, heads: heads, firstPosition: 0)
                rotary.apply(k, rows: tk, stride: w, heads: heads, firstPosition: 0)
            }
        }
        switch mask {
        case .full:
            var q0 = 0
            while q0 < tq {
                let nq = min(queryBlock, tq - q0)
                attendBlock(q: q + q0 * w, nq: nq, k: k, v: v, nk: tk, mask: nil, maskStride: 0, ctx: ctx + q0 * w, ws: ws,
                            probs: probs.map { $0 + q0 * tk }, probsRowStride: tk, probsHeadStride: tq * tk)
                q0 += nq
            }
        case let .additive(m):
            precondition(m.count == tq * tk, "MultiHeadAttention: mask \(m.shape) for \(tq) queries × \(tk) keys")
            m.withPointer { mp in
                var q0 = 0
                while q0 < tq {
                    let nq = min(queryBlock, tq - q0)
                    attendBlock(q: q + q0 * w, nq: nq, k: k, v: v, nk: tk, mask: mp + q0 * tk, maskStride: tk, ctx: ctx + q0 * w, ws: ws,
                                probs: probs.map { $0 + q0 * tk }, probsRowStride: tk, probsHeadStride: tq * tk)
                    q0 += nq
                }
            }
        case let .chunked(context):
            var cs = 0
            while cs < tq {
                let ce = min(cs + context.chunkSize, tq)
                let keysIn = context.keyRange(chunkStart: cs, chunkEnd: cs + context.chunkSize, keyCount: tk)
                attendBlock(q: q + cs * w, nq: ce - cs, k: k + keysIn.lowerBound * w, v: v + keysIn.lowerBound * w, nk: keysIn.count,
                            mask: nil, maskStride: 0, ctx: ctx + cs * w, ws: ws,
                            probs: probs.map { $0 + cs * tk + keysIn.lowerBound }, probsRowStride: tk, probsHeadStride: tq * tk)
                cs = ce
            }
        }
        y.resize(rows: tq, columns: d)
        y.withMutablePointer { output.apply(UnsafePointer(ctx), rows: tq, ldx: w, into: $0, ldy: d) }
    }

    /// Streaming self-attention: processes `x` `(n, modelDim)`, the next n frames of a stream,
    /// under the chunked `context`, using and updating `cache`. The call must start on a chunk
    /// boundary (cache.frames a multiple of C) and n must be a multiple of C except for the last
    /// call of a stream. Outputs equal the offline `.chunked(context)` pass over the whole stream.
    public func stream(_ x: Tensor, context: ChunkedContext, cache: inout KVCache, workspace ws: AttentionWorkspace,
                       into y: inout Tensor) {
        let d = modelDim, w = width, n = x.shape[0]
        precondition(x.rank == 2 && x.shape[1] == d, "MultiHeadAttention.stream: input \(x.shape), expected (frames, \(d))")
        precondition(cache.width == w, "MultiHeadAttention.stream: cache width \(cache.width) ≠ \(w)")
        let start = cache.frames
        precondition(start % context.chunkSize == 0, "MultiHeadAttention.stream: stream position \(start) is not on a chunk boundary (C = \(context.chunkSize)); only the last call may hold a partial chunk")
        guard let cacheFrames = context.cacheFrames, cache.capacity >= cacheFrames else {
            preconditionFailure("MultiHeadAttention.stream: cache of \(cache.capacity) frames, context needs \(context.cacheFrames.map(String.init) ?? "unlimited")")
        }
        let q = ws.q.reserve(n * w), k = ws.k.reserve(n * w), v = ws.v.reserve(n * w), ctx = ws.context.reserve(n * w)
        x.withPointer { xp in
            query.apply(xp, rows: n, ldx: d, into: q, ldy: w)
            key.apply(xp, rows: n, ldx: d, into: k, ldy: w)
            value.apply(xp, rows: n, ldx: d, into: v, ldy: w)
        }
        rotary?.apply(q, k, rows: n, stride: w, heads: heads, firstPosition: start)
        var r = 0
        while r < n {
            let len = min(context.chunkSize, n - r)
            let cs = start + r
            cache.append(keys: k + r * w, ldk: w, values: v + r * w, ldv: w, count: len)
            let keysIn = context.keyRange(chunkStart: cs, chunkEnd: cs + len, keyCount: cs + len)
            cache.withWindow(last: keysIn.count) { kp, vp in
                attendBlock(q: q + r * w, nq: len, k: kp, v: vp, nk: keysIn.count, mask: nil, maskStride: 0,
                            ctx: ctx + r * w, ws: ws, probs: nil, probsRowStride: 0, probsHeadStride: 0)
            }
            r += len
        }
        y.resize(rows: n, columns: d)
        y.withMutablePointer { output.apply(UnsafePointer(ctx), rows: n, ldx: w, into: $0, ldy: d) }
    }

    /// Attention of `nq` queries over `nk` keys for every head; rows have stride `width`.
    private func attendBlock(q: UnsafePointer<Float>, nq: Int, k: UnsafePointer<Float>, v: UnsafePointer<Float>, nk: Int,
                             mask: UnsafePointer<Float>?, maskStride: Int, ctx: UnsafeMutablePointer<Float>,
                             ws: AttentionWorkspace, probs: UnsafeMutablePointer<Float>?, probsRowStride: Int, probsHeadStride: Int) {
        let w = width, dh = headDim
        ws.stats.blocks += 1
        if nk == 0 {
            for i in 0..<nq { (ctx + i * w).update(repeating: 0, count: w) }
            return
        }
        let s = ws.scores.reserve(nq * nk)
        let scratch = ws.sortScratch.reserve(2 * nk)
        let scale = 1 / Float(dh).squareRoot()
        let sparseCapable = normalizer.isSparse && skipZeros
        for h in 0..<heads {
            BLAS.gemm(transB: true, m: nq, n: nk, k: dh, alpha: scale, a: q + h * dh, lda: w, b: k + h * dh, ldb: w, c: s, ldc: nk)
            let kernel = RowKernel(normalizer, head: h)
            var zeros = 0
            var carry = EntmaxCarry()  // the previous row's max z − τ (where the next row's root search starts), row constants
            for i in 0..<nq {
                let row = s + i * nk
                if let mask {
                    let mr = mask + i * maskStride
                    for j in 0..<nk { row[j] += mr[j] }
                }
                switch kernel {
                case .softmax: Normalize.softmax(row, count: nk)
                case .sparsemax: Normalize.sparsemax(row, count: nk, scratch: scratch)
                case .entmax15: Normalize.entmax15(row, count: nk, scratch: scratch)
                case let .bisect(alpha, iterations):
                    Normalize.entmaxBisect(row, count: nk, alpha: alpha, iterations: iterations, scratch: scratch, carry: &carry)
                }
                if normalizer.isSparse || mask != nil { zeros += Normalize.zeroCount(row, nk) }
                if let probs { (probs + h * probsHeadStride + i * probsRowStride).update(from: row, count: nk) }
            }
            ws.stats.valueRows += nq * nk
            ws.stats.zeroWeights += zeros
            let out = ctx + h * dh
            if sparseCapable && Float(zeros) >= sparseThreshold * Float(nq * nk) {
                ws.stats.skippedValueRows += zeros
                sparseValueProduct(s, nq: nq, nk: nk, v: v + h * dh, ldv: w, out: out, ldo: w)
            } else {
                BLAS.gemm(m: nq, n: dh, k: nk, a: s, lda: nk, b: v + h * dh, ldb: w, c: out, ldc: w)
            }
        }
    }

    /// The row normaliser of one head, resolved once per block.
    private enum RowKernel {
        case softmax, sparsemax, entmax15
        case bisect(alpha: Float, iterations: Int)

        init(_ n: AttentionNormalizer, head: Int) {
            switch n {
            case .softmax: self = .softmax
            case .sparsemax: self = .sparsemax
            case .entmax15: self = .entmax15
            case let .entmax(alpha, iterations):
                let a = alpha.count == 1 ? alpha[0] : alpha[head]
                if abs(a - 2) <= Normalize.exactAlphaTolerance { self = .sparsemax }
                else if abs(a - 1.5) <= Normalize.exactAlphaTolerance { self = .entmax15 }
                else { self = .bisect(alpha: a, iterations: iterations) }
            }
        }
    }

    /// out[i] = Σ_j p[i, j] · v[j] over the non-zero p only; rows of `headDim` floats.
    private func sparseValueProduct(_ p: UnsafePointer<Float>, nq: Int, nk: Int, v: UnsafePointer<Float>, ldv: Int,
                                    out: UnsafeMutablePointer<Float>, ldo: Int) {
        let dh = headDim
        let vectors = dh / 4, tail = vectors * 4
        for i in 0..<nq {
            let o = out + i * ldo, row = p + i * nk
            o.update(repeating: 0, count: dh)
            let o4 = UnsafeMutableRawPointer(o)
            for j in 0..<nk {
                let pj = row[j]
                if pj == 0 { continue }
                let vr = v + j * ldv
                let v4 = UnsafeRawPointer(vr)
                let pv = SIMD4<Float>(repeating: pj)
                for c in 0..<vectors {
                    let off = c * 16
                    let acc = o4.loadUnaligned(fromByteOffset: off, as: SIMD4<Float>.self)
                    o4.storeBytes(of: acc + pv * v4.loadUnaligned(fromByteOffset: off, as: SIMD4<Float>.self),
                                  toByteOffset: off, as: SIMD4<Float>.self)
                }
                for e in tail..<dh { o[e] += pj * vr[e] }
            }
        }
    }
}
