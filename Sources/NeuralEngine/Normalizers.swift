import CVectorMath
import Foundation

/// Maps a row of scores to a probability distribution (the attention weights).
///
/// `α` per head: `.entmax(alpha:)` takes one α per head (or a single α for all heads). α within
/// 1e-6 of 1.5 or 2 uses the exact sort-based entmax-1.5 or sparsemax; any other α in (1, 2]
/// uses bisection, as `entmax.entmax_bisect` (n_iter 50, ensure_sum_one).
public enum AttentionNormalizer: Sendable, Equatable {
    case softmax
    /// Sparsemax (α = 2), exact and sort-based like `entmax.sparsemax`.
    case sparsemax
    /// 1.5-entmax, exact and sort-based like `entmax.entmax15`.
    case entmax15
    /// α-entmax with one α per head (count = heads, or 1 for all heads), each in (1, 2].
    case entmax(alpha: [Float], iterations: Int = 50)

    /// The learned per-head parametrisation: α = clamp(1 + sigmoid(a), 1.01, 2), in float32.
    public static func alpha(fromLogit a: Float) -> Float {
        min(max(1 + 1 / (1 + exp(-a)), 1.01), 2)
    }

    /// Whether the output can hold exact zeros worth skipping.
    public var isSparse: Bool { self != .softmax }
}

/// Row kernels for the normalisers. Each works in place on one row of `n` scores that already
/// include any additive mask (−∞ entries allowed). A row with no finite entry (fully masked)
/// becomes all zeros, never NaN. `scratch` must hold at least `2n` floats.
/// What `Normalize.entmaxBisect` carries from one row to the next of a block: where the root
/// search starts (max z − τ* of the last row; NaN before the first) and the constants of rows of
/// n entries at α, which take a `powf` each.
public struct EntmaxCarry: Sendable {
    public var offset: Float = .nan
    var n = 0
    var alpha: Float = .nan
    var gap: Float = 0            // (1/n)^(α−1): τ's upper bound lies this far below max z
    var negligible: Double = 0    // (1e-12)^(α−1): a term [z − τ]₊^(1/(α−1)) below 1e-12 has z − τ below this

    public init() {}
}

public enum Normalize {
    /// Tolerance within which α selects the exact entmax-1.5 or sparsemax path.
    public static let exactAlphaTolerance: Float = 1e-6

    /// Dispatches on `normalizer` for the row of head `head`.
    @inlinable
    public static func row(_ x: UnsafeMutablePointer<Float>, count n: Int, normalizer: AttentionNormalizer,
                           head: Int, scratch: UnsafeMutablePointer<Float>) {
        switch normalizer {
        case .softmax: softmax(x, count: n)
        case .sparsemax: sparsemax(x, count: n, scratch: scratch)
        case .entmax15: entmax15(x, count: n, scratch: scratch)
        case let .entmax(alpha, iterations):
            entmax(x, count: n, alpha: alpha.count == 1 ? alpha[0] : alpha[head], iterations: iterations, scratch: scratch)
        }
    }

    /// α-entmax with dispatch: exact sparsemax at α ≈ 2, exact entmax-1.5 at α ≈ 1.5, else bisection.
    public static func entmax(_ x: UnsafeMutablePointer<Float>, count n: Int, alpha: Float, iterations: Int = 50,
                              scratch: UnsafeMutablePointer<Float>) {
        if abs(alpha - 2) <= exactAlphaTolerance { sparsemax(x, count: n, scratch: scratch) }
        else if abs(alpha - 1.5) <= exactAlphaTolerance { entmax15(x, count: n, scratch: scratch) }
        else { entmaxBisect(x, count: n, alpha: alpha, iterations: iterations, scratch: scratch) }
    }

