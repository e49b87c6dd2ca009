import Testing
import CVectorMath
import Foundation
@testable import NeuralEngine

@Suite struct ElementwiseTests {
    @Test func gluAndBatchNormMatchTorch() throws {
        var y = Tensor(zeros: [])
        Elementwise.glu(try fixture("glu_x"), into: &y)
        #expect(y.shape == [5, 6])
        expectClose(y, try fixture("glu_y"), atol: 1e-6, rtol: 1e-5, "glu")
        let bn = BatchNorm(weight: try fixture("bn_w"), bias: try fixture("bn_b"),
                           runningMean: try fixture("bn_mean"), runningVar: try fixture("bn_var"))
        var x = try fixture("bn_x")
        bn.apply(&x)
        expectClose(x, try fixture("bn_y"), atol: 1e-5, rtol: 1e-4, "batch norm")
    }

    @Test func residualProductAndTranspose() {
        var y = Tensor(shape: [2, 2], data: [1, 2, 3, 4])
        Elementwise.addScaled(Tensor(shape: [2, 2], data: [2, 2, 2, 2]), scale: 0.5, into: &y)
        #expect(y.data == [2, 3, 4, 5])
        var p = Tensor(zeros: [])
        Elementwise.multiply(y, y, into: &p)
        #expect(p.data == [4, 9, 16, 25])
        var t = Tensor(zeros: [])
        Elementwise.transpose(Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6]), into: &t)
        #expect(t == Tensor(shape: [3, 2], data: [1, 4, 2, 5, 3, 6]))
    }

    @Test func resizeReusesStorage() {
        var t = Tensor(zeros: [10, 4])
        t.resize([3, 4])
        #expect(t.count == 12 && t.data.count == 40 && t.elements.count == 12)
        t.resize([12, 4])
        #expect(t.count == 48 && t.data.count >= 48)
    }

    @Test func engineThreadSetting() {
        Engine.setThreads(1)
        #expect(Engine.threads == 1)
        #expect(!Engine.blasConfig.isEmpty)
    }
}

/// The libmvec-backed array kernels (CVectorMath) against libm's scalar functions, lengths that
/// are and are not multiples of the vector width.
@Suite struct VectorMathTests {
    @Test(arguments: [1, 3, 4, 7, 64, 1001])
    func geluMatchesScalarErf(count: Int) {
        var x = (0..<count).map { Float($0) / Float(max(count - 1, 1)) * 20 - 10 }
        let expected = x.map { v in 0.5 * v * (1 + erf(v * 0.70710678118654752440)) }
        x.withUnsafeMutableBufferPointer { Activation.gelu.apply($0.baseAddress!, count: count) }
        // Absolute error against the value's scale: 1 + erf(v/√2) cancels for negative v, where
        // either erf's last-ulp rounding shows.
        var worst: Float = 0
        for i in 0..<count { worst = max(worst, abs(x[i] - expected[i]) / max(abs(expected[i]), 1)) }
        #expect(worst < 5e-7, "error \(worst)")
    }

    @Test(arguments: [Float(1.7), 9.3, 99])
    func powMatchesScalarPow(exponent: Float) {
        let x = (0..<203).map { i in i == 0 ? Float(0) : Float(i) / 203 }
        var y = [Float](repeating: -1, count: x.count)
        attend_vm_powf(x, exponent, &y, x.count)
        #expect(y[0] == 0)
        var worst: Float = 0
        for i in 1..<x.count {
            let e = powf(x[i], exponent)
            if e > 1e-30 { worst = max(worst, abs(y[i] - e) / e) }
        }
        #expect(worst < 2e-6, "relative error \(worst)")
    }
}
