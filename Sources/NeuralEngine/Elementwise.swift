import Foundation
import CVectorMath

/// Element-wise helpers for residual connections and gating, in place on preallocated tensors.
public enum Elementwise {
    /// y += scale · x (same element count).
    public static func addScaled(_ x: Tensor, scale: Float = 1, into y: inout Tensor) {
        precondition(x.count == y.count, "Elementwise.addScaled: \(x.shape) vs \(y.shape)")
        let n = x.count
        x.withPointer { xp in y.withMutablePointer { yp in
            if scale == 1 { for i in 0..<n { yp[i] += xp[i] } }
            else { for i in 0..<n { yp[i] += scale * xp[i] } }
        } }
    }

    /// y = a · b element by element (y resized to a's shape).
    public static func multiply(_ a: Tensor, _ b: Tensor, into y: inout Tensor) {
        precondition(a.count == b.count, "Elementwise.multiply: \(a.shape) vs \(b.shape)")
        y.resize(a.shape)
        let n = a.count
        a.withPointer { ap in b.withPointer { bp in y.withMutablePointer { yp in
            for i in 0..<n { yp[i] = ap[i] * bp[i] }
        } } }
    }

    /// Gated linear unit over the last axis, as `torch.nn.functional.glu(x, dim=-1)`:
    /// x `(..., 2n)` → y `(..., n)` with y = x[..., :n] · σ(x[..., n:]).
    public static func glu(_ x: Tensor, into y: inout Tensor) {
        let two = x.shape.last ?? 0
        precondition(two % 2 == 0, "Elementwise.glu: last dimension \(two) is odd")
        let n = two / 2, rows = n == 0 ? 0 : x.count / two
        var shape = x.shape
        shape[shape.count - 1] = n
        y.resize(shape)
        x.withPointer { xp in y.withMutablePointer { yp in
            for r in 0..<rows {
                let a = xp + r * two, g = a + n, o = yp + r * n
                attend_vm_glu(a, g, o, n)
            }
        } }
    }

    /// y = xᵀ for a matrix x `(rows, columns)`; y is resized to `(columns, rows)`.
    public static func transpose(_ x: Tensor, into y: inout Tensor) {
        precondition(x.rank == 2, "Elementwise.transpose: \(x.shape) is not a matrix")
        let r = x.shape[0], c = x.shape[1]
        y.resize([c, r])
        x.withPointer { xp in y.withMutablePointer { yp in
            for i in 0..<r { for j in 0..<c { yp[j * r + i] = xp[i * c + j] } }
        } }
    }
}

/// Batch normalisation at inference over the channel (last) axis of `(frames, channels)`:
/// y = (x − runningMean) / sqrt(runningVar + eps) · γ + β, folded into one scale and shift.
public struct BatchNorm: Sendable {
    public let scale: [Float]
    public let shift: [Float]

    public init(weight: Tensor, bias: Tensor, runningMean: Tensor, runningVar: Tensor, eps: Float = 1e-5) {
        let c = weight.count
        precondition(bias.count == c && runningMean.count == c && runningVar.count == c, "BatchNorm: parameter sizes differ")
        var sc = [Float](repeating: 0, count: c), sh = sc
        for i in 0..<c {
            sc[i] = weight.data[i] / (runningVar.data[i] + eps).squareRoot()
            sh[i] = bias.data[i] - runningMean.data[i] * sc[i]
        }
        scale = sc
        shift = sh
    }

    /// Normalises `x` `(..., channels)` in place.
    public func apply(_ x: inout Tensor) {
        let c = scale.count
        precondition(x.shape.last == c, "BatchNorm: input \(x.shape), expected last dimension \(c)")
        let rows = x.count / c
        x.withMutablePointer { xp in scale.withUnsafeBufferPointer { s in shift.withUnsafeBufferPointer { b in
            for r in 0..<rows { let row = xp + r * c; for i in 0..<c { row[i] = row[i] * s[i] + b[i] } }
        } } }
    }
}
