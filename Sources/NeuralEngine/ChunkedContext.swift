/// Chunked attention context for streaming: chunks of `chunkSize` frames, `leftContext` frames of
/// history, no right context.
///
/// Frame t belongs to chunk c = t / C and sees the keys k with
/// `max(0, c·C − L) ≤ k < min(T, (c + 1)·C)`: L frames before its chunk starts, and every frame of
/// its own chunk, including the later ones (as WeNet/U2 chunk masks). L is counted in frames; with
/// L a multiple of C this is "L/C chunks of left context". A nil `leftContext` means unlimited
/// history (fine offline, but a `KVCache` needs it finite).
public struct ChunkedContext: Sendable, Equatable {
    /// C, frames per chunk (≥ 1).
    public var chunkSize: Int
    /// L, frames of left context before the chunk start, or nil for all earlier frames.
    public var leftContext: Int?

    public init(chunkSize: Int, leftContext: Int?) {
        precondition(chunkSize >= 1, "ChunkedContext: chunk size \(chunkSize) must be ≥ 1")
        precondition((leftContext ?? 0) >= 0, "ChunkedContext: negative left context")
        self.chunkSize = chunkSize
        self.leftContext = leftContext
    }

    /// Keys visible to the queries of the chunk starting at frame `chunkStart` and ending
    /// (exclusive) at `chunkEnd`, clipped to `keyCount` keys.
    @inlinable
    public func keyRange(chunkStart: Int, chunkEnd: Int, keyCount: Int) -> Range<Int> {
        let lo = leftContext.map { max(0, chunkStart - $0) } ?? 0
        let hi = min(keyCount, chunkEnd)
        return min(lo, hi)..<hi
    }

    /// Keys visible to query frame `t`.
    public func keyRange(query t: Int, keyCount: Int) -> Range<Int> {
        let c = t / chunkSize
        return keyRange(chunkStart: c * chunkSize, chunkEnd: (c + 1) * chunkSize, keyCount: keyCount)
    }

    /// The equivalent additive mask `(queries, keys)`: 0 where visible, −∞ elsewhere.
    public func additiveMask(queries: Int, keys: Int) -> Tensor {
        var m = Tensor(repeating: -.infinity, shape: [queries, keys])
        for t in 0..<queries {
            for k in keyRange(query: t, keyCount: keys) { m.data[t * keys + k] = 0 }
        }
        return m
    }

    /// Frames a key/value cache must hold: L + C.
    public var cacheFrames: Int? { leftContext.map { $0 + chunkSize } }
}

/// Which keys each query may attend to.
public enum AttentionMask: Sendable {
    /// Every query sees every key.
    case full
    /// Chunked context (streaming-compatible); query frame t sees keys by `ChunkedContext`.
    case chunked(ChunkedContext)
    /// An additive mask `(queries, keys)` (0 visible, −∞ hidden; finite biases allowed).
    case additive(Tensor)
}
