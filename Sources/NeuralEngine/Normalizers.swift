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

    @inline(__always) @usableFromInline
    static func rowMax(_ x: UnsafeMutablePointer<Float>, _ n: Int) -> Float {
        var m = -Float.infinity
        for i in 0..<n where x[i] > m { m = x[i] }
        return m
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

    /// α-entmax by bisection on τ, following `entmax.entmax_bisect` (Correia et al. 2019):
    /// z = (α−1)·x; τ ∈ [max z − 1, max z − (1/n)^(α−1)] halved `iterations` times keeping
    /// Σ [z − τ]₊^(1/(α−1)) ≥ 1; p = [z − τ]₊^(1/(α−1)) at the last midpoint, divided by its sum.
    /// Here n counts every entry of the row, masked ones included, as the reference does.
    /// Stops early once the midpoint no longer moves in float32 (later iterations could not change
    /// the result), drops entries below the lower bound from the sums (they contribute 0) and
    /// stops a sum once it reaches 1 (its sign test is then decided).
    public static func entmaxBisect(_ x: UnsafeMutablePointer<Float>, count n: Int, alpha: Float, iterations: Int = 50,
                                    scratch: UnsafeMutablePointer<Float>) {
        let m = rowMax(x, n)
        guard m > -Float.infinity else { zero(x, n); return }
        let am1 = alpha - 1
        let inv = 1 / am1
        let maxZ = m * am1
        var tauLo = maxZ - 1
        let tauHi = maxZ - powf(Float(1.0 / Double(n)), am1)
        var dm = tauHi - tauLo

        // Candidates: z values above the lower bound.
        var c = 0
        for i in 0..<n {
            let z = x[i] * am1
            if z > tauLo { scratch[c] = z; c += 1 }
        }
        let sorted = c > 8 && c * 4 > n  // worth sorting: large terms first end the sums early
        if sorted { sortDescending(scratch, c) }
        var tau = tauLo
        let mode = inv == 1 ? 1 : (inv == 2 ? 2 : 0)
        for _ in 0..<iterations {
            dm /= 2
            let tauM = tauLo + dm
            tau = tauM
            if tauM == tauLo { break }
            var s: Float = 0
            switch mode {
            case 1: for j in 0..<c { s += max(scratch[j] - tauM, 0) }
            case 2: for j in 0..<c { let d = max(scratch[j] - tauM, 0); s += d * d }
            default:
                // Terms are ≥ 0, so once the partial sum reaches 1 the test below is decided.
                for j in 0..<c {
                    let d = scratch[j] - tauM
                    if d > 0 {
                        s += powf(d, inv)
                        if s >= 1 { break }
                    }
                }
            }
            if s - 1 >= 0 {
                tauLo = tauM
                if sorted {
                    while c > 0 && !(scratch[c - 1] > tauM) { c -= 1 }
                } else {
                    var w = 0
                    for j in 0..<c where scratch[j] > tauM { scratch[w] = scratch[j]; w += 1 }
                    c = w
                }
            }
        }
        var s: Float = 0
        for i in 0..<n {
            let d = x[i] * am1 - tau
            var p: Float = 0
            if d > 0 {
                switch mode {
                case 1: p = d
                case 2: p = d * d
                default: p = powf(d, inv)
                }
            }
            x[i] = p
            s += p
        }
        guard s > 0 else { zero(x, n); return }
        let r = 1 / s
        for i in 0..<n { x[i] *= r }
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
