/// Key/value cache for chunked streaming self-attention: a ring buffer of the last `capacity`
/// frames (L + C) of keys and values for one attention layer, `heads · headDim` floats per frame.
///
/// Every frame is written twice (at slot s and s + capacity), so the last n ≤ capacity frames are
/// always one contiguous block that sgemm reads in place. Memory and cost per chunk do not depend
/// on how many frames came before.
public struct KVCache: Sendable {
    /// Frames held (L + C).
    public let capacity: Int
    /// Floats per frame (heads · headDim).
    public let width: Int
    private var keys: [Float]
    private var values: [Float]
    /// Frames appended since creation or the last `reset()` (the absolute position of the next frame).
    public private(set) var frames = 0

    public init(capacity: Int, width: Int) {
        precondition(capacity >= 1 && width >= 1, "KVCache: capacity \(capacity), width \(width)")
        self.capacity = capacity
        self.width = width
        keys = [Float](repeating: 0, count: 2 * capacity * width)
        values = keys
    }

    /// A cache sized for `attention` under `context` (whose left context must be finite).
    public init(for attention: MultiHeadAttention, context: ChunkedContext) {
        guard let frames = context.cacheFrames else {
            preconditionFailure("KVCache: streaming needs a finite left context")
        }
        self.init(capacity: frames, width: attention.heads * attention.headDim)
    }

    /// Empties the cache; the next frame has position 0.
    public mutating func reset() { frames = 0 }

    /// Appends `n` frames of keys and values (rows of `width` floats with row strides `ldk`, `ldv`).
    public mutating func append(keys k: UnsafePointer<Float>, ldk: Int, values v: UnsafePointer<Float>, ldv: Int, count n: Int) {
        let first = max(0, n - capacity)
        let w = width, cap = capacity, f0 = frames
        func write(_ buf: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, _ ld: Int) {
            for r in first..<n {
                let slot = (f0 + r) % cap
                (buf + slot * w).update(from: src + r * ld, count: w)
                (buf + (slot + cap) * w).update(from: src + r * ld, count: w)
            }
        }
        keys.withUnsafeMutableBufferPointer { write($0.baseAddress!, k, ldk) }
        values.withUnsafeMutableBufferPointer { write($0.baseAddress!, v, ldv) }
        frames += n
    }

    /// Runs `body` with contiguous pointers to the keys and values of the last `n` frames
    /// (n ≤ min(frames, capacity)), row stride `width`.
    public func withWindow<R>(last n: Int, _ body: (UnsafePointer<Float>, UnsafePointer<Float>) throws -> R) rethrows -> R {
        precondition(n <= min(frames, capacity), "KVCache: window of \(n) frames, cache holds \(min(frames, capacity))")
        let start = ((frames - n) % capacity + capacity) % capacity
        return try keys.withUnsafeBufferPointer { kp in
            try values.withUnsafeBufferPointer { vp in
                try body(kp.baseAddress! + start * width, vp.baseAddress! + start * width)
            }
        }
    }
}
