import Testing
@testable import Alignment

@Suite struct MonotonicAlignerTests {
    /// Random small cases against exhaustive enumeration, with and without minimum durations,
    /// skippable tokens, tokens of fixed length and −∞ scores.
    @Test(arguments: [(false, false, false), (true, false, false), (false, true, false), (true, true, false), (true, true, true)])
    func matchesBruteForce(useMinFrames: Bool, useSkips: Bool, useFixed: Bool) throws {
        var rng = SeededGenerator(seed: useFixed ? 15 : useMinFrames ? (useSkips ? 11 : 12) : (useSkips ? 13 : 14))
        var compared = 0
        var pathsCompared = 0
        var fixedPlaced = 0
        for _ in 0 ..< 400 {
            let frames = Int.random(in: 1 ... 9, using: &rng)
            let n = Int.random(in: 1 ... 4, using: &rng)
            let minFrames = (0 ..< n).map { _ in useMinFrames ? Int.random(in: 1 ... 3, using: &rng) : 1 }
            let skippable = (0 ..< n).map { _ in useSkips && Bool.random(using: &rng) }
            let fixed = (0 ..< n).map { _ in useFixed && Bool.random(using: &rng) }
            let constraints = TokenConstraints(tokenCount: n, minFrames: minFrames, skippable: skippable, fixedLength: fixed)
            let scores = (0 ..< frames * n).map { _ in
                Int.random(in: 0 ..< 25, using: &rng) == 0 ? -Float.infinity : Float.random(in: -5 ... 0, using: &rng)
            }
            let truth = BruteForce(scores: scores, frames: frames, constraints: constraints)
            let aligner = try MonotonicAligner(constraints: constraints)
            let attempt = Result { () throws(AlignmentError) in try aligner.align(scores: scores, frameCount: frames) }
            switch attempt {
            case let .success(result):
                #expect(truth.best > -.infinity)
                #expect(abs(result.score - truth.best) <= 1e-4, "score \(result.score) vs \(truth.best)")
                #expect(isAdmissible(result.tokens, frames: frames, constraints: constraints))
                let pathScore = result.tokens.reduce(0.0) { sum, token in
                    (token.start ..< token.end).reduce(sum) { $0 + Double(scores[$1 * n + token.token]) }
                }
                #expect(abs(pathScore - result.score) <= 1e-4)
                if truth.second < truth.best - 1e-3 {
                    #expect(result.tokens.map { ($0.start, $0.end) }.elementsEqual(truth.bestSpans, by: ==))
                    pathsCompared += 1
                }
                fixedPlaced += result.tokens.filter { fixed[$0.token] && !$0.isSkipped }.count
                compared += 1
            case let .failure(.tooFewFrames(f, required)):
                #expect(truth.best == -.infinity)
                #expect(f == frames && required > frames)
            case .failure(.noPath):
                #expect(truth.best == -.infinity)
            case let .failure(error):
                Issue.record("unexpected \(error)")
            }
        }
        #expect(compared > 150)
        #expect(pathsCompared > 100)
        #expect(!useFixed || fixedPlaced > 100)
    }