    /// The largest entry (NaN entries are passed over, as `x[i] > m` passes them); eight lanes at a time.
    @inline(__always) @usableFromInline
    static func rowMax(_ x: UnsafeMutablePointer<Float>, _ n: Int) -> Float {
        var m8 = SIMD8<Float>(repeating: -.infinity)
        let raw = UnsafeRawPointer(x)
        var i = 0
        while i + 8 <= n {
            let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            m8.replace(with: v, where: v .> m8)
            i += 8
        }
        var m = m8.max()
        while i < n { if x[i] > m { m = x[i] }; i += 1 }
        return m
    }

    /// Σ x[i], eight lanes at a time.
    @inline(__always) @usableFromInline
    static func rowSum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var s8 = SIMD8<Float>()
        let raw = UnsafeRawPointer(x)
        var i = 0
        while i + 8 <= n { s8 += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self); i += 8 }
        var s = s8.sum()
        while i < n { s += x[i]; i += 1 }
        return s
    }

    /// How many entries are exactly 0, eight lanes at a time.
    @inline(__always) @usableFromInline
    static func zeroCount(_ x: UnsafePointer<Float>, _ n: Int) -> Int {
        var c8 = SIMD8<Int32>()
        let raw = UnsafeRawPointer(x)
        var i = 0
        while i + 8 <= n {
            let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            c8 &-= unsafeBitCast(v .== 0, to: SIMD8<Int32>.self)  // a true lane is -1
            i += 8
        }
        var c = Int(c8.wrappedSum())
        while i < n { if x[i] == 0 { c += 1 }; i += 1 }
        return c
    }

    /// x[i] = max(x[i] · a − b, 0), eight lanes at a time.
    @inline(__always) @usableFromInline
    static func scaledExcess(_ x: UnsafeMutablePointer<Float>, _ n: Int, times a: Float, minus b: Float) {
        let raw = UnsafeMutableRawPointer(x)
        let a8 = SIMD8<Float>(repeating: a), b8 = SIMD8<Float>(repeating: b), zero8 = SIMD8<Float>()
        var i = 0
        while i + 8 <= n {
            let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) * a8 - b8
            raw.storeBytes(of: v.replacing(with: zero8, where: .!(v .> zero8)), toByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        while i < n { x[i] = max(x[i] * a - b, 0); i += 1 }
    }

    /// x[i] *= r, eight lanes at a time.
    @inline(__always) @usableFromInline
    static func scale(_ x: UnsafeMutablePointer<Float>, _ n: Int, by r: Float) {
        let raw = UnsafeMutableRawPointer(x)
        var i = 0
        while i + 8 <= n {
            let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) * r
            raw.storeBytes(of: v, toByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        while i < n { x[i] *= r; i += 1 }
    }

    @inline(__always) @usableFromInline
    static func zero(_ x: UnsafeMutablePointer<Float>, _ n: Int) {
        x.update(repeating: 0, count: n)
    }

    /// Softmax: exp(x − max) / Σ exp(x − max).
    public static func softmax(_ x: UnsafeMutablePointer<Float>, count n: Int) {
        let m = rowMax(x, n)
        guard m > -Float.infinity else { zero(x, n); return }
        var s: Float = 0
        for i in 0..<n { let e = exp(x[i] - m); x[i] = e; s += e }
        let inv = 1 / s
        for i in 0..<n { x[i] *= inv }
    }

    /// Copies the entries of x with (x − m)·scale > `floor` into `buf` as (x − m)·scale, sorted
    /// descending. Entries at or below the floor cannot enter the support (τ ≥ −1 after the
    /// shift), so sorting only the rest gives the same threshold as sorting the whole row.
    @inline(__always)
    static func sortedCandidates(_ x: UnsafeMutablePointer<Float>, _ n: Int, minus m: Float, scale: Float,
                                 floor: Float, into buf: UnsafeMutablePointer<Float>) -> Int {
        var k = 0
        for i in 0..<n {
            let z = (x[i] - m) * scale
            if z > floor { buf[k] = z; k += 1 }
        }
        sortDescending(buf, k)
        return k
    }

    /// Sorts k floats descending: insertion sort for short lists, the standard library otherwise.
    @inline(__always)
    static func sortDescending(_ buf: UnsafeMutablePointer<Float>, _ k: Int) {
        if k > 48 {
            var b = UnsafeMutableBufferPointer(start: buf, count: k)
            b.sort(by: >)
            return
        }
        for i in 1..<max(k, 1) {
            let v = buf[i]
            var j = i - 1
            while j >= 0 && buf[j] < v { buf[j + 1] = buf[j]; j -= 1 }
            buf[j + 1] = v
        }
    }

    /// Candidates lie above −1 in the shifted scale; the margin keeps borderline entries, which
    /// the support test then evaluates exactly as the reference does.
    @usableFromInline static let candidateFloor: Float = -1.001

    /// Sparsemax (Martins & Astudillo 2016), exact: sort, threshold τ from the support, [x − τ]₊.
    /// Follows `entmax.sparsemax` step by step (shift by the max, float32 cumulative sums).
    public static func sparsemax(_ x: UnsafeMutablePointer<Float>, count n: Int, scratch: UnsafeMutablePointer<Float>) {
        let m = rowMax(x, n)
        guard m > -Float.infinity else { zero(x, n); return }
        let k = sortedCandidates(x, n, minus: m, scale: 1, floor: candidateFloor, into: scratch)
        var cum: Float = 0
        var support = 0
        var tauNumerator: Float = 0
        for j in 0..<k {
            cum += scratch[j]
            let c = cum - 1
            if Float(j + 1) * scratch[j] > c { support += 1 }
            scratch[n + j] = c
        }
        tauNumerator = scratch[n + support - 1]
        let tau = tauNumerator / Float(support)
        for i in 0..<n { x[i] = max((x[i] - m) - tau, 0) }
    }

    /// 1.5-entmax (Peters et al. 2019), exact sort-based, following `entmax.entmax15`:
    /// z = (x − max)/2, τ from running means, p = [z − τ]₊².
    public static func entmax15(_ x: UnsafeMutablePointer<Float>, count n: Int, scratch: UnsafeMutablePointer<Float>) {
        let m = rowMax(x, n)
        guard m > -Float.infinity else { zero(x, n); return }
        let k = sortedCandidates(x, n, minus: m, scale: 0.5, floor: candidateFloor, into: scratch)
        var cum: Float = 0, cumSq: Float = 0
        var support = 0
        for j in 0..<k {
            let v = scratch[j]
            cum += v
            cumSq += v * v
            let rho = Float(j + 1)
            let mean = cum / rho
            let meanSq = cumSq / rho
            let ss = rho * (meanSq - mean * mean)
            let delta = (1 - ss) / rho
            let tau = mean - max(delta, 0).squareRoot()
            scratch[n + j] = tau
            if tau <= v { support += 1 }
        }
        let tau = scratch[n + support - 1]
        for i in 0..<n {
            let d = max((x[i] - m) / 2 - tau, 0)
            x[i] = d * d
        }
    }

    /// α-entmax by bisection on τ, giving the result of `entmax.entmax_bisect` (Correia et al. 2019):
    /// z = (α−1)·x; τ ∈ [max z − 1, max z − (1/n)^(α−1)] halved `iterations` times keeping
    /// S(τ) = Σ [z − τ]₊^(1/(α−1)) ≥ 1; p = [z − τ]₊^(1/(α−1)) at the last midpoint, divided by its sum.
    /// Here n counts every entry of the row, masked ones included, as the reference does.
    ///
    /// Instead of evaluating S at every midpoint, this finds the root τ* of S(τ) = 1 first
    /// (safeguarded Newton on log S, a few sums), then replays the reference's midpoints: S is
    /// decreasing, so a midpoint clearly below τ* keeps S ≥ 1 and one clearly above does not; only a
    /// midpoint within `tolerance` of τ* has its sum evaluated, as the reference would. The result is
    /// the reference's last midpoint (`entmaxBisectDirect` is the plain replay, kept for tests).
    public static func entmaxBisect(_ x: UnsafeMutablePointer<Float>, count n: Int, alpha: Float, iterations: Int = 50,
                                    scratch: UnsafeMutablePointer<Float>) {
        var carry = EntmaxCarry()
        bisect(x, count: n, alpha: alpha, iterations: iterations, scratch: scratch, rootFirst: true, carry: &carry)
    }

    /// `entmaxBisect` for a sequence of similar rows (the queries of one head over the same keys):
    /// `offset` carries max z − τ* from one row to the next (NaN before the first), where the root
    /// search starts. The result is the same as without it; only the number of sums changes.
    public static func entmaxBisect(_ x: UnsafeMutablePointer<Float>, count n: Int, alpha: Float, iterations: Int = 50,
                                    scratch: UnsafeMutablePointer<Float>, offset: inout Float) {
        var carry = EntmaxCarry()
        carry.offset = offset
        bisect(x, count: n, alpha: alpha, iterations: iterations, scratch: scratch, rootFirst: true, carry: &carry)
        offset = carry.offset
    }

    /// `entmaxBisect` for a sequence of similar rows, carrying the root search's start (as `offset`
    /// above) and the row constants that need a `powf` (kept while n and α stay the same).
    public static func entmaxBisect(_ x: UnsafeMutablePointer<Float>, count n: Int, alpha: Float, iterations: Int = 50,
                                    scratch: UnsafeMutablePointer<Float>, carry: inout EntmaxCarry) {
        bisect(x, count: n, alpha: alpha, iterations: iterations, scratch: scratch, rootFirst: true, carry: &carry)
    }

    /// The reference's bisection replayed directly: S evaluated at every midpoint. Slower than
    /// `entmaxBisect`, which must give the same result; kept to test that.
    public static func entmaxBisectDirect(_ x: UnsafeMutablePointer<Float>, count n: Int, alpha: Float, iterations: Int = 50,
                                          scratch: UnsafeMutablePointer<Float>) {
        var carry = EntmaxCarry()
        bisect(x, count: n, alpha: alpha, iterations: iterations, scratch: scratch, rootFirst: false, carry: &carry)
    }

    /// The reference's midpoints, each decided against the root τ* when `rootFirst` (a sum only
    /// within `tolerance` of it), else by its sum.
    @inline(__always)
    static func bisect(_ x: UnsafeMutablePointer<Float>, count n: Int, alpha: Float, iterations: Int,
                       scratch: UnsafeMutablePointer<Float>, rootFirst: Bool, carry: inout EntmaxCarry) {
        let m = rowMax(x, n)
        guard m > -Float.infinity else { zero(x, n); return }
        let am1 = alpha - 1
        let inv = 1 / am1
        let maxZ = m * am1
        var tauLo = maxZ - 1
        if carry.n != n || carry.alpha != alpha {
            carry.n = n
            carry.alpha = alpha
            carry.gap = powf(Float(1.0 / Double(n)), am1)
            carry.negligible = Double(powf(1e-12, am1))
        }
        let tauHi = maxZ - carry.gap
        var dm = tauHi - tauLo

        // Candidates: z values above the lower bound (the others are 0 for every τ tried).
        var c = 0
        for i in 0..<n {
            let z = x[i] * am1
            if z > tauLo { scratch[c] = z; c += 1 }
        }
        // The reference's float32 sums decide a midpoint within about 1e-5 of the bracket of the
        // root; midpoints that near the root get their sum. The root itself need only be known to a
        // fraction of that.
        let tolerance = Double(dm) * 2e-5 + Double(abs(maxZ) + 1) * 1e-6
        var root = Double.nan
        if rootFirst {
            root = entmaxRoot(scratch, count: c, exponent: inv, lo: tauLo, hi: tauHi, start: Double(maxZ) - Double(carry.offset),
                              precision: tolerance / 8, negligible: carry.negligible, work: scratch + n)
            carry.offset = Float(Double(maxZ) - root)
        }
        var tau = tauLo
        for _ in 0..<iterations {
            dm /= 2
            let tauM = tauLo + dm
            tau = tauM
            if tauM == tauLo { break }
            let t = Double(tauM)
            let keeps: Bool
            if t < root - tolerance { keeps = true }  // false for both tests when there is no root (NaN)
            else if t > root + tolerance { keeps = false }
            else { keeps = powerSum(scratch, count: c, minus: tauM, exponent: inv) - 1 >= 0 }
            if keeps { tauLo = tauM }
        }
        finishEntmax(x, count: n, am1: am1, exponent: inv, tau: tau, work: scratch + n)
    }

    /// S(τ) = Σ [z − τ]₊^e in float32, stopping once it reaches 1 (terms are ≥ 0, so the test
    /// S − 1 ≥ 0 is then decided).
    @inline(__always)
    static func powerSum(_ z: UnsafeMutablePointer<Float>, count c: Int, minus tau: Float, exponent e: Float) -> Float {
        var s: Float = 0
        if e == 1 {
            for j in 0..<c { s += max(z[j] - tau, 0) }
        } else if e == 2 {
            for j in 0..<c { let d = max(z[j] - tau, 0); s += d * d }
        } else {
            for j in 0..<c {
                let d = z[j] - tau
                if d > 0 {
                    s += powf(d, e)
                    if s >= 1 { break }
                }
            }
        }
        return s
    }

    /// The root of S(τ) = Σ [z − τ]₊^e = 1 in [lo, hi] (S(lo) ≥ 1 ≥ S(hi)), to about 1e-7 of the
    /// bracket or a few float32 steps of τ, or to `precision` when that is coarser: Newton on log
    /// S, which is nearly linear in τ even for large e, falling back to halving when a step leaves
    /// the bracket. Newton's last step is taken without a sum after it: once steps are within
    /// `precision` the error left is of the order of the step squared. It starts at `start` when that
    /// lies inside the bracket (a guess from a similar row), else (NaN included) at `lo`. Candidates whose term stays
    /// below 1e-12 for every τ still possible are dropped from the sums as the bracket's lower end
    /// rises. `work` holds c floats.
    static func entmaxRoot(_ z: UnsafePointer<Float>, count c0: Int, exponent e: Float, lo lo0: Float, hi hi0: Float,
                           start: Double, precision: Double = 0, negligible given: Double? = nil,
                           work: UnsafeMutablePointer<Float>) -> Double {
        var lo = Double(lo0), hi = Double(hi0)
        guard hi > lo else { return lo }
        work.update(from: z, count: c0)
        var c = c0
        let ed = Double(e)
        let negligible = given ?? Double(powf(1e-12, 1 / e))  // d below this: d^e < 1e-12
        // Newton's step stops mattering at a few float32 steps of τ (the sums see τ in float32).
        let stop = max((hi - lo) * 1e-7, max(abs(lo), abs(hi)) * 5e-7, precision)
        var t = start > lo && start < hi ? start : lo
        // Terms go through libmvec's vector powf a block at a time: d = [z − t]₊, q = d^(e−1).
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * rootBlock) { buf in
            let dBuf = buf.baseAddress!, qBuf = dBuf + rootBlock
            for _ in 0..<60 {
                // S and S' / (−e) = Σ d^(e−1) at t.
                var s = 0.0, s1 = 0.0
                let tf = Float(t)
                if e == 1 {
                    for j in 0..<c { let d = work[j] - tf; if d > 0 { s += Double(d); s1 += 1 } }
                } else {
                    var j0 = 0
                    while j0 < c {
                        let k = min(rootBlock, c - j0)
                        for i in 0..<k { dBuf[i] = max(work[j0 + i] - tf, 0) }
                        attend_vm_powf_log2(dBuf, e - 1, qBuf, k)
                        // Eight float lanes per block, then double: only the root's accuracy depends on
                        // the order of these sums (the replay decides near it by the reference's sums).
                        var a1 = SIMD8<Float>(), a0 = SIMD8<Float>()
                        var i = 0
                        while i + 8 <= k {
                            let q = UnsafeRawPointer(qBuf + i).loadUnaligned(as: SIMD8<Float>.self)
                            let d = UnsafeRawPointer(dBuf + i).loadUnaligned(as: SIMD8<Float>.self)
                            a1 += q
                            a0 += q * d
                            i += 8
                        }
                        var b1 = Double(a1.sum()), b0 = Double(a0.sum())
                        while i < k { b1 += Double(qBuf[i]); b0 += Double(qBuf[i]) * Double(dBuf[i]); i += 1 }
                        s1 += b1
                        s += b0
                        j0 += k
                    }
                }
                if s >= 1 {
                    lo = t
                    // Terms already negligible at lo only shrink further.
                    let cut = Float(lo + negligible)
                    var w = 0
                    for j in 0..<c where work[j] > cut { work[w] = work[j]; w += 1 }
                    c = w
                } else { hi = t }
                if hi - lo <= stop || s == 1 { break }
                var next = s1 > 0 && s > 0 ? t + log(s) * s / (ed * s1) : .nan
                if !(next > lo && next < hi) { next = 0.5 * (lo + hi) }
                if abs(next - t) <= stop { t = next; break }
                t = next
            }
            return t
        }
    }

    @usableFromInline static let rootBlock = 64

    /// p = [(α−1)x − τ]₊^(1/(α−1)) over the whole row, normalised to sum 1.
    @inline(__always)
    static func finishEntmax(_ x: UnsafeMutablePointer<Float>, count n: Int, am1: Float, exponent inv: Float, tau: Float,
                             work: UnsafeMutablePointer<Float>) {
        var s: Float = 0
        if inv == 1 || inv == 2 {
            for i in 0..<n {
                let d = max(x[i] * am1 - tau, 0)
                let p = inv == 1 ? d : d * d
                x[i] = p
                s += p
            }
        } else {
            // The whole row through the vector power (its zeros stay 0 there at no extra cost).
            scaledExcess(x, n, times: am1, minus: tau)
            attend_vm_powf_log2(x, inv, x, n)
            s = rowSum(x, n)
        }
        guard s > 0 else { zero(x, n); return }
        scale(x, n, by: 1 / s)
    }
}

