/// The result of aligning a whole score matrix.
public struct MonotonicAlignment: Sendable, Equatable {
    /// One entry per token, in order; together they cover every frame exactly once.
    public var tokens: [AlignedToken]
    /// Sum of the scores along the path.
    public var score: Double
    /// Memory the decoder held.
    public var memory: AlignmentMemory
}

/// Best monotonic path through a (frames × tokens) log-score matrix.
///
/// Every token covers a contiguous run of at least `minFrames[k]` frames (or none, if skippable),
/// tokens appear in order, and every frame belongs to exactly one token. The path maximises the
/// sum of scores[f][token(f)]. O(T·N) time; 2 bits per cell of backpointers (T·N/4 bytes) plus
/// O(N · max minFrames) state. Ties prefer staying in a token over entering the next one, and
/// placing a token over skipping it.
///
/// ```swift
/// let aligner = try MonotonicAligner(constraints: TokenConstraints(tokenCount: 3, minFrames: [2, 1, 2]))
/// let path = try aligner.align(scores: logPosteriors, frameCount: 120)  // 120 × 3, row-major
/// path.tokens[1].start  // first frame of token 1
/// ```
public struct MonotonicAligner: Sendable {
    public let constraints: TokenConstraints
    /// Beam in log-score units (`nil`: exact). Same meaning as in `IncrementalAligner`.
    public let beam: Float?

    public init(constraints: TokenConstraints, beam: Float? = nil) throws(AlignmentError) {
        try constraints.validate()
        self.constraints = constraints
        self.beam = beam
    }

    /// Aligns `scores`, row-major `frameCount × tokenCount` (row f holds frame f's score for
    /// every token; finite or −∞).
    public func align(scores: [Float], frameCount: Int) throws(AlignmentError) -> MonotonicAlignment {
        let n = constraints.tokenCount
        guard frameCount >= 0, scores.count == frameCount * n else {
            throw .wrongScoreCount(expected: max(0, frameCount) * n, found: scores.count)
        }
        let required = constraints.requiredFrames
        guard frameCount >= required else { throw .tooFewFrames(frames: frameCount, required: required) }
        var decoder = try IncrementalAligner(constraints: constraints, beam: beam, streaming: false)
        decoder.reserve(frames: frameCount)
        try scores.withUnsafeBufferPointer { all throws(AlignmentError) in
            for f in 0 ..< frameCount {
                _ = try decoder.push(UnsafeBufferPointer(rebasing: all[f * n ..< (f + 1) * n]))
            }
        }
        var tokens = try decoder.finish()
        for i in tokens.indices {
            tokens[i].computeConfidence(tokenCount: n) { f, k in scores[f * n + k] }
        }
        return MonotonicAlignment(tokens: tokens, score: decoder.finalScore, memory: decoder.memory)
    }
}
