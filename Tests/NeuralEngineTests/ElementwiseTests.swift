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

/// The libmvec-backed array kernels (CVectorMath) against libm's scalar functions, at every vector
/// width this CPU runs (4 lanes always; 8 with AVX2 and 16 with AVX-512, through mvec_wide.S), over
/// lengths that are and are not multiples of the width and of the kernels' 256-element blocks.
@Suite struct VectorMathTests {
    static let widths: [Int] = [4, 8, 16].filter { $0 <= Int(attend_vm_lanes()) }
    static let lengths = [0, 1, 3, 4, 7, 8, 15, 16, 17, 33, 255, 256, 257, 1001]

    /// Largest error of kernel k at `lanes` against `reference`, relative to max(|reference|, 1).
    static func worst(_ kernel: attend_vm_kernel, lanes: Int, count: Int, exponent: Float = 0,
                      input: (Int) -> Float, gate: (Int) -> Float = { _ in 0 },
                      reference: (Float, Float) -> Float) -> Float {
        let x = (0..<count).map(input), g = (0..<count).map(gate)
        var y = [Float](repeating: .nan, count: count + 1)  // one more: nothing is written past n
        attend_vm_run(kernel, x, g, &y, count, exponent, Int32(lanes))
        #expect(y[count].isNaN, "wrote past the end")
        var worst: Float = 0
        for i in 0..<count {
            let e = reference(x[i], g[i])
            worst = max(worst, abs(y[i] - e) / max(abs(e), 1))
        }
        return worst
    }

    @Test(arguments: widths, lengths)
    func kernelsMatchScalarLibm(lanes: Int, count: Int) {
        let ramp = { (i: Int) in Float(i) / Float(max(count - 1, 1)) * 20 - 10 }
        // Absolute error against the value's scale: 1 + erf(v/√2) cancels for negative v, where
        // either erf's last-ulp rounding shows (libmvec's 16-lane erff is up to 5 ulp from libm's).
        #expect(Self.worst(ATTEND_VM_GELU, lanes: lanes, count: count, input: ramp) { v, _ in
            0.5 * v * (1 + erf(v * 0.70710678118654752440)) } < 1e-6)
        #expect(Self.worst(ATTEND_VM_SILU, lanes: lanes, count: count, input: ramp) { v, _ in v / (1 + exp(-v)) } < 5e-7)
        #expect(Self.worst(ATTEND_VM_SIGMOID, lanes: lanes, count: count, input: ramp) { v, _ in 1 / (1 + exp(-v)) } < 5e-7)
        #expect(Self.worst(ATTEND_VM_GLU, lanes: lanes, count: count, input: ramp, gate: { -ramp($0) / 2 }) { a, g in
            a / (1 + exp(-g)) } < 5e-7)
    }

    /// Zeros (most of an attention row's terms) give exactly 0 wherever they fall.
    @Test(arguments: widths, [Float(1.7), 9.3, 99])
    func powMatchesScalarPow(lanes: Int, exponent: Float) {
        for count in Self.lengths {
            let x = (0..<count).map { i in i % 3 == 0 ? Float(0) : Float(i) / Float(count + 1) }
            var y = [Float](repeating: -1, count: count)
            attend_vm_run(ATTEND_VM_POW, x, nil, &y, count, exponent, Int32(lanes))
            var worst: Float = 0
            for i in 0..<count {
                if x[i] == 0 { #expect(y[i] == 0); continue }
                let e = powf(x[i], exponent)
                if e > 1e-30 { worst = max(worst, abs(y[i] - e) / e) }
            }
            #expect(worst < 2e-6, "lanes \(lanes), n \(count): relative error \(worst)")
        }
    }

    /// Powers below the smallest normal float come out as exactly 0 (they skip libmvec's scalar
    /// fallback), those just above them as powf gives them, at every width and place in the array.
    @Test(arguments: widths, [Float(9.3), 49, 99])
    func powFlushesUnderflowToZero(lanes: Int, exponent: Float) {
        let count = 301
        // x from 0 to 1 on a log scale, so the powers sweep across the underflow threshold.
        let x = (0..<count).map { i in Float(exp(-12 + 12 * Double(i) / Double(count - 1))) }
        var y = [Float](repeating: -1, count: count)
        attend_vm_run(ATTEND_VM_POW, x, nil, &y, count, exponent, Int32(lanes))
        var flushed = 0, kept = 0
        for i in 0..<count {
            let e = pow(Double(x[i]), Double(exponent))
            if e < 1e-38 { #expect(y[i] == 0, "x \(x[i]): \(y[i])"); flushed += 1 }
            if e > 1e-37 { #expect(abs(Double(y[i]) - e) / e < 2e-6, "x \(x[i]): \(y[i]) against \(e)"); kept += 1 }
        }
        #expect(flushed > 10 && kept > 10)
    }

    /// x^e through exp2(e · log2 x): within about 1e-7 · |ln x^e| of powf (the rounding of the
    /// product), zeros and underflows exactly 0, at every width and place in the array.
    @Test(arguments: widths, [Float(1.7), 9.3, 49, 99])
    func powLog2IsCloseToPowf(lanes: Int, exponent: Float) {
        for count in Self.lengths {
            let x = (0..<count).map { i in i % 5 == 0 ? Float(0) : 1.5 * Float(i) / Float(count + 1) }
            var y = [Float](repeating: -1, count: count)
            attend_vm_run(ATTEND_VM_POW_LOG2, x, nil, &y, count, exponent, Int32(lanes))
            var worst = 0.0
            for i in 0..<count {
                let e = pow(Double(x[i]), Double(exponent))
                if x[i] == 0 || e < 1e-38 { #expect(y[i] == 0); continue }
                if e > 1e-37 { worst = max(worst, abs(Double(y[i]) - e) / e / (abs(log(e)) + 1)) }
            }
            #expect(worst < 2.5e-7, "lanes \(lanes), n \(count): relative error \(worst) per unit of |ln y|")
        }
        var inPlace: [Float] = [0.5, 0, 0.9]
        attend_vm_powf_log2(inPlace, 2, &inPlace, 3)
        #expect(abs(inPlace[0] - 0.25) < 1e-7 && inPlace[1] == 0 && abs(inPlace[2] - 0.81) < 1e-6)
    }

    /// The public entry points use the widest width: the same values as attend_vm_run at 0 lanes.
    @Test func defaultWidthIsTheWidest() {
        #expect(Self.widths.last == Int(attend_vm_lanes()))
        let x = (0..<37).map { Float($0) / 9 }
        var a = x, b = [Float](repeating: 0, count: x.count)
        attend_vm_silu(&a, x.count)
        attend_vm_run(ATTEND_VM_SILU, x, nil, &b, x.count, 0, 0)
        #expect(a == b)
    }
}
