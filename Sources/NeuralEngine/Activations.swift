import CVectorMath
import Foundation

/// Element-wise activations, in place over a tensor or a pointer range.
public enum Activation: String, Sendable, CaseIterable {
    /// x · Φ(x) with the exact erf form (PyTorch's default `gelu`).
    case gelu
    /// x · σ(x).
    case silu
    /// σ(x) = 1 / (1 + e^−x).
    case sigmoid
    /// max(x, 0).
    case relu
    /// x.
    case identity

    /// Applies the activation to `count` elements at `x`, in place. GELU, SiLU and σ go through
    /// libmvec's vector erf and exp (CVectorMath).
    public func apply(_ x: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .gelu:
            attend_vm_gelu(x, count)
        case .silu:
            attend_vm_silu(x, count)
        case .sigmoid:
            attend_vm_sigmoid(x, count)
        case .relu:
            for i in 0..<count { x[i] = max(x[i], 0) }
        case .identity:
            break
        }
    }

    /// Applies the activation to every element of `x`, in place.
    public func apply(_ x: inout Tensor) {
        let n = x.count
        x.withMutablePointer { apply($0, count: n) }
    }
}
