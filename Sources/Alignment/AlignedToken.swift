import Foundation

/// One token's place in a monotonic alignment.
///
/// Frames are indices into the score matrix's rows (10 ms each for attend's encoder).
public struct AlignedToken: Sendable, Equatable {
    /// Token index, 0 ..< tokenCount.
    public var token: Int
    /// First frame covered.
    public var start: Int
    /// One past the last frame covered; `start == end` for a skipped token.
    public var end: Int
    /// Mean over the covered frames of exp(score): the token's mean posterior when the scores
    /// are per-frame log posteriors, in [0, 1]. `nil` for a skipped token.
    public var meanPosterior: Float?
    /// Mean over the covered frames of score[f][token] − max(score[f][token − 1], score[f][token + 1])
    /// (neighbours that exist): how far, in log-score units, the token leads the alternatives a
    /// monotonic path could have used at its frames instead. Positive means the path is
    /// supported locally. `nil` for a skipped token or a single-token alignment.
    public var margin: Float?

    public init(token: Int, start: Int, end: Int, meanPosterior: Float? = nil, margin: Float? = nil) {
        self.token = token
        self.start = start
        self.end = end
        self.meanPosterior = meanPosterior
        self.margin = margin
    }

    /// Number of frames covered.
    public var frameCount: Int { end - start }
    /// Whether the token covers no frame.
    public var isSkipped: Bool { start == end }
}

extension AlignedToken {
    /// Fills `meanPosterior` and `margin` from `score(frame, token)`.
    mutating func computeConfidence(tokenCount: Int, score: (Int, Int) -> Float) {
        guard end > start else { return }
        var sums = ConfidenceSums()
        for f in start ..< end { sums.add(frame: f, token: token, tokenCount: tokenCount, score: score) }
        sums.apply(to: &self, tokenCount: tokenCount)
    }
}

/// Running sums behind a token's confidence, frame by frame (so a streaming search can add a
/// token's frames part by part, in frame order, and get the same numbers as one pass).
struct ConfidenceSums: Sendable {
    var posterior = 0.0
    var lead = 0.0
    var count = 0

    /// Adds one frame: exp(own score), and own score − the best of the neighbouring tokens'.
    mutating func add(frame f: Int, token: Int, tokenCount: Int, score: (Int, Int) -> Float) {
        let own = score(f, token)
        posterior += exp(Double(own))
        var rival = -Float.infinity
        if token > 0 { rival = max(rival, score(f, token - 1)) }
        if token + 1 < tokenCount { rival = max(rival, score(f, token + 1)) }
        let difference = Double(own) - Double(rival)
        lead += difference.isNaN ? 0 : difference
        count += 1
    }

    /// Sets `meanPosterior` and `margin` of `token` from the sums.
    func apply(to token: inout AlignedToken, tokenCount: Int) {
        let n = Double(count)
        token.meanPosterior = Float(posterior / n)
        token.margin = tokenCount > 1 ? Float(lead / n) : nil
    }
}
