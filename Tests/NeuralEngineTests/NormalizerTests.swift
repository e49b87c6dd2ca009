import Testing
@testable import NeuralEngine

/// Softmax, sparsemax and α-entmax against the `entmax` package (fixtures), plus edge cases.
@Suite struct NormalizerTests {
    let logits: Tensor
    init() throws { logits = try fixture("norm_logits") }

    func run(_ n: AttentionNormalizer, alphaPerRow: [Float]? = nil) -> Tensor {
        var y = Tensor(zeros: [])
        n.apply(logits, alphaPerRow: alphaPerRow, into: &y)
        return y
    }

    @Test func softmaxMatchesTorch() throws {
        expectClose(run(.softmax), try fixture("norm_softmax"), atol: 1e-6, rtol: 1e-5, "softmax")
    }

    @Test func sparsemaxMatchesEntmaxPackage() throws {
        expectClose(run(.sparsemax), try fixture("norm_sparsemax"), atol: 1e-5, "sparsemax")
    }

    @Test func entmax15MatchesEntmaxPackage() throws {
        expectClose(run(.entmax15), try fixture("norm_entmax15"), atol: 1e-5, "entmax15")
    }

    @Test(arguments: [Float(1.01), 1.25, 1.5, 1.75, 2.0])
    func bisectionMatchesEntmaxBisect(alpha: Float) throws {
        let expected = try fixture(String(format: "norm_bisect_%.2f", alpha))
        // The dispatching form (exact paths at 1.5 and 2) and the pure bisection both agree.
        expectClose(run(.entmax(alpha: [alpha])), expected, atol: 1e-5, "entmax α=\(alpha)")
        var y = logits
        let n = logits.shape[1]
        var scratch = [Float](repeating: 0, count: 2 * n)
        y.withMutablePointer { p in scratch.withUnsafeMutableBufferPointer { s in
            for r in 0..<logits.shape[0] {
                Normalize.entmaxBisect(p + r * n, count: n, alpha: alpha, iterations: 50, scratch: s.baseAddress!)
            }
        } }
        expectClose(y, expected, atol: 1e-5, "entmaxBisect α=\(alpha)")
    }

    /// The shipped model's setting: 12 bisection steps, α near 1.
    @Test func twelveStepBisectionMatchesEntmaxBisect() throws {
        let x = try fixture("norm_iter12_logits"), alpha = try fixture("norm_iter12_alpha")
        var y = x
        let n = x.shape[1]
        var scratch = [Float](repeating: 0, count: 2 * n)
        y.withMutablePointer { p in scratch.withUnsafeMutableBufferPointer { s in
            for r in 0..<x.shape[0] {
                Normalize.entmaxBisect(p + r * n, count: n, alpha: alpha.data[r], iterations: 12, scratch: s.baseAddress!)
            }
        } }
        expectClose(y, try fixture("norm_iter12_bisect"), atol: 1e-5, "entmax_bisect n_iter 12")
    }

