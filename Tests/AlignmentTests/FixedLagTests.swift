import Testing
@testable import Alignment

/// `IncrementalAligner(maxLag:)`: the fixed-lag decision that bounds a live stream's delay and memory.
@Suite struct FixedLagTests {
    /// Feeds every row; returns the tokens in emission order and the frame count when each came out.
    private func run(_ scores: [Float], frames: Int, constraints: TokenConstraints, beam: Float?, maxLag: Int?,
                     interval: Int? = nil, maxHold: Int? = nil, holdMargin: Float = 0,
                     memory: ((AlignmentMemory) -> Void)? = nil) throws -> (tokens: [AlignedToken], at: [Int]) {
        let n = constraints.tokenCount
        var aligner = try IncrementalAligner(constraints: constraints, beam: beam, maxLag: maxLag, decisionInterval: interval,
                                             maxHold: maxHold, holdMargin: holdMargin)
        var tokens: [AlignedToken] = [], at: [Int] = []
        for f in 0 ..< frames {
            let out = try aligner.push(Array(scores[f * n ..< (f + 1) * n]))
            tokens += out
            at += out.map { _ in f + 1 }
            memory?(aligner.memory)
        }
        let rest = try aligner.finish()
        tokens += rest
        at += rest.map { _ in frames }
        return (tokens, at)
    }

    /// A random case: 2–12 tokens of 1–3 minimum frames (a third skippable, a fifth but the last
    /// of fixed length), 40–300 frames of
    /// scores in [−3, 0]; nil when the tokens do not fit the frames.
    private func randomCase(_ rng: inout SeededGenerator) -> (frames: Int, constraints: TokenConstraints, scores: [Float])? {
        let n = Int.random(in: 2 ... 12, using: &rng)
        let frames = Int.random(in: 40 ... 300, using: &rng)
        let constraints = TokenConstraints(
            tokenCount: n, minFrames: (0 ..< n).map { _ in Int.random(in: 1 ... 3, using: &rng) },
            skippable: (0 ..< n).map { _ in Int.random(in: 0 ..< 3, using: &rng) == 0 },
            fixedLength: (0 ..< n).map { k in k < n - 1 && Int.random(in: 0 ..< 5, using: &rng) == 0 })  // the last absorbs the rest
        guard frames >= constraints.requiredFrames else { return nil }
        return (frames, constraints, (0 ..< frames * n).map { _ in Float.random(in: -3 ... 0, using: &rng) })
    }

    /// The shortest lag whose decisions always move on (`IncrementalAligner` maxLag): 1 + a run
    /// of fixed-length tokens and the minimum of the token after it.
    static func leastLag(_ c: TokenConstraints) -> Int {
        var least = 1 + (c.minFrames.max() ?? 1), run = 0
        for k in 0 ..< c.tokenCount {
            if c.fixedLength[k] { run += c.minFrames[k]; continue }
            least = max(least, 1 + run + c.minFrames[k])
            run = 0
        }
        return least
    }

