import Testing
@testable import NeuralEngine

@Suite struct TensorTests {
    @Test func appendingRowsStacksInOrder() {
        let a = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [1, 3], data: [7, 8, 9])
        let c = a.appendingRows(of: b)
        #expect(c.shape == [3, 3])
        #expect(Array(c.elements) == [1, 2, 3, 4, 5, 6, 7, 8, 9])
    }

    @Test func appendingRowsWithAnEmptySideGivesTheOther() {
        let a = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        let empty = Tensor(zeros: [0, 3])
        #expect(a.appendingRows(of: empty) == a)
        #expect(empty.appendingRows(of: a) == a)
    }
}
