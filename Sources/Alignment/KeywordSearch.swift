import Foundation

/// One occurrence of a keyword found in a posteriorgram.
public struct KeywordHit: Sendable, Equatable {
    /// Index of the keyword in the search's list.
    public var keyword: Int
    /// First frame, and one past the last frame.
    public var start: Int
    public var end: Int
    /// Geometric mean over the keyword's phones of their mean posteriors along the path, in [0, 1].
    public var score: Float
}

/// Finds keywords (phone sequences) in untranscribed speech from per-frame phone log posteriors.
///
/// For each keyword, a subsequence dynamic programme runs over the frames: the keyword may start
/// at any frame; its phones follow in order, each for at least one frame. Paths are ranked by
/// the sum over their frames of `log P(phone | t) − log max_j P(j | t)` (zero while the
/// keyword's phone is the frame's most likely one, negative otherwise), so a path covers the
/// keyword where the audio says it and nowhere else. Every frame where a path ends in the last
/// phone is a candidate; its score is the geometric mean over the keyword's phones of each
/// phone's mean posterior on its frames (so one phone the audio lacks sinks the score).
/// Candidates above `threshold` are kept from best to worst (the longer on a tie), dropping any
/// that overlaps a kept hit of the same keyword. O(frames · phones) time, O(phones) memory per
/// keyword.
public struct KeywordSearch: Sendable {
    /// Phone class indices of each keyword.
    public let keywords: [[Int]]
    public let threshold: Float

    public init(keywords: [[Int]], threshold: Float = 0.5) {
        precondition(keywords.allSatisfy { !$0.isEmpty }, "KeywordSearch: a keyword has no phones")
        self.keywords = keywords
        self.threshold = threshold
    }

    /// `logPosteriors`: row-major (frames × classes) log probabilities.
    public func search(logPosteriors: [Float], frames: Int, classes: Int) -> [KeywordHit] {
        precondition(logPosteriors.count == frames * classes, "KeywordSearch: \(logPosteriors.count) values for \(frames) × \(classes)")
        var best = [Float](repeating: 0, count: frames)
        for t in 0..<frames {
            var m = -Float.infinity
            for j in 0..<classes { m = max(m, logPosteriors[t * classes + j]) }
            best[t] = m
        }
        var hits: [KeywordHit] = []
        for (index, phones) in keywords.enumerated() {
            var candidates = candidates(phones, logPosteriors: logPosteriors, best: best, frames: frames, classes: classes)
                .filter { $0.score >= threshold }
            candidates.sort { ($0.score, $0.end - $0.start, -$0.start) > ($1.score, $1.end - $1.start, -$1.start) }
            var kept: [KeywordHit] = []
            for c in candidates where !kept.contains(where: { $0.start < c.end && c.start < $0.end }) {
                kept.append(KeywordHit(keyword: index, start: c.start, end: c.end, score: c.score))
            }
            hits += kept
        }
        return hits.sorted { ($0.start, $0.keyword) < ($1.start, $1.keyword) }
    }

    private struct Cell {
        var cost: Float = -.infinity
        var start = 0
        /// Sum of log(mean posterior) of the phones already left.
        var logMeans: Float = 0
        /// Posterior sum and frame count of the current phone.
        var posterior: Float = 0
        var frames = 0

        func extended(gain: Float, posterior p: Float) -> Cell {
            Cell(cost: cost + gain, start: start, logMeans: logMeans, posterior: posterior + p, frames: frames + 1)
        }

        /// The same path, its current phone closed, about to enter the next one.
        var closed: Cell {
            Cell(cost: cost, start: start, logMeans: logMeans + logf(max(posterior / Float(frames), 1e-30)), posterior: 0, frames: 0)
        }
    }

    private func candidates(_ phones: [Int], logPosteriors lp: [Float], best: [Float], frames: Int, classes: Int)
        -> [(start: Int, end: Int, score: Float)] {
        let k = phones.count
        var previous = [Cell](repeating: Cell(), count: k), current = previous
        var out: [(start: Int, end: Int, score: Float)] = []
        for t in 0..<frames {
            for i in 0..<k {
                let l = lp[t * classes + phones[i]]
                // stay in phone i, or enter it from phone i − 1 (or start the keyword here)
                var from = previous[i]
                if i == 0 {
                    if from.cost < 0 { from = Cell(cost: 0, start: t) }
                } else if previous[i - 1].cost >= from.cost, previous[i - 1].cost > -.infinity {
                    from = previous[i - 1].closed
                }
                current[i] = from.cost == -.infinity ? Cell() : from.extended(gain: l - best[t], posterior: expf(l))
            }
            let last = current[k - 1]
            if last.cost > -.infinity {
                let logScore = (last.closed.logMeans) / Float(k)
                out.append((last.start, t + 1, expf(logScore)))
            }
            swap(&previous, &current)
        }
        return out
    }
}
