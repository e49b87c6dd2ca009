/// Small vector kernels of the hot path, written with `SIMD8<Float>` so they vectorise without
/// depending on the optimiser (the loops run once per frame and must allocate nothing).
enum Kernels {
    /// `out[i] = a[i] · b[i]` for `i < count`. `out` may not alias `a` or `b`.
    @inline(__always)
    static func multiply(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                         into out: UnsafeMutablePointer<Float>, count: Int) {
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b), ro = UnsafeMutableRawPointer(out)
        var i = 0
        while i + 8 <= count {
            let v = ra.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
                * rb.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            ro.storeBytes(of: v, toByteOffset: 4 * i, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count { out[i] = a[i] * b[i]; i += 1 }
    }

    /// `out[k] = re[k]² + im[k]²` from `bins` interleaved complex values.
    @inline(__always)
    static func power(_ complex: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, bins: Int) {
        let rc = UnsafeRawPointer(complex), ro = UnsafeMutableRawPointer(out)
        var k = 0
        while k + 8 <= bins {
            let v = rc.loadUnaligned(fromByteOffset: 8 * k, as: SIMD16<Float>.self)
            let re = v.evenHalf, im = v.oddHalf
            ro.storeBytes(of: re * re + im * im, toByteOffset: 4 * k, as: SIMD8<Float>.self)
            k += 8
        }
        while k < bins {
            let re = complex[2 * k], im = complex[2 * k + 1]
            out[k] = re * re + im * im
            k += 1
        }
    }

    /// `out[k] = √(re[k]² + im[k]²)` from `bins` interleaved complex values.
    @inline(__always)
    static func magnitude(_ complex: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, bins: Int) {
        let rc = UnsafeRawPointer(complex), ro = UnsafeMutableRawPointer(out)
        var k = 0
        while k + 8 <= bins {
            let v = rc.loadUnaligned(fromByteOffset: 8 * k, as: SIMD16<Float>.self)
            let re = v.evenHalf, im = v.oddHalf
            ro.storeBytes(of: (re * re + im * im).squareRoot(), toByteOffset: 4 * k, as: SIMD8<Float>.self)
            k += 8
        }
        while k < bins {
            let re = complex[2 * k], im = complex[2 * k + 1]
            out[k] = (re * re + im * im).squareRoot()
            k += 1
        }
    }
}

extension Kernels {
    /// `acc[i] += a[i] · b[i]` and `norm[i] += w[i]` for `i < count` (overlap-add of one frame).
    @inline(__always)
    static func overlapAdd(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                           acc: UnsafeMutablePointer<Float>, norm: UnsafeMutablePointer<Float>, count: Int) {
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b), rw = UnsafeRawPointer(w)
        let racc = UnsafeMutableRawPointer(acc), rnorm = UnsafeMutableRawPointer(norm)
        var i = 0
        while i + 8 <= count {
            let o = 4 * i
            let s = racc.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                + ra.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            racc.storeBytes(of: s, toByteOffset: o, as: SIMD8<Float>.self)
            let n = rnorm.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) + rw.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            rnorm.storeBytes(of: n, toByteOffset: o, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count { acc[i] += a[i] * b[i]; norm[i] += w[i]; i += 1 }
    }
}
