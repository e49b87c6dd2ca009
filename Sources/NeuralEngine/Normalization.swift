import Foundation

/// Layer normalisation over the last axis: y = (x − mean) / sqrt(var + eps) · γ + β,
/// with the biased variance, as `torch.nn.LayerNorm` (eps 1e-5 by default).
public struct LayerNorm: Sendable {
    /// γ, shape `(features)`.
    public let weight: Tensor
    /// β, shape `(features)`.
    public let bias: Tensor
    public let eps: Float

    public init(weight: Tensor, bias: Tensor, eps: Float = 1e-5) {
        precondition(weight.count == bias.count, "LayerNorm: weight \(weight.shape) vs bias \(bias.shape)")
        self.weight = weight
        self.bias = bias
        self.eps = eps
    }

    /// Normalises `x` of shape `(..., features)` into `y` (resized to x's shape). `x` and `y` may not alias.
    public func callAsFunction(_ x: Tensor, into y: inout Tensor) {
        let d = weight.count
        precondition(x.shape.last == d, "LayerNorm: input \(x.shape), expected last dimension \(d)")
        y.resize(x.shape)
        let rows = x.count / d
        x.withPointer { px in y.withMutablePointer { py in apply(px, rows: rows, into: py) } }
    }

    /// Normalises `x` in place.
    public func normalizeInPlace(_ x: inout Tensor) {
        let d = weight.count
        precondition(x.shape.last == d, "LayerNorm: input \(x.shape), expected last dimension \(d)")
        let rows = x.count / d
        x.withMutablePointer { px in apply(UnsafePointer(px), rows: rows, into: px) }
    }

    /// Pointer form over `rows` contiguous rows; `x` may equal `y`.
    public func apply(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>) {
        let d = weight.count
        weight.withPointer { g in bias.withPointer { b in
            for r in 0..<rows {
                let xr = x + r * d, yr = y + r * d
                var s: Float = 0
                for i in 0..<d { s += xr[i] }
                let mean = s / Float(d)
                var v: Float = 0
                for i in 0..<d { let c = xr[i] - mean; v += c * c }
                let inv = 1 / (v / Float(d) + eps).squareRoot()
                for i in 0..<d { yr[i] = (xr[i] - mean) * inv * g[i] + b[i] }
            }
        } }
    }
}

/// RMS normalisation over the last axis: y = x / sqrt(mean(x²) + eps) · γ (as `torch.nn.RMSNorm`).
public struct RMSNorm: Sendable {
    /// γ, shape `(features)`.
    public let weight: Tensor
    public let eps: Float

    public init(weight: Tensor, eps: Float = 1e-6) {
        self.weight = weight
        self.eps = eps
    }

    /// Normalises `x` of shape `(..., features)` into `y` (resized to x's shape).
    public func callAsFunction(_ x: Tensor, into y: inout Tensor) {
        let d = weight.count
        precondition(x.shape.last == d, "RMSNorm: input \(x.shape), expected last dimension \(d)")
        y.resize(x.shape)
        let rows = x.count / d
        x.withPointer { px in y.withMutablePointer { py in apply(px, rows: rows, into: py) } }
    }

    /// Pointer form over `rows` contiguous rows; `x` may equal `y`.
    public func apply(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>) {
        let d = weight.count
        weight.withPointer { g in
            for r in 0..<rows {
                let xr = x + r * d, yr = y + r * d
                var s: Float = 0
                for i in 0..<d { s += xr[i] * xr[i] }
                let inv = 1 / (s / Float(d) + eps).squareRoot()
                for i in 0..<d { yr[i] = xr[i] * inv * g[i] }
            }
        }
    }
}