    /// Every token once, in order, the frames covered exactly once, each token at least its
    /// minimum unless skipped (and skipped only if skippable), each out within `bound` frames of
    /// its end or at the stream's end.
    private func expectValidPath(_ tokens: [AlignedToken], at: [Int], constraints: TokenConstraints, frames: Int,
                                 outWithin bound: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(tokens.map(\.token) == Array(0 ..< constraints.tokenCount), sourceLocation: sourceLocation)
        var next = 0
        for (token, when) in zip(tokens, at) {
            #expect(token.start == next, "token \(token.token) starts at \(token.start), expected \(next)", sourceLocation: sourceLocation)
            next = token.end
            if token.isSkipped {
                #expect(constraints.skippable[token.token], sourceLocation: sourceLocation)
            } else if constraints.fixedLength[token.token] {
                #expect(token.frameCount == constraints.minFrames[token.token], sourceLocation: sourceLocation)
            } else {
                #expect(token.frameCount >= constraints.minFrames[token.token], sourceLocation: sourceLocation)
            }
            #expect(when - token.end <= bound || when == frames, "token \(token.token) ended \(token.end), out at \(when)",
                    sourceLocation: sourceLocation)
        }
        #expect(next == frames, sourceLocation: sourceLocation)
    }

    /// Whatever the scores: every token once, in order, the frames covered exactly once, each
    /// token at least its minimum unless skipped, and out within maxLag + the decision interval
    /// (default maxLag/4) + 1 frames of its end — where without the lag the same searches keep
    /// tokens for far longer.
    @Test(arguments: [nil, 1, 3] as [Int?])
    func randomScoresGiveAValidPathOnTime(interval: Int?) throws {
        var rng = SeededGenerator(seed: 2026)
        var waitedLonger = 0
        for _ in 0 ..< 120 {
            guard case let (frames, constraints, scores)? = randomCase(&rng) else { continue }
            let least = max(4, Self.leastLag(constraints))
            guard least <= 20 else { continue }
            let maxLag = Int.random(in: least ... 20, using: &rng)
            let every = interval ?? max(1, maxLag / 4)
            let (tokens, at) = try run(scores, frames: frames, constraints: constraints, beam: nil, maxLag: maxLag, interval: interval)
            expectValidPath(tokens, at: at, constraints: constraints, frames: frames, outWithin: maxLag + every + 1)
            let exact = try run(scores, frames: frames, constraints: constraints, beam: nil, maxLag: nil)
            if zip(exact.tokens, exact.at).contains(where: { $0.1 - $0.0.end > maxLag + every + 1 }) { waitedLonger += 1 }
        }
        #expect(waitedLonger > 10, "the exact search should often wait longer than the lag on noise")
    }

    /// Clear scores (a diagonal): the lag changes nothing, the path is the exact one.
    @Test func clearScoresGiveTheExactPath() throws {
        let n = 30, per = 8, frames = n * per
        let scores = diagonalScores(frames: frames, tokens: n, framesPerToken: per)
        let constraints = TokenConstraints(tokenCount: n)
        let exact = try MonotonicAligner(constraints: constraints).align(scores: scores, frameCount: frames)
        let lagged = try run(scores, frames: frames, constraints: constraints, beam: nil, maxLag: 5)
        #expect(lagged.tokens.map { [$0.token, $0.start, $0.end] } == exact.tokens.map { [$0.token, $0.start, $0.end] })
    }

    /// One token holding a long stretch (a long silence) with nothing to tell the paths apart:
    /// with the lag, memory stays flat; without it, it grows with the stretch.
    @Test func memoryStaysFlatThroughALongUndecidedStretch() throws {
        let n = 200, frames = 20_000
        var scores = [Float](repeating: -1, count: frames * n)
        let stretch = frames - n
        for f in 0 ..< stretch { for k in 0 ..< 3 { scores[f * n + k] = 0 } }  // tokens 0–2 tie
        for f in stretch ..< frames { scores[f * n + f - stretch] = 0 }  // then one token a frame
        let constraints = TokenConstraints(tokenCount: n)
        var peakLagged = 0, peakExact = 0
        _ = try run(scores, frames: frames, constraints: constraints, beam: 5, maxLag: 50) {
            peakLagged = max(peakLagged, $0.backpointerBytes + $0.retainedScoreBytes)
        }
        _ = try run(scores, frames: frames, constraints: constraints, beam: 5, maxLag: nil) {
            peakExact = max(peakExact, $0.backpointerBytes + $0.retainedScoreBytes)
        }
        // 50 + 12 frames of lag: rows of 200 floats (800 bytes) and backpointers, with slack for capacity.
        #expect(peakLagged < 200_000, "peak \(peakLagged) bytes")
        #expect(peakExact > 10 * peakLagged, "exact \(peakExact) vs lagged \(peakLagged)")
    }

    /// The stream ends before the remaining tokens fit after a decision: every token still comes
    /// out once, in order, the unreached ones as empty spans at the end.
    @Test func aStreamThatEndsEarlyStillGivesEveryToken() throws {
        let n = 20, frames = 120
        var scores = [Float](repeating: -2, count: frames * n)
        for f in 0 ..< frames { scores[f * n] = 0 }  // token 0 holds everything
        let (tokens, _) = try run(scores, frames: frames, constraints: TokenConstraints(tokenCount: n), beam: nil, maxLag: 10)
        #expect(tokens.map(\.token) == Array(0 ..< n))
        #expect(tokens.last?.end == frames)
        for (a, b) in zip(tokens, tokens.dropFirst()) { #expect(a.end == b.start) }
    }

    /// Adaptive lag, random scores: still a valid path, every token out within maxHold + the
    /// decision interval + 1 frames of its end.
    @Test func adaptiveLagGivesAValidPathWithinTheCap() throws {
        var rng = SeededGenerator(seed: 77)
        var held = 0
        for _ in 0 ..< 80 {
            guard case let (frames, constraints, scores)? = randomCase(&rng) else { continue }
            let least = max(4, Self.leastLag(constraints))
            guard least <= 12 else { continue }
            let maxLag = Int.random(in: least ... 12, using: &rng), maxHold = maxLag + Int.random(in: 0 ... 30, using: &rng)
            let every = max(1, maxLag / 4)
            let (tokens, at) = try run(scores, frames: frames, constraints: constraints, beam: nil, maxLag: maxLag,
                                       maxHold: maxHold, holdMargin: 5)
            expectValidPath(tokens, at: at, constraints: constraints, frames: frames, outWithin: maxHold + every + 1)
            held += zip(tokens, at).filter { $0.1 - $0.0.end > maxLag + every + 1 && $0.1 < frames }.count
        }
        #expect(held > 0, "some decisions should have been held past the lag")
    }

    /// A pause that the next tokens fit slightly better than the token before it (noise that
    /// looks like speech): the fixed lag commits the early path and never comes back; the
    /// adaptive lag holds while the path that waits is within the margin, and gives the exact path.
    @Test func adaptiveLagWaitsOutAPauseTheFixedLagGetsWrong() throws {
        let n = 6, frames = 90
        var scores = [Float](repeating: -5, count: frames * n)
        func set(_ f: Range<Int>, _ k: Int, _ v: Float) { for t in f { scores[t * n + k] = v } }
        set(0 ..< 10, 0, 0)
        set(10 ..< 40, 0, -1)                                              // the pause: token 0 holds at −1 a frame
        set(10 ..< 20, 1, -0.8); set(20 ..< 30, 2, -0.8); set(30 ..< 40, 3, -0.8)  // tokens 1–3 fit it a bit better
        for k in 1 ..< n { set((30 + 10 * k) ..< (40 + 10 * k), k, 0) }     // then the real tokens 1–5
        let constraints = TokenConstraints(tokenCount: n)
        let exact = try MonotonicAligner(constraints: constraints).align(scores: scores, frameCount: frames)
        #expect(exact.tokens.map(\.start) == [0, 40, 50, 60, 70, 80])
        let fixed = try run(scores, frames: frames, constraints: constraints, beam: nil, maxLag: 5)
        #expect(fixed.tokens.map(\.start) != exact.tokens.map(\.start), "the fixed lag should commit the early path")
        let adaptive = try run(scores, frames: frames, constraints: constraints, beam: nil, maxLag: 5, maxHold: 40, holdMargin: 10)
        #expect(adaptive.tokens.map { [$0.token, $0.start, $0.end] } == exact.tokens.map { [$0.token, $0.start, $0.end] })
        // A cap shorter than the pause cannot wait it out: it decides at the cap.
        let short = try run(scores, frames: frames, constraints: constraints, beam: nil, maxLag: 5, maxHold: 8, holdMargin: 10)
        #expect(zip(short.tokens, short.at).allSatisfy { $0.1 - $0.0.end <= 8 + 1 + 1 || $0.1 == frames })
    }

    @Test func aHoldBelowTheLagIsRefused() {
        #expect(throws: AlignmentError.self) {
            try IncrementalAligner(constraints: TokenConstraints(tokenCount: 2), maxLag: 10, maxHold: 5)
        }
    }

    @Test func aLagBelowOneFrameIsRefused() {
        #expect(throws: AlignmentError.self) { try IncrementalAligner(constraints: TokenConstraints(tokenCount: 2), maxLag: 0) }
    }
}
