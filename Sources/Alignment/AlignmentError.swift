/// Why a monotonic alignment could not be computed. `description` is one line.
public enum AlignmentError: Error, Equatable, Sendable, CustomStringConvertible {
    /// There are no tokens to align.
    case noTokens
    /// The per-token constraints are inconsistent (wrong lengths, a minimum below 1).
    case invalidConstraints(String)
    /// A score matrix or row has the wrong number of values.
    case wrongScoreCount(expected: Int, found: Int)
    /// A score is NaN or +∞ (−∞ is allowed: it forbids that token at that frame).
    case invalidScore(frame: Int, token: Int, value: Float)
    /// Fewer frames than the non-skippable tokens need in total.
    case tooFewFrames(frames: Int, required: Int)
    /// Every path has score −∞ (the scores forbid all of them).
    case noPath(frames: Int)
    /// The beam pruned every path that ends on the last token; a wider beam (or none) may succeed.
    case noPathWithinBeam(frames: Int, beam: Float)
    /// `push` or `finish` was called after `finish`.
    case alreadyFinished

    public var description: String {
        switch self {
        case .noTokens: return "alignment: no tokens to align"
        case let .invalidConstraints(reason): return "alignment: invalid token constraints: \(reason)"
        case let .wrongScoreCount(expected, found): return "alignment: expected \(expected) scores, found \(found)"
        case let .invalidScore(frame, token, value): return "alignment: score at frame \(frame), token \(token) is \(value) (only finite values and -inf are allowed)"
        case let .tooFewFrames(frames, required): return "alignment: \(frames) frames cannot hold the tokens, which need at least \(required)"
        case let .noPath(frames): return "alignment: every path through \(frames) frames has score -inf"
        case let .noPathWithinBeam(frames, beam): return "alignment: no complete path within beam \(beam) after \(frames) frames; widen the beam"
        case .alreadyFinished: return "alignment: already finished"
        }
    }
}
