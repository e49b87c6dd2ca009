/// A fully connected layer, y = x · Wᵀ + b, with PyTorch's weight layout `(out, in)`.
public struct Linear: Sendable {
    /// Weight, shape `(outFeatures, inFeatures)`.
    public let weight: Tensor
    /// Bias, shape `(outFeatures)`, or nil.
    public let bias: Tensor?
    /// The weight transposed, `(inFeatures, outFeatures)`: what the products of two rows or more
    /// read. OpenBLAS multiplies a few rows by it (no transpose) two to three times faster than by
    /// `weight` transposed (8 rows: 9 µs against 23 µs for a 128 → 512 layer), as its
    /// small-matrix kernels take that layout; from about 32 rows on the two are level.
    private let weightT: Tensor

    public var inFeatures: Int { weight.shape[1] }
    public var outFeatures: Int { weight.shape[0] }

    public init(weight: Tensor, bias: Tensor?) {
        precondition(weight.rank == 2, "Linear: weight must be (out, in), got \(weight.shape)")
        if let bias { precondition(bias.count == weight.shape[0], "Linear: bias \(bias.shape) for weight \(weight.shape)") }
        self.weight = weight
        self.bias = bias
        let o = weight.shape[0], i = weight.shape[1]
        var t = [Float](repeating: 0, count: o * i)
        weight.withPointer { w in
            for r in 0..<o { for c in 0..<i { t[c * o + r] = w[r * i + c] } }
        }
        weightT = Tensor(shape: [i, o], data: t)
    }

    /// Applies the layer to `x` of shape `(..., in)`; `y` is resized to `(..., out)`.
    public func callAsFunction(_ x: Tensor, into y: inout Tensor) {
        precondition(x.shape.last == inFeatures, "Linear: input \(x.shape), expected last dimension \(inFeatures)")
        let rows = x.count / inFeatures
        if x.rank == 2 {
            y.resize(rows: rows, columns: outFeatures)
        } else {
            var shape = x.shape
            shape[shape.count - 1] = outFeatures
            y.resize(shape)
        }
        x.withPointer { px in y.withMutablePointer { py in apply(px, rows: rows, ldx: inFeatures, into: py, ldy: outFeatures) } }
    }

    /// Pointer form: `rows` input rows of stride `ldx` → output rows of stride `ldy` (≥ outFeatures).
    public func apply(_ x: UnsafePointer<Float>, rows: Int, ldx: Int, into y: UnsafeMutablePointer<Float>, ldy: Int) {
        let n = outFeatures
        var beta: Float = 0
        if let bias {
            bias.withPointer { pb in
                for r in 0..<rows { (y + r * ldy).update(from: pb, count: n) }
            }
            beta = 1
        }
        if rows == 1 {  // one row: the (out, in) layout is the faster one
            weight.withPointer { pw in
                BLAS.gemm(transB: true, m: rows, n: n, k: inFeatures, a: x, lda: ldx, b: pw, ldb: inFeatures,
                          beta: beta, c: y, ldc: ldy)
            }
        } else {
            weightT.withPointer { pw in
                BLAS.gemm(m: rows, n: n, k: inFeatures, a: x, lda: ldx, b: pw, ldb: n, beta: beta, c: y, ldc: ldy)
            }
        }
    }
}
