import Testing
@testable import NeuralEngine

/// Chunk-by-chunk processing equals the offline pass.
@Suite struct StreamingTests {
    func randomAttention(_ rng: inout SeededRandom, d: Int, heads: Int, normalizer: AttentionNormalizer) -> MultiHeadAttention {
        func linear() -> Linear {
            Linear(weight: rng.tensor([d, d], scale: 1.5 / Float(d).squareRoot()), bias: rng.tensor([d], scale: 0.1))
        }
        return MultiHeadAttention(query: linear(), key: linear(), value: linear(), output: linear(), heads: heads,
                                  rotary: RotaryEmbedding(headDim: d / heads), normalizer: normalizer)
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6])
    func chunkedStreamingEqualsOffline(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let normalizers: [AttentionNormalizer] = [.softmax, .sparsemax, .entmax15, .entmax(alpha: [1.2, 1.5, 1.8, 2.0])]
        let mha = randomAttention(&rng, d: 32, heads: 4, normalizer: normalizers[Int(seed) % normalizers.count])
        let chunk = Int.random(in: 1...9, using: &rng)
        let left = chunk * Int.random(in: 0...4, using: &rng) + Int.random(in: 0...2, using: &rng)
        let context = ChunkedContext(chunkSize: chunk, leftContext: left)
        let frames = Int.random(in: 20...90, using: &rng)
        let x = rng.tensor([frames, 32], scale: 2)

        var offline = Tensor(zeros: [])
        mha(x, mask: .chunked(context), workspace: AttentionWorkspace(), into: &offline)
        // The offline chunked pass equals full attention under the equivalent additive mask.
        var masked = Tensor(zeros: [])
        mha(x, mask: .additive(context.additiveMask(queries: frames, keys: frames)), workspace: AttentionWorkspace(), into: &masked)
        expectClose(offline, masked, atol: 1e-5, rtol: 1e-4, "chunked vs additive mask (C=\(chunk), L=\(left))")

        // Stream: calls of a random number of whole chunks, the last one possibly partial.
        var cache = KVCache(for: mha, context: context)
        let ws = AttentionWorkspace()
        var streamed = [Float](), y = Tensor(zeros: [])
        var t = 0
        while t < frames {
            let n = min(frames - t, chunk * Int.random(in: 1...3, using: &rng))
            mha.stream(rows(x, t, n), context: context, cache: &cache, workspace: ws, into: &y)
            streamed += y.elements
            t += n
        }
        #expect(cache.frames == frames)
        // sgemm may round the projections of a short chunk differently from the whole sequence;
        // α-entmax with small α amplifies that, so the tolerance is relative to the output scale.
        let scale = offline.elements.map(abs).max() ?? 1
        expectClose(Tensor(shape: [frames, 32], data: streamed), offline, atol: 1e-5 * scale, rtol: 1e-4,
                    "streamed vs offline (C=\(chunk), L=\(left), T=\(frames))")
    }

    @Test func cacheHoldsOnlyLeftContextPlusOneChunk() {
        var rng = SeededRandom(seed: 8)
        let mha = randomAttention(&rng, d: 16, heads: 2, normalizer: .softmax)
        let context = ChunkedContext(chunkSize: 4, leftContext: 8)
        var cache = KVCache(for: mha, context: context)
        #expect(cache.capacity == 12)
        let ws = AttentionWorkspace()
        var y = Tensor(zeros: [])
        for _ in 0..<50 { mha.stream(rng.tensor([4, 16]), context: context, cache: &cache, workspace: ws, into: &y) }
        #expect(cache.frames == 200 && cache.capacity == 12)
        // Each chunk of 4 queries saw at most 12 keys: work per chunk does not grow with history.
        #expect(ws.stats.valueRows <= 50 * 2 * 4 * 12)
        #expect(ws.stats.valueRows == (2 * 4 * 4) + (2 * 4 * 8) + 48 * (2 * 4 * 12))
    }

    @Test(arguments: [UInt64(21), 22, 23])
    func streamingConv1dEqualsOffline(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        for (cin, cout, groups, k) in [(6, 6, 6, 5), (6, 4, 2, 3), (3, 5, 1, 4)] {
            let conv = Conv1d(weight: rng.tensor([cout, cin / groups, k]), bias: rng.tensor([cout]), groups: groups, causal: true)
            let frames = Int.random(in: 10...60, using: &rng)
            let x = rng.tensor([frames, cin])
            var offline = Tensor(zeros: []), scratch: [Float] = []
            conv(x, into: &offline, scratch: &scratch)
            var stream = Conv1dStream(conv)
            var out = [Float](), y = Tensor(zeros: [])
            var t = 0
            while t < frames {
                let n = min(frames - t, Int.random(in: 1...7, using: &rng))
                stream.process(rows(x, t, n), into: &y)
                out += y.elements
                t += n
            }
            expectClose(Tensor(shape: [frames, cout], data: out), offline, atol: 1e-5, rtol: 1e-5, "conv1d groups \(groups) k \(k)")
        }
    }

    @Test func streamingConv2dEqualsOffline() {
        var rng = SeededRandom(seed: 31)
        let conv = Conv2d(weight: rng.tensor([3, 2, 3, 3]), bias: rng.tensor([3]), strideFreq: 2, padFreq: 1)
        let x = rng.tensor([25, 2, 13])
        var offline = Tensor(zeros: []), scratch: [Float] = []
        conv(x, into: &offline, scratch: &scratch)
        var stream = Conv2dStream(conv, bins: 13)
        var out = [Float](), y = Tensor(zeros: [])
        var t = 0
        while t < 25 {
            let n = min(25 - t, Int.random(in: 1...5, using: &rng))
            stream.process(rows(x, t, n), into: &y)
            out += y.elements
            t += n
        }
        expectClose(Tensor(shape: offline.shape, data: out), offline, atol: 1e-5, rtol: 1e-5, "conv2d stream")
    }
}
