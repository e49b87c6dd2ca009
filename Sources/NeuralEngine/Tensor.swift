/// A row-major, contiguous float32 tensor.
///
/// A value type backed by `[Float]` (copy-on-write): pass it `inout` to kernels to reuse its
/// storage. `reshape`/`resize` keep the buffer when the element count does not grow, so an output
/// tensor sized once for the largest chunk serves every later, smaller chunk without allocating.
public struct Tensor: Sendable, Equatable {
    /// Dimensions, outermost first. A scalar has shape `[]` and one element.
    public private(set) var shape: [Int]
    /// Elements in row-major (C) order; `data.count >= count`, extra capacity is unused.
    public var data: [Float]

    /// A tensor of zeros.
    public init(zeros shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in \(shape)")
        self.shape = shape
        self.data = [Float](repeating: 0, count: shape.reduce(1, *))
    }

    /// Wraps `data` (which must have exactly `shape.reduce(1, *)` elements).
    public init(shape: [Int], data: [Float]) {
        precondition(shape.reduce(1, *) == data.count,
                     "Tensor: \(data.count) elements do not fill shape \(shape)")
        self.shape = shape
        self.data = data
    }

    /// A tensor whose every element is `value`.
    public init(repeating value: Float, shape: [Int]) {
        self.shape = shape
        self.data = [Float](repeating: value, count: shape.reduce(1, *))
    }

    /// Number of elements.
    @inlinable public var count: Int { shape.reduce(1, *) }
    /// Number of dimensions.
    @inlinable public var rank: Int { shape.count }
    /// Size of the first dimension (rows of a matrix, frames of a sequence).
    @inlinable public var rows: Int { shape.first ?? 1 }
    /// Product of all dimensions but the first (columns of a matrix, channels of a sequence).
    @inlinable public var columns: Int { shape.count <= 1 ? (shape.first ?? 1) : shape.dropFirst().reduce(1, *) }

    /// Changes the shape. Grows the buffer only when the new shape holds more elements than the
    /// buffer; never shrinks it. Element values after a resize are unspecified (kernels overwrite them).
    public mutating func resize(_ newShape: [Int]) {
        let n = newShape.reduce(1, *)
        if data.count < n { data.append(contentsOf: repeatElement(0, count: n - data.count)) }
        shape = newShape
    }

    /// `resize([rows, columns])` without building a shape array when the shape is unchanged
    /// (the common case on hot paths, which then allocate nothing).
    public mutating func resize(rows: Int, columns: Int) {
        if shape.count == 2 && shape[0] == rows && shape[1] == columns { return }
        resize([rows, columns])
    }

    /// `resize([a, b, c])` without allocating when the shape is unchanged.
    public mutating func resize(_ a: Int, _ b: Int, _ c: Int) {
        if shape.count == 3 && shape[0] == a && shape[1] == b && shape[2] == c { return }
        resize([a, b, c])
    }

    /// Reinterprets the elements with another shape of the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(newShape.reduce(1, *) == count, "Tensor.reshaped: \(shape) → \(newShape)")
        var t = self
        t.shape = newShape
        if t.data.count != t.count { t.data = Array(t.data[0..<t.count]) }
        return t
    }

    /// The elements actually in use (`data` may be longer after a shrinking `resize`).
    public var elements: ArraySlice<Float> { data[0..<count] }

    /// Sets every element in use to `value`.
    public mutating func fill(_ value: Float) {
        let n = count
        data.withUnsafeMutableBufferPointer { p in
            for i in 0..<n { p[i] = value }
        }
    }

    /// Element access by multi-dimensional index (slow; for tests and inspection, not hot paths).
    public subscript(_ index: Int...) -> Float {
        get { data[offset(index)] }
        set { data[offset(index)] = newValue }
    }

    private func offset(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "Tensor: index \(index) for shape \(shape)")
        var o = 0
        for (i, d) in zip(index, shape) {
            precondition(i >= 0 && i < d, "Tensor: index \(index) out of shape \(shape)")
            o = o * d + i
        }
        return o
    }

    /// Runs `body` with a pointer to the elements (read only).
    @inlinable public func withPointer<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        if data.isEmpty { var z: Float = 0; return try withUnsafePointer(to: &z) { try body($0) } }
        return try data.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    /// Runs `body` with a mutable pointer to the elements.
    @inlinable public mutating func withMutablePointer<R>(_ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        if data.isEmpty { data = [0] }
        return try data.withUnsafeMutableBufferPointer { try body($0.baseAddress!) }
    }

    public static func == (a: Tensor, b: Tensor) -> Bool {
        a.shape == b.shape && a.elements == b.elements
    }
}

extension Tensor {
    /// Largest absolute difference between two tensors of equal element count.
    public func maxAbsDifference(_ other: Tensor) -> Float {
        precondition(count == other.count, "Tensor.maxAbsDifference: \(shape) vs \(other.shape)")
        var m: Float = 0
        for i in 0..<count {
            let a = data[i], b = other.data[i]
            if a == b { continue }  // also equal infinities
            let d = abs(a - b)
            if d.isNaN || d > m { m = d.isNaN ? .infinity : d }
        }
        return m
    }
}

extension Tensor {
    /// This rank-2 tensor `(n, c)` with the rows of `other` `(m, c)` after it: `(n + m, c)`. An empty
    /// side (no rows) gives the other back unchanged.
    public func appendingRows(of other: Tensor) -> Tensor {
        if other.shape[0] == 0 { return self }
        if shape[0] == 0 { return other }
        precondition(rank == 2 && other.rank == 2 && shape[1] == other.shape[1],
                     "Tensor.appendingRows: \(shape) and \(other.shape)")
        return Tensor(shape: [shape[0] + other.shape[0], shape[1]], data: Array(elements) + Array(other.elements))
    }
}
