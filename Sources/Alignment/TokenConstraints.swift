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
    public var requiredFrames: Int { requiredFrames(in: 0 ..< tokenCount) }

    /// Frames needed by the tokens of `range` that cannot be skipped; the count stops as soon as
    /// it exceeds `limit` (so asking whether a long rest fits a few frames costs only those).
    func requiredFrames(in range: Range<Int>, stoppingAbove limit: Int = .max) -> Int {
        var sum = 0
        for k in range where !skippable[k] {
            sum += minFrames[k]
            if sum > limit { break }
        }
        return sum
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
