import Testing
@testable import NeuralEngine

/// Multi-head attention against the PyTorch reference in make_kernel_golden.py.
@Suite struct AttentionTests {
    func attention(_ normalizer: AttentionNormalizer, rope: Bool) throws -> MultiHeadAttention {
        MultiHeadAttention(query: try linearFixture("mha_wq", "mha_bq"), key: try linearFixture("mha_wk", "mha_bk"),
                           value: try linearFixture("mha_wv", "mha_bv"), output: try linearFixture("mha_wo", "mha_bo"),
                           heads: 4, rotary: rope ? RotaryEmbedding(headDim: 6) : nil, normalizer: normalizer)
    }

    @Test(arguments: [true, false])
    func perHeadEntmaxWithChunkMaskMatchesTorch(skipZeros: Bool) throws {
        let alpha = try fixture("mha_alpha")
        var mha = try attention(.entmax(alpha: Array(alpha.elements)), rope: true)
        mha.skipZeros = skipZeros
        let x = try fixture("mha_x")
        let ws = AttentionWorkspace()
        var y = Tensor(zeros: []), p = Tensor(zeros: [])
        mha(x, mask: .chunked(ChunkedContext(chunkSize: 4, leftContext: 8)), workspace: ws, into: &y, probabilities: &p)
        expectClose(p, try fixture("mha_probs"), atol: 1e-5, "probabilities")
        expectClose(y, try fixture("mha_y"), atol: 1e-5, rtol: 1e-4, "output")
        // Entmax zeros: some value rows were skipped only when skipping is on.
        #expect(ws.stats.zeroWeights > 0)
        #expect((ws.stats.skippedValueRows > 0) == skipZeros)
        // The same mask given as an additive tensor builds the full score matrix and agrees.
        var y2 = Tensor(zeros: []), p2 = Tensor(zeros: [])
        mha(x, mask: .additive(try fixture("mha_mask")), workspace: ws, into: &y2, probabilities: &p2)
        expectClose(p2, try fixture("mha_probs"), atol: 1e-5, "probabilities, additive mask")
        expectClose(y2, try fixture("mha_y"), atol: 1e-5, rtol: 1e-4, "output, additive mask")
    }

    @Test func learnedAlphaParametrisationMatchesTorch() throws {
        let logits = try fixture("mha_alpha_logits"), alpha = try fixture("mha_alpha")
        for (a, expected) in zip(logits.elements, alpha.elements) {
            #expect(abs(AttentionNormalizer.alpha(fromLogit: a) - expected) <= 1e-7)
        }
    }

    @Test func chunkMaskMatchesTheDocumentedRule() throws {
        let m = ChunkedContext(chunkSize: 4, leftContext: 8).additiveMask(queries: 23, keys: 23)
        expectClose(m, try fixture("mha_mask"), atol: 0, "chunk mask")
        let ctx = ChunkedContext(chunkSize: 4, leftContext: 8)
        #expect(ctx.keyRange(query: 0, keyCount: 23) == 0..<4)      // sees later frames of its own chunk
        #expect(ctx.keyRange(query: 13, keyCount: 23) == 4..<16)    // chunk 3: [12 − 8, 16)
        #expect(ctx.keyRange(query: 22, keyCount: 23) == 12..<23)   // last, partial chunk
        #expect(ChunkedContext(chunkSize: 4, leftContext: nil).keyRange(query: 13, keyCount: 23) == 0..<16)
    }

    @Test func softmaxFullAttentionMatchesTorch() throws {
        let mha = try attention(.softmax, rope: false)
        let ws = AttentionWorkspace()
        var y = Tensor(zeros: []), p = Tensor(zeros: [])
        mha(try fixture("mha_x"), workspace: ws, into: &y, probabilities: &p)
        expectClose(p, try fixture("mha_softmax_probs"), atol: 1e-5, "probabilities")
        expectClose(y, try fixture("mha_softmax_y"), atol: 1e-5, rtol: 1e-4, "output")
        #expect(ws.stats.skippedValueRows == 0)
    }

