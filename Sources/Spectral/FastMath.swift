#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Natural log and `x^p` for positive normal floats, as branch-free scalar loops that LLVM
/// vectorises (Cephes `logf`/`expf` polynomials). `log` is within ~2e-7 of libm; `x^p` =
/// `exp(p·ln x)` has relative error ≤ 2e-7 + 1.2e-7·|p·ln x| (≤ 5e-7 for |X|^0.3 of audio). Elements that are
/// zero, subnormal, infinite or NaN are recomputed with the C library afterwards, so special
/// values behave exactly as `logf`/`powf`.
enum FastMath {
    /// ln(x), valid for positive normal `x`.
    @inline(__always)
    static func log(_ x: Float) -> Float {
        let bits = x.bitPattern
        let e0 = Int32(bitPattern: bits >> 23) &- 126                 // x = m · 2^e, m ∈ [0.5, 1)
        let m0 = Float(bitPattern: (bits & 0x007F_FFFF) | 0x3F00_0000)
        let small = m0 < 0.707106781186547524
        let e = small ? e0 &- 1 : e0
        let f = (small ? m0 + m0 : m0) - 1
        let z = f * f
        var y: Float = 7.0376836292e-2
        y = y * f - 1.1514610310e-1
        y = y * f + 1.1676998740e-1
        y = y * f - 1.2420140846e-1
        y = y * f + 1.4249322787e-1
        y = y * f - 1.6668057665e-1
        y = y * f + 2.0000714765e-1
        y = y * f - 2.4999993993e-1
        y = y * f + 3.3333331174e-1
        y = y * f * z
        let ef = Float(e)
        y += -2.12194440e-4 * ef
        y += -0.5 * z
        return f + y + 0.693359375 * ef
    }

    /// exp(x), valid for |x| < 87.
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        // Round x·log2(e) to the nearest integer with the 1.5·2^23 trick (no float→int trap).
        let shifted = x * 1.44269504088896341 + 12_582_912
        let n = shifted - 12_582_912
        let ni = Int32(bitPattern: shifted.bitPattern) &- 0x4B40_0000
        var r = x - n * 0.693359375
        r -= n * -2.12194440e-4
        let z = r * r
        var p: Float = 1.9875691500e-4
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        p = p * z + r + 1
        return p * Float(bitPattern: UInt32(bitPattern: (ni &+ 127) &<< 23))
    }

    @inline(__always)
    static func isFastLogInput(_ x: Float) -> Bool {
        x >= Float.leastNormalMagnitude && x <= Float.greatestFiniteMagnitude
    }

    /// `out[i] = x[i]^p` for `0 < p ≤ 1`. `out` must not overlap `x` (or the loop runs scalar).
    static func pow(_ x: UnsafePointer<Float>, _ p: Float, into out: UnsafeMutablePointer<Float>, count: Int) {
        var special = false
        for i in 0..<count {
            let v = x[i]
            special = special || !isFastLogInput(v)
            out[i] = exp(p * log(v))
        }
        if special {
            for i in 0..<count where !isFastLogInput(x[i]) || !isFastLogInput(out[i]) {
                out[i] = powf(x[i], p)
            }
        }
    }

    /// `out[i] = ln(x[i] + floor)`. `out` must not overlap `x` (or the loop runs scalar).
    static func logPlus(_ x: UnsafePointer<Float>, _ floor: Float, into out: UnsafeMutablePointer<Float>, count: Int) {
        var special = false
        for i in 0..<count {
            let v = x[i] + floor
            special = special || !isFastLogInput(v)
            out[i] = log(v)
        }
        if special {
            for i in 0..<count where !isFastLogInput(x[i] + floor) { out[i] = logf(x[i] + floor) }
        }
    }
}
