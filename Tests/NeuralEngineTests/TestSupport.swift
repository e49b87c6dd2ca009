import Foundation
import Testing
@testable import NeuralEngine

/// Loads `Fixtures/kernel_<name>.npy` (written by Training/golden/make_kernel_golden.py).
func fixture(_ name: String) throws -> Tensor {
    guard let url = Bundle.module.url(forResource: "kernel_\(name)", withExtension: "npy", subdirectory: "Fixtures") else {
        throw NPYError.io(path: "Fixtures/kernel_\(name).npy", reason: "missing; run Training/golden/make_kernel_golden.py")
    }
    return try NPY.read(url.path)
}

/// Largest violation of |a − b| ≤ atol + rtol·|b| over all elements (≤ 0 means all close);
/// infinities must match exactly, NaN never matches.
func closeness(_ a: Tensor, _ b: Tensor, atol: Float, rtol: Float) -> Float {
    precondition(a.count == b.count, "closeness: \(a.shape) vs \(b.shape)")
    var worst: Float = -.infinity
    for i in 0..<a.count {
        let x = a.data[i], y = b.data[i]
        if x == y { worst = max(worst, -atol); continue }
        let excess = abs(x - y) - (atol + rtol * abs(y))
        if excess.isNaN { return .infinity }
        worst = max(worst, excess)
    }
    return worst
}

func expectClose(_ a: Tensor, _ b: Tensor, atol: Float, rtol: Float = 0, _ what: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.count == b.count, "\(what): \(a.shape) vs \(b.shape)", sourceLocation: sourceLocation)
    guard a.count == b.count else { return }
    let c = closeness(a, b, atol: atol, rtol: rtol)
    #expect(c <= 0, "\(what): max excess over tolerance \(c) (max |diff| \(a.maxAbsDifference(b)))", sourceLocation: sourceLocation)
}

/// Deterministic generator for tests (SplitMix64).
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A roughly normal value (sum of uniforms), scaled.
    mutating func normal(_ scale: Float = 1) -> Float {
        var s: Float = 0
        for _ in 0..<4 { s += Float.random(in: -1...1, using: &self) }
        return s * 0.866 * scale
    }

    mutating func tensor(_ shape: [Int], scale: Float = 1) -> Tensor {
        Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in normal(scale) })
    }
}

/// Rows [start, start + n) of a (rows, columns) tensor.
func rows(_ t: Tensor, _ start: Int, _ n: Int) -> Tensor {
    let c = t.columns
    var shape = t.shape
    shape[0] = n
    return Tensor(shape: shape, data: Array(t.data[(start * c)..<((start + n) * c)]))
}

func linearFixture(_ w: String, _ b: String) throws -> Linear {
    Linear(weight: try fixture(w), bias: try fixture(b))
}
