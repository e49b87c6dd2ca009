import Foundation

/// A gated recurrent unit with PyTorch's `nn.GRU` weights and equations (one layer, gate order
/// r, z, n):
///
///     r = σ(W_ir x + b_ir + W_hr h + b_hr)
///     z = σ(W_iz x + b_iz + W_hz h + b_hz)
///     n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
///     h' = (1 − z) ⊙ n + z ⊙ h
///
/// It steps many independent sequences at once (`rows` of them, e.g. one per frequency bin): the
/// caller keeps their states between steps, so a stream continues where its last block ended.
public struct GRU: Sendable {
    /// `(3·hidden, input)`: W_ir, W_iz, W_in stacked.
    public let weightIH: Tensor
    /// `(3·hidden, hidden)`.
    public let weightHH: Tensor
    public let biasIH: Tensor
    public let biasHH: Tensor
    /// h ↦ W_hh h + b_hh, all three gates at once.
    private let hiddenLayer: Linear

    public var hidden: Int { weightHH.shape[1] }
    public var inputSize: Int { weightIH.shape[1] }

    public init(weightIH: Tensor, weightHH: Tensor, biasIH: Tensor, biasHH: Tensor) {
        let h = weightHH.shape[1]
        precondition(weightIH.rank == 2 && weightIH.shape[0] == 3 * h && weightHH.shape == [3 * h, h]
                     && biasIH.count == 3 * h && biasHH.count == 3 * h,
                     "GRU: weights \(weightIH.shape), \(weightHH.shape), biases \(biasIH.shape), \(biasHH.shape)")
        self.weightIH = weightIH
        self.weightHH = weightHH
        self.biasIH = biasIH
        self.biasHH = biasHH
        hiddenLayer = Linear(weight: weightHH, bias: biasHH)
    }

    /// One step of `rows` sequences. The input of row r is column r of `x`, a `(inputSize, rows)`
    /// row-major matrix (channels by rows, as a feature map stores one frame); `state` `(rows,
    /// hidden)` is updated in place. `scratch` is reused between calls.
    public func step(channelsByRows x: UnsafePointer<Float>, rows: Int, state: UnsafeMutablePointer<Float>,
                     scratch: inout [Float]) {
        let g = hidden, g3 = 3 * g
        if scratch.count < 2 * rows * g3 { scratch = [Float](repeating: 0, count: 2 * rows * g3) }
        scratch.withUnsafeMutableBufferPointer { sp in
            let gi = sp.baseAddress!, gh = gi + rows * g3
            biasIH.withPointer { b in for r in 0..<rows { (gi + r * g3).update(from: b, count: g3) } }
            weightIH.withPointer { w in  // x is (input, rows): Linear's (rows, input) layout transposed
                BLAS.gemm(transA: true, transB: true, m: rows, n: g3, k: inputSize, a: x, lda: rows,
                          b: w, ldb: inputSize, beta: 1, c: gi, ldc: g3)
            }
            hiddenLayer.apply(UnsafePointer(state), rows: rows, ldx: g, into: gh, ldy: g3)
            for r in 0..<rows {
                let i = gi + r * g3, h = gh + r * g3, s = state + r * g
                for j in 0..<g {
                    let reset = 1 / (1 + expf(-(i[j] + h[j])))
                    let update = 1 / (1 + expf(-(i[g + j] + h[g + j])))
                    let candidate = tanhf(i[2 * g + j] + reset * h[2 * g + j])
                    s[j] = (1 - update) * candidate + update * s[j]
                }
            }
        }
    }
}