    /// `entmaxBisect` (root first, then the midpoints replayed) gives what evaluating every
    /// midpoint gives, over α, row lengths, score scales, masks and both iteration counts; so does
    /// it with a root-search start carried from row to row (`offset`), whether the previous row was
    /// similar (the four rows of a case: drawn alike, some scaled) or not (the first row of a case
    /// starts from the previous case's last offset), and with no start at all.
    @Test func rootReplayEqualsDirectBisection() {
        var rng = SeededRandom(seed: 5)
        var rows = 0, differing = 0, worst: Float = 0
        var offset = Float.nan, started = 0
        for iterations in [12, 50] {
            for alpha: Float in [1.01, 1.02, 1.05, 1.1, 1.26, 1.4, 1.7, 1.99] {
                for n in [1, 2, 5, 33, 160, 500] {
                    for scale: Float in [0.01, 0.3, 2, 8, 40] {
                        var a = rng.tensor([4, n], scale: scale).data
                        for j in stride(from: 1, to: n, by: 3) { a[n + j] = -.infinity }  // row 1 partly masked
                        a[3 * n] = a[3 * n + n / 2]                                           // row 3 has a tie
                        for j in 0..<n { a[2 * n + j] = a[j] * 1.05 + 0.01 * Float(j % 7) }   // row 2 like row 0
                        var b = a, c = a
                        var scratch = [Float](repeating: 0, count: 2 * n)
                        scratch.withUnsafeMutableBufferPointer { s in
                            a.withUnsafeMutableBufferPointer { pa in b.withUnsafeMutableBufferPointer { pb in
                                c.withUnsafeMutableBufferPointer { pc in
                                    for r in 0..<4 {
                                        Normalize.entmaxBisect(pa.baseAddress! + r * n, count: n, alpha: alpha,
                                                               iterations: iterations, scratch: s.baseAddress!)
                                        Normalize.entmaxBisectDirect(pb.baseAddress! + r * n, count: n, alpha: alpha,
                                                                     iterations: iterations, scratch: s.baseAddress!)
                                        if offset.isFinite { started += 1 }
                                        Normalize.entmaxBisect(pc.baseAddress! + r * n, count: n, alpha: alpha,
                                                               iterations: iterations, scratch: s.baseAddress!, offset: &offset)
                                    }
                                }
                            } }
                        }
                        for r in 0..<4 {
                            rows += 1
                            var d: Float = 0
                            for j in 0..<n { d = max(d, abs(a[r * n + j] - b[r * n + j]), abs(c[r * n + j] - b[r * n + j])) }
                            if d > 1e-6 { differing += 1 }
                            worst = max(worst, d)
                        }
                    }
                }
            }
        }
        #expect(rows == 1920)
        #expect(started > 1800, "only \(started) rows started from a carried offset")
        #expect(differing == 0, "\(differing) of \(rows) rows differ, worst by \(worst)")
    }

    @Test func perRowAlphaMatchesEntmaxBisect() throws {
        let alpha = try fixture("norm_alpha_rows")
        expectClose(run(.entmax(alpha: [1.5]), alphaPerRow: Array(alpha.elements)), try fixture("norm_bisect_rows"),
                    atol: 1e-5, "per-row α")
    }

    @Test(arguments: [AttentionNormalizer.softmax, .sparsemax, .entmax15, .entmax(alpha: [1.3]), .entmax(alpha: [1.01])])
    func outputsAreDistributionsAndMaskedEntriesAreZero(normalizer: AttentionNormalizer) {
        let y = run(normalizer)
        let n = logits.shape[1]
        for r in 0..<logits.shape[0] {
            var s: Float = 0
            for j in 0..<n {
                let p = y.data[r * n + j]
                #expect(p >= 0 && p.isFinite)
                if logits.data[r * n + j] == -.infinity { #expect(p == 0) }
                s += p
            }
            #expect(abs(s - 1) < 1e-5, "row \(r) sums to \(s)")
        }
    }

    @Test(arguments: [AttentionNormalizer.softmax, .sparsemax, .entmax15, .entmax(alpha: [1.25])])
    func fullyMaskedRowsAreZerosNotNaN(normalizer: AttentionNormalizer) {
        let x = Tensor(shape: [2, 5], data: [0.3, -1, 2, 0.1, 0.5, 0, 0, 0, 0, 0])
        let mask = Tensor(shape: [2, 5], data: [Float](repeating: 0, count: 5) + [Float](repeating: -.infinity, count: 5))
        var y = Tensor(zeros: [])
        normalizer.apply(x, mask: mask, into: &y)
        #expect(Array(y.elements[5..<10]) == [0, 0, 0, 0, 0])
        #expect(y.elements.allSatisfy { !$0.isNaN })
        #expect(abs(y.elements[0..<5].reduce(0, +) - 1) < 1e-5)
    }

    @Test func sparseNormalisersGiveExactZeros() {
        let x = Tensor(shape: [1, 6], data: [5, 4.5, 0, -1, -3, 0.2])
        for n in [AttentionNormalizer.sparsemax, .entmax15, .entmax(alpha: [1.7])] {
            var y = Tensor(zeros: [])
            n.apply(x, into: &y)
            #expect(y.data[3] == 0 && y.data[4] == 0, "\(n): \(y.elements)")
            #expect(y.data[0] > y.data[1] && y.data[1] > 0)
        }
    }

    @Test func entmaxApproachesSoftmaxAndSparsemaxAtTheEnds() {
        var rng = SeededRandom(seed: 7)
        let x = rng.tensor([4, 12], scale: 2)
        var soft = Tensor(zeros: []), near1 = Tensor(zeros: []), sparse = Tensor(zeros: []), near2 = Tensor(zeros: [])
        AttentionNormalizer.softmax.apply(x, into: &soft)
        AttentionNormalizer.entmax(alpha: [1.001]).apply(x, into: &near1)
        AttentionNormalizer.sparsemax.apply(x, into: &sparse)
        AttentionNormalizer.entmax(alpha: [1.9999]).apply(x, into: &near2)
        #expect(soft.maxAbsDifference(near1) < 5e-3)
        #expect(sparse.maxAbsDifference(near2) < 1e-3)
    }
}

/// Rows of 150 scores, from flat to peaked: many support candidates (the stdlib-sort path).
@Suite struct LongRowNormalizerTests {
    @Test func longRowsMatchEntmaxPackage() throws {
        let x = try fixture("norm_long_logits")
        var y = Tensor(zeros: [])
        AttentionNormalizer.sparsemax.apply(x, into: &y)
        expectClose(y, try fixture("norm_long_sparsemax"), atol: 1e-5, "sparsemax, long rows")
        AttentionNormalizer.entmax15.apply(x, into: &y)
        expectClose(y, try fixture("norm_long_entmax15"), atol: 1e-5, "entmax15, long rows")
        AttentionNormalizer.entmax(alpha: [1.33]).apply(x, into: &y)
        expectClose(y, try fixture("norm_long_bisect_1.33"), atol: 1e-5, "entmax α=1.33, long rows")
    }