extension AttentionNormalizer {
    /// Normalises every row of `x` (shape `(..., n)`) into `y`, after adding `mask` (same shape as
    /// x, or `(n)` broadcast, or nil). `alphaPerRow` overrides α for `.entmax` row by row (for tests
    /// and tools; attention passes the head's α).
    public func apply(_ x: Tensor, mask: Tensor? = nil, alphaPerRow: [Float]? = nil, into y: inout Tensor) {
        let n = x.shape.last ?? 1
        let rows = n == 0 ? 0 : x.count / n
        y.resize(x.shape)
        if let mask { precondition(mask.count == x.count || mask.count == n, "normalizer: mask \(mask.shape) for \(x.shape)") }
        var scratch = [Float](repeating: 0, count: 2 * max(n, 1))
        x.withPointer { px in y.withMutablePointer { py in scratch.withUnsafeMutableBufferPointer { sp in
            for r in 0..<rows {
                let row = py + r * n
                row.update(from: px + r * n, count: n)
                if let mask {
                    mask.withPointer { pm in
                        let mr = mask.count == n ? pm : pm + r * n
                        for i in 0..<n { row[i] += mr[i] }
                    }
                }
                if let alphaPerRow, case let .entmax(_, iterations) = self {
                    Normalize.entmax(row, count: n, alpha: alphaPerRow[r], iterations: iterations, scratch: sp.baseAddress!)
                } else {
                    Normalize.row(row, count: n, normalizer: self, head: 0, scratch: sp.baseAddress!)
                }
            }
        } } }
    }
}
