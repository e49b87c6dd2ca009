import Testing
@testable import NeuralEngine

/// Linear, norms, activations, convolutions and RoPE against PyTorch fixtures.
@Suite struct LayerTests {
    @Test func linearMatchesTorch() throws {
        let layer = try linearFixture("linear_w", "linear_b")
        var y = Tensor(zeros: [])
        layer(try fixture("linear_x"), into: &y)
        expectClose(y, try fixture("linear_y"), atol: 1e-5, rtol: 1e-4, "linear")
        #expect(y.shape == [5, 7])
    }

    /// One row (the `(out, in)` weight's product) and many (the transposed weight's) give the
    /// same values as the plain sum, row for row, whatever the batch.
    @Test(arguments: [1, 2, 8, 33])
    func linearRowsMatchThePlainSum(rows n: Int) {
        var rng = SeededRandom(seed: 7)
        let layer = Linear(weight: rng.tensor([24, 40], scale: 0.2), bias: rng.tensor([24], scale: 0.1))
        let x = rng.tensor([n, 40])
        var y = Tensor(zeros: [])
        layer(x, into: &y)
        #expect(y.shape == [n, 24])
        for r in 0..<n {
            var one = Tensor(zeros: [])
            layer(rows(x, r, 1), into: &one)
            for o in 0..<24 {
                var e = Double(layer.bias!.data[o])
                for i in 0..<40 { e += Double(layer.weight.data[o * 40 + i]) * Double(x.data[r * 40 + i]) }
                #expect(abs(Double(y.data[r * 24 + o]) - e) < 1e-5)
                #expect(abs(one.data[o] - y.data[r * 24 + o]) < 1e-5)
            }
        }
    }

    @Test func matmulWithTransposedB() {
        let a = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [2, 3], data: [1, 0, -1, 2, 1, 0])
        var c = Tensor(zeros: [])
        matmul(a, b, transposeB: true, into: &c)
        #expect(c == Tensor(shape: [2, 2], data: [-2, 4, -2, 13]))
        let bt = Tensor(shape: [3, 2], data: [1, 2, 0, 1, -1, 0])
        matmul(a, bt, into: &c)
        #expect(c == Tensor(shape: [2, 2], data: [-2, 4, -2, 13]))
    }

    @Test func layerNormAndRMSNormMatchTorch() throws {
        let x = try fixture("ln_x")
        var y = Tensor(zeros: [])
        LayerNorm(weight: try fixture("ln_w"), bias: try fixture("ln_b"))(x, into: &y)
        expectClose(y, try fixture("ln_y"), atol: 1e-5, rtol: 1e-4, "layer norm")
        RMSNorm(weight: try fixture("ln_w"), eps: 1e-6)(x, into: &y)
        expectClose(y, try fixture("rms_y"), atol: 1e-5, rtol: 1e-4, "rms norm")
        var z = x
        LayerNorm(weight: try fixture("ln_w"), bias: try fixture("ln_b")).normalizeInPlace(&z)
        expectClose(z, try fixture("ln_y"), atol: 1e-5, rtol: 1e-4, "layer norm in place")
    }

    @Test(arguments: [(Activation.gelu, "gelu"), (.silu, "silu"), (.sigmoid, "sigmoid"), (.relu, "relu")])
    func activationsMatchTorch(activation: Activation, name: String) throws {
        var x = try fixture("act_x")
        activation.apply(&x)
        expectClose(x, try fixture("act_\(name)"), atol: 1e-6, rtol: 1e-5, name)
    }

    @Test(arguments: [("dw", 6, true, 0), ("grp", 2, true, 0), ("full", 1, false, 1)])
    func conv1dMatchesTorch(name: String, groups: Int, causal: Bool, padding: Int) throws {
        let conv = Conv1d(weight: try fixture("conv1d_\(name)_w"), bias: try fixture("conv1d_\(name)_b"),
                          groups: groups, causal: causal, padding: padding)
        var y = Tensor(zeros: []), scratch: [Float] = []
        conv(try fixture("conv1d_\(name)_x"), into: &y, scratch: &scratch)
        expectClose(y, try fixture("conv1d_\(name)_y"), atol: 1e-5, rtol: 1e-4, "conv1d \(name)")
        #expect(conv.isDepthwise == (name == "dw"))
    }

    @Test(arguments: [("a", 1, 2, 1, 1), ("b", 2, 3, 2, 1), ("c", 1, 1, 1, 4)])
    func conv2dMatchesTorch(name: String, strideTime: Int, strideFreq: Int, padFreq: Int, groups: Int) throws {
        let conv = Conv2d(weight: try fixture("conv2d_\(name)_w"), bias: try fixture("conv2d_\(name)_b"), groups: groups,
                          strideTime: strideTime, strideFreq: strideFreq, padFreq: padFreq)
        var y = Tensor(zeros: []), scratch: [Float] = []
        conv(try fixture("conv2d_\(name)_x"), into: &y, scratch: &scratch)
        let expected = try fixture("conv2d_\(name)_y")
        #expect(y.shape == expected.shape)
        expectClose(y, expected, atol: 1e-5, rtol: 1e-4, "conv2d \(name)")
    }

    @Test func ropeMatchesNeoXRotateHalf() throws {
        var x = try fixture("rope_x")
        RotaryEmbedding(headDim: 8).apply(&x, heads: 2, firstPosition: 5)
        expectClose(x, try fixture("rope_y"), atol: 1e-5, rtol: 1e-4, "rope")
    }

    @Test func ropePreservesNormsAndRelativePositions() {
        var rng = SeededRandom(seed: 3)
        let rope = RotaryEmbedding(headDim: 16)
        let q = rng.tensor([1, 16]), k = rng.tensor([1, 16])
        func dot(_ qp: Int, _ kp: Int) -> Float {
            var a = q, b = k
            rope.apply(&a, heads: 1, firstPosition: qp)
            rope.apply(&b, heads: 1, firstPosition: kp)
            return zip(a.elements, b.elements).map(*).reduce(0, +)
        }
        #expect(abs(dot(10, 7) - dot(3, 0)) < 1e-4)
        #expect(abs(dot(10, 7) - dot(10, 8)) > 1e-4)
    }
}