    @Test func sparsemaxCrossAttentionMatchesTorch() throws {
        let mha = try attention(.sparsemax, rope: false)
        let ws = AttentionWorkspace()
        var y = Tensor(zeros: []), p = Tensor(zeros: [])
        mha.crossAttention(queries: try fixture("cross_q"), keys: try fixture("cross_kv"), workspace: ws, into: &y, probabilities: &p)
        #expect(p.shape == [4, 5, 11] && y.shape == [5, 24])
        expectClose(p, try fixture("cross_probs"), atol: 1e-5, "probabilities")
        expectClose(y, try fixture("cross_y"), atol: 1e-5, rtol: 1e-4, "output")
        var y2 = Tensor(zeros: [])
        mha.crossAttention(queries: try fixture("cross_q"), keys: try fixture("cross_kv"), workspace: ws, into: &y2)
        #expect(y2 == y)
    }

    @Test(arguments: [AttentionNormalizer.sparsemax, .entmax15, .entmax(alpha: [1.1, 1.4, 1.7, 1.95])])
    func skippingZeroRowsGivesTheSameResult(normalizer: AttentionNormalizer) throws {
        var rng = SeededRandom(seed: 99)
        var mha = try attention(normalizer, rope: true)
        let x = rng.tensor([64, 24], scale: 3)
        let ws = AttentionWorkspace()
        var dense = Tensor(zeros: []), sparse = Tensor(zeros: [])
        mha.skipZeros = false
        mha(x, mask: .chunked(ChunkedContext(chunkSize: 8, leftContext: 24)), workspace: ws, into: &dense)
        #expect(ws.stats.skippedValueRows == 0)
        mha.skipZeros = true
        mha.sparseThreshold = 0  // always take the sparse path
        ws.resetStats()
        mha(x, mask: .chunked(ChunkedContext(chunkSize: 8, leftContext: 24)), workspace: ws, into: &sparse)
        #expect(ws.stats.skippedValueRows == ws.stats.zeroWeights && ws.stats.zeroWeights > 0)
        expectClose(sparse, dense, atol: 1e-6, rtol: 1e-5, "sparse vs dense value product")
    }

    @Test func fullyMaskedQueriesGiveFiniteOutput() throws {
        let mha = try attention(.entmax(alpha: [1.3]), rope: false)
        var rng = SeededRandom(seed: 5)
        let x = rng.tensor([3, 24])
        var mask = Tensor(zeros: [3, 3])
        for j in 0..<3 { mask[1, j] = -.infinity }  // query 1 sees nothing
        var y = Tensor(zeros: []), p = Tensor(zeros: [])
        mha(x, mask: .additive(mask), workspace: AttentionWorkspace(), into: &y, probabilities: &p)
        #expect(y.elements.allSatisfy { $0.isFinite })
        for h in 0..<4 { for j in 0..<3 { #expect(p[h, 1, j] == 0) } }
        // With no weights its context is zero, so its output is the output bias.
        let bo = try fixture("mha_bo")
        for c in 0..<24 { #expect(abs(y[1, c] - bo.data[c]) < 1e-5) }
    }
}

@Suite struct PackedProjectionTests {
    @Test func packedInputProjectionEqualsSeparateLinears() throws {
        let ws = ["q", "k", "v"].map { try! fixture("mha_w\($0)") }
        let bs = ["q", "k", "v"].map { try! fixture("mha_b\($0)") }
        let packed = MultiHeadAttention(inProjectionWeight: Tensor(shape: [72, 24], data: ws.flatMap { $0.data }),
                                        inProjectionBias: Tensor(shape: [72], data: bs.flatMap { $0.data }),
                                        output: try linearFixture("mha_wo", "mha_bo"), heads: 4, normalizer: .softmax)
        var y = Tensor(zeros: [])
        packed(try fixture("mha_x"), workspace: AttentionWorkspace(), into: &y)
        expectClose(y, try fixture("mha_softmax_y"), atol: 1e-5, rtol: 1e-4, "packed projection")
    }
}
