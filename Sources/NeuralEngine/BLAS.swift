import CBLAS

/// Thin wrappers over CBLAS single precision routines (row-major).
public enum BLAS {
    /// C = alpha · op(A) · op(B) + beta · C with op(A) (m × k), op(B) (k × n), C (m × n), all
    /// row-major with leading dimensions (row strides) `lda`, `ldb`, `ldc` in elements.
    @inlinable
    public static func gemm(transA: Bool = false, transB: Bool = false,
                            m: Int, n: Int, k: Int, alpha: Float = 1,
                            a: UnsafePointer<Float>, lda: Int,
                            b: UnsafePointer<Float>, ldb: Int,
                            beta: Float = 0,
                            c: UnsafeMutablePointer<Float>, ldc: Int) {
        _ = Engine.defaultThreads
        if m == 0 || n == 0 { return }
        if k == 0 {
            if beta == 0 { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
            else if beta != 1 { for i in 0..<m { for j in 0..<n { c[i * ldc + j] *= beta } } }
            return
        }
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}

/// c = a · b (or a · bᵀ when `transposeB`), a (m, k), b (k, n) or (n, k); c is resized to (m, n).
/// Tensors of rank > 2 are treated as matrices of `rows × last dimension` for `a`.
public func matmul(_ a: Tensor, _ b: Tensor, transposeB: Bool = false, into c: inout Tensor) {
    precondition(b.rank == 2, "matmul: b must be a matrix, got \(b.shape)")
    let k = a.shape.last ?? 1
    let m = a.count / max(k, 1)
    let n = transposeB ? b.shape[0] : b.shape[1]
    precondition((transposeB ? b.shape[1] : b.shape[0]) == k, "matmul: \(a.shape) · \(b.shape)\(transposeB ? "ᵀ" : "")")
    var outShape = a.rank >= 2 ? Array(a.shape.dropLast()) : [1]
    outShape.append(n)
    c.resize(outShape)
    a.withPointer { pa in b.withPointer { pb in c.withMutablePointer { pc in
        BLAS.gemm(transB: transposeB, m: m, n: n, k: k, a: pa, lda: k, b: pb, ldb: b.shape[1], c: pc, ldc: n)
    } } }
}
