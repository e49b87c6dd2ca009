import Testing
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
