/// What each token of a monotonic alignment may occupy.
///
/// A token that is not skipped covers a contiguous run of at least `minFrames[k]` frames;
/// a skippable token (e.g. optional inter-word silence) may instead cover 0 frames. A token of
/// fixed length covers exactly its minimum when present: a chain of them, the later ones
/// skippable, bounds how long one phone may last (`AlignmentTokens` caps word-final stops so).
public struct TokenConstraints: Sendable, Equatable {
    /// Minimum frames per token when present, each ≥ 1.
    public var minFrames: [Int]
    /// Whether each token may be skipped (covered by 0 frames).
    public var skippable: [Bool]
    /// Whether each token covers exactly `minFrames` frames when present (no more).
    public var fixedLength: [Bool]

    /// Constraints for `tokenCount` tokens; omitted arrays default to 1 frame, not skippable,
    /// not of fixed length.
    public init(tokenCount: Int, minFrames: [Int]? = nil, skippable: [Bool]? = nil, fixedLength: [Bool]? = nil) {
        self.minFrames = minFrames ?? Array(repeating: 1, count: tokenCount)
        self.skippable = skippable ?? Array(repeating: false, count: tokenCount)
        self.fixedLength = fixedLength ?? Array(repeating: false, count: tokenCount)
    }

    /// The constraints of tokens `range`, renumbered from 0.
    func slice(_ range: Range<Int>) -> TokenConstraints {
        TokenConstraints(tokenCount: range.count, minFrames: Array(minFrames[range]), skippable: Array(skippable[range]),
                         fixedLength: Array(fixedLength[range]))
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
        guard fixedLength.count == minFrames.count else {
            throw .invalidConstraints("\(minFrames.count) minimum durations but \(fixedLength.count) fixed-length flags")
        }
        if let k = minFrames.firstIndex(where: { $0 < 1 }) {
            throw .invalidConstraints("token \(k) has minimum \(minFrames[k]) frames (must be at least 1)")
        }
    }
}