    @Test func exactAndBisectionPathsAgree() {
        var rng = SeededRandom(seed: 17)
        for scale: Float in [0.05, 0.5, 2, 20] {
            let x = rng.tensor([8, 200], scale: scale)
            var exact = Tensor(zeros: []), bisect = Tensor(zeros: [])
            for (alpha, normalizer) in [(Float(1.5), AttentionNormalizer.entmax15), (2, .sparsemax)] {
                normalizer.apply(x, into: &exact)
                var scratch = [Float](repeating: 0, count: 400)
                bisect = x
                bisect.withMutablePointer { p in scratch.withUnsafeMutableBufferPointer { s in
                    for r in 0..<8 { Normalize.entmaxBisect(p + r * 200, count: 200, alpha: alpha, scratch: s.baseAddress!) }
                } }
                expectClose(exact, bisect, atol: 2e-6, "α=\(alpha) scale \(scale)")
            }
        }
    }

    /// The eight-lane row helpers against plain loops, over lengths around the lane count.
    @Test(arguments: [0, 1, 7, 8, 9, 16, 23, 160])
    func rowHelpersMatchPlainLoops(n: Int) {
        var g = SystemRandomNumberGenerator()
        var x = (0..<n).map { i in i % 3 == 0 ? Float(0) : Float.random(in: -4...4, using: &g) }
        if n > 2 { x[n - 2] = .nan }  // passed over by the maximum, as `x[i] > m` passes it
        var m = -Float.infinity
        for v in x where v > m { m = v }
        let zeros = x.filter { $0 == 0 }.count
        var (rowMax, zeroCount) = (Float(0), 0)
        x.withUnsafeMutableBufferPointer { p in
            rowMax = Normalize.rowMax(p.baseAddress!, n)
            zeroCount = Normalize.zeroCount(p.baseAddress!, n)
        }
        #expect(rowMax == m)
        #expect(zeroCount == zeros)
        if n > 2 { x[n - 2] = 1 }
        let plainSum = x.reduce(0, +)
        var excess = x, scaled = x
        let magnitude = x.map(abs).reduce(0, +)
        let sum = x.withUnsafeBufferPointer { Normalize.rowSum($0.baseAddress!, n) }
        #expect(abs(sum - plainSum) <= 1e-5 * max(1, magnitude))
        excess.withUnsafeMutableBufferPointer { Normalize.scaledExcess($0.baseAddress!, n, times: 0.3, minus: 0.2) }
        scaled.withUnsafeMutableBufferPointer { Normalize.scale($0.baseAddress!, n, by: 0.7) }
        for i in 0..<n {
            #expect(excess[i] == max(x[i] * 0.3 - 0.2, 0))
            #expect(scaled[i] == x[i] * 0.7)
        }
    }
}
