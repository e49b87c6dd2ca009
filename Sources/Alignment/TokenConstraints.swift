/// What each token of a monotonic alignment may occupy.
///
/// A token that is not skipped covers a contiguous run of at least `minFrames[k]` frames;
/// a skippable token (e.g. optional inter-word silence) may instead cover 0 frames.
public struct TokenConstraints: Sendable, Equatable {
    /// Minimum frames per token when present, each ≥ 1.
    public var minFrames: [Int]
    /// Whether each token may be skipped (covered by 0 frames).
    public var skippable: [Bool]

    /// Constraints for `tokenCount` tokens; omitted arrays default to 1 frame and not skippable.
    public init(tokenCount: Int, minFrames: [Int]? = nil, skippable: [Bool]? = nil) {
        self.minFrames = minFrames ?? Array(repeating: 1, count: tokenCount)
        self.skippable = skippable ?? Array(repeating: false, count: tokenCount)
    }

    /// Number of tokens.
    public var tokenCount: Int { minFrames.count }

    /// Frames needed by the tokens that cannot be skipped.
    public var requiredFrames: Int {
        zip(minFrames, skippable).reduce(0) { $0 + ($1.1 ? 0 : $1.0) }
    }

    func validate() throws(AlignmentError) {
        guard !minFrames.isEmpty else { throw .noTokens }
        guard skippable.count == minFrames.count else {
            throw .invalidConstraints("\(minFrames.count) minimum durations but \(skippable.count) skippable flags")
        }
        if let k = minFrames.firstIndex(where: { $0 < 1 }) {
            throw .invalidConstraints("token \(k) has minimum \(minFrames[k]) frames (must be at least 1)")
        }
    }
}