    /// A phone capped by a fixed-length token and skippable lengtheners of 1, 2 and 1 frames
    /// covers 2 ... 6 frames: where the scores favour it for 9 frames the pause after it takes
    /// the rest; where they favour 4 frames it takes 4.
    @Test func aCappedPhoneYieldsToThePause() throws {
        // Tokens: the stop (fixed, 2 frames), three lengtheners, the pause (skippable), a vowel.
        let constraints = TokenConstraints(tokenCount: 6, minFrames: [2, 1, 2, 1, 1, 1],
                                           skippable: [false, true, true, true, true, false],
                                           fixedLength: [true, true, true, true, false, false])
        func scores(stopFrames: Int) -> [Float] {
            (0 ..< 12).flatMap { f -> [Float] in
                let stop: Float = f < stopFrames ? 0 : -4
                let pause: Float = f < 11 ? -1 : -6
                return [stop, stop, stop, stop, pause, f == 11 ? 0 : -6]
            }
        }
        let long = try MonotonicAligner(constraints: constraints).align(scores: scores(stopFrames: 9), frameCount: 12)
        #expect(long.tokens.filter { $0.token < 4 }.map(\.frameCount).reduce(0, +) == 6)
        #expect(long.tokens[4].start == 6 && long.tokens[4].end == 11)
        let short = try MonotonicAligner(constraints: constraints).align(scores: scores(stopFrames: 4), frameCount: 12)
        #expect(short.tokens.filter { $0.token < 4 }.map(\.frameCount).reduce(0, +) == 4)
        #expect(short.tokens[4].start == 4)
        let unbounded = try MonotonicAligner(constraints: TokenConstraints(tokenCount: 6, minFrames: constraints.minFrames,
                                                                           skippable: constraints.skippable))
            .align(scores: scores(stopFrames: 9), frameCount: 12)
        #expect(unbounded.tokens[4].start == 9)
        #expect(throws: AlignmentError.invalidConstraints("2 minimum durations but 1 fixed-length flags")) {
            try MonotonicAligner(constraints: TokenConstraints(tokenCount: 2, minFrames: [1, 1], skippable: [false, false], fixedLength: [true]))
        }
    }

    @Test func confidenceFollowsItsDefinition() throws {
        let scores: [Float] = [
            -0.1, -2.0, -3.0,
            -0.2, -1.5, -3.0,
            -4.0, -0.3, -2.0,
            -5.0, -3.0, -0.4,
        ]
        let result = try MonotonicAligner(constraints: TokenConstraints(tokenCount: 3)).align(scores: scores, frameCount: 4)
        #expect(result.tokens.map(\.start) == [0, 2, 3])
        let first = try #require(result.tokens[0].meanPosterior)
        #expect(abs(first - (exp(-0.1) + exp(-0.2)) / 2) < 1e-6)
        let lead = try #require(result.tokens[0].margin)
        #expect(abs(lead - ((-0.1 + 2.0) + (-0.2 + 1.5)) / 2) < 1e-6)
        let middle = try #require(result.tokens[1].margin)
        #expect(abs(middle - (-0.3 + 2.0)) < 1e-6)
    }

    @Test func skippedTokenHasNoConfidence() throws {
        let constraints = TokenConstraints(tokenCount: 3, skippable: [false, true, false])
        let scores: [Float] = [0, -9, -9, 0, -9, -9, -9, -9, 0, -9, -9, 0]
        let result = try MonotonicAligner(constraints: constraints).align(scores: scores, frameCount: 4)
        #expect(result.tokens[1] == AlignedToken(token: 1, start: 2, end: 2))
        #expect(result.tokens[1].isSkipped)
        #expect(result.score == 0)
    }

    @Test func impossibleCasesThrow() throws {
        let constraints = TokenConstraints(tokenCount: 3, minFrames: [2, 5, 2], skippable: [false, true, false])
        #expect(constraints.requiredFrames == 4)
        let aligner = try MonotonicAligner(constraints: constraints)
        #expect(throws: AlignmentError.tooFewFrames(frames: 3, required: 4)) {
            try aligner.align(scores: [Float](repeating: 0, count: 9), frameCount: 3)
        }
        #expect(throws: AlignmentError.tooFewFrames(frames: 0, required: 4)) { try aligner.align(scores: [], frameCount: 0) }
        #expect(try aligner.align(scores: [Float](repeating: 0, count: 12), frameCount: 4).tokens[1].isSkipped)
        #expect(throws: AlignmentError.wrongScoreCount(expected: 12, found: 11)) {
            try aligner.align(scores: [Float](repeating: 0, count: 11), frameCount: 4)
        }
        #expect(throws: AlignmentError.noTokens) { try MonotonicAligner(constraints: TokenConstraints(tokenCount: 0)) }
        #expect(throws: AlignmentError.self) { try MonotonicAligner(constraints: TokenConstraints(tokenCount: 2, minFrames: [1, 0])) }
        #expect(throws: AlignmentError.self) { try MonotonicAligner(constraints: TokenConstraints(tokenCount: 2, minFrames: [1, 1], skippable: [true])) }
        let forbidden: [Float] = [0, -.infinity, 0, -.infinity]
        #expect(throws: AlignmentError.noPath(frames: 2)) {
            try MonotonicAligner(constraints: TokenConstraints(tokenCount: 2)).align(scores: forbidden, frameCount: 2)
        }
        #expect(throws: AlignmentError.invalidScore(frame: 1, token: 0, value: .infinity)) {
            try MonotonicAligner(constraints: TokenConstraints(tokenCount: 2)).align(scores: [0, 0, .infinity, 0], frameCount: 2)
        }
        let nan = #expect(throws: AlignmentError.self) {
            try MonotonicAligner(constraints: TokenConstraints(tokenCount: 1)).align(scores: [.nan], frameCount: 1)
        }
        #expect(nan?.description.contains("\n") == false)
    }
}

import Foundation
