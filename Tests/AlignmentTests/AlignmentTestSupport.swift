@testable import Alignment

/// A deterministic generator for reproducible random cases (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Every admissible path, enumerated: the best score, the runner-up, and the best path's spans.
struct BruteForce {
    var best = -Double.infinity
    var second = -Double.infinity
    var bestSpans: [(Int, Int)] = []

    init(scores: [Float], frames: Int, constraints: TokenConstraints) {
        let n = constraints.tokenCount
        var spans: [(Int, Int)] = []
        func visit(token k: Int, frame f: Int, score: Double) {
            if k == n {
                guard f == frames else { return }
                if score > best {
                    second = best
                    best = score
                    bestSpans = spans
                } else if score > second {
                    second = score
                }
                return
            }
            let m = constraints.minFrames[k]
            var lengths = constraints.fixedLength[k] ? [m] : Array(m ... max(m, frames - f))
            if constraints.skippable[k] { lengths.insert(0, at: 0) }
            for length in lengths where f + length <= frames {
                var total = score
                for g in f ..< f + length { total += Double(scores[g * n + k]) }
                spans.append((f, f + length))
                visit(token: k + 1, frame: f + length, score: total)
                spans.removeLast()
            }
        }
        visit(token: 0, frame: 0, score: 0)
    }
}

/// Log-posterior-like scores for a clean diagonal: token k is most likely on frames near
/// k · framesPerToken; the rest gets a deterministic pseudo-random penalty.
func diagonalRow(frame f: Int, tokens n: Int, framesPerToken: Int, into row: inout [Float]) {
    let center = f / framesPerToken
    row.withUnsafeMutableBufferPointer { row in
        row.update(repeating: -12)
        for k in max(0, center - 8) ... min(n - 1, center + 8) {
            let hash = UInt32(truncatingIfNeeded: (f &* 73_856_093) ^ (k &* 19_349_663))
            let noise = Float(hash % 1000) / 1000
            row[k] = k == center ? -0.05 - 0.1 * noise : -3 - Float(abs(k - center)) - noise
        }
    }
}

/// The whole `frames × tokens` matrix of `diagonalRow`s, row-major.
func diagonalScores(frames: Int, tokens n: Int, framesPerToken: Int) -> [Float] {
    var scores = [Float](repeating: 0, count: frames * n)
    var row = [Float](repeating: 0, count: n)
    for f in 0 ..< frames {
        diagonalRow(frame: f, tokens: n, framesPerToken: framesPerToken, into: &row)
        scores.replaceSubrange(f * n ..< (f + 1) * n, with: row)
    }
    return scores
}

/// Whether `tokens` is an admissible path for `frames` frames.
func isAdmissible(_ tokens: [AlignedToken], frames: Int, constraints: TokenConstraints) -> Bool {
    guard tokens.count == constraints.tokenCount else { return false }
    var cursor = 0
    for (k, token) in tokens.enumerated() {
        guard token.token == k, token.start == cursor, token.end >= token.start else { return false }
        let length = token.end - token.start
        guard length >= constraints.minFrames[k] || (length == 0 && constraints.skippable[k]) else { return false }
        guard !constraints.fixedLength[k] || length == 0 || length == constraints.minFrames[k] else { return false }
        cursor = token.end
    }
    return cursor == frames
}
