import Testing
@testable import Alignment

@Suite struct IncrementalAlignerTests {
    /// Feeds rows one by one; returns all tokens in emission order and the frame count at which
    /// each was emitted (`frames` + 1 for those from `finish()`).
    private func stream(_ scores: [Float], frames: Int, constraints: TokenConstraints, beam: Float?) throws -> (tokens: [AlignedToken], emittedAt: [Int]) {
        let n = constraints.tokenCount
        var aligner = try IncrementalAligner(constraints: constraints, beam: beam)
        var tokens: [AlignedToken] = []
        var emittedAt: [Int] = []
        for f in 0 ..< frames {
            let settled = try aligner.push(Array(scores[f * n ..< (f + 1) * n]))
            tokens += settled
            emittedAt += settled.map { _ in f + 1 }
        }
        let rest = try aligner.finish()
        tokens += rest
        emittedAt += rest.map { _ in frames + 1 }
        #expect(throws: AlignmentError.alreadyFinished) { try aligner.finish() }
        #expect(throws: AlignmentError.alreadyFinished) { try aligner.push([Float](repeating: 0, count: n)) }
        return (tokens, emittedAt)
    }

    @Test(arguments: [nil, 0.5, 2, 8] as [Float?])
    func randomCasesMatchOffline(beam: Float?) throws {
        var rng = SeededGenerator(seed: 77 + UInt64((beam ?? 0) * 2))
        for _ in 0 ..< 150 {
            let frames = Int.random(in: 1 ... 60, using: &rng)
            let n = Int.random(in: 1 ... 8, using: &rng)
            let constraints = TokenConstraints(
                tokenCount: n,
                minFrames: (0 ..< n).map { _ in Int.random(in: 1 ... 3, using: &rng) },
                skippable: (0 ..< n).map { _ in Int.random(in: 0 ..< 3, using: &rng) == 0 },
                fixedLength: (0 ..< n).map { _ in Int.random(in: 0 ..< 4, using: &rng) == 0 })
            guard frames >= constraints.requiredFrames else { continue }
            let scores = (0 ..< frames * n).map { _ in
                Int.random(in: 0 ..< 60, using: &rng) == 0 ? -Float.infinity : Float.random(in: -4 ... 0, using: &rng)
            }
            let aligner = try MonotonicAligner(constraints: constraints, beam: beam)
            let attempt = Result { () throws(AlignmentError) in try aligner.align(scores: scores, frameCount: frames) }
            switch attempt {
            case .failure(.noPathWithinBeam), .failure(.noPath): continue
            default: break
            }
            let offline = try attempt.get()
            let streamed = try stream(scores, frames: frames, constraints: constraints, beam: beam)
            #expect(streamed.tokens == offline.tokens)
            for (token, at) in zip(streamed.tokens, streamed.emittedAt) where at <= frames {
                #expect(token.end <= at, "token \(token.token) ending at \(token.end) emitted at frame \(at)")
            }
        }
    }

    @Test func diagonalStreamsWithSmallLag() throws {
        let n = 40, perToken = 6, frames = n * perToken
        let scores = diagonalScores(frames: frames, tokens: n, framesPerToken: perToken)
        let constraints = TokenConstraints(tokenCount: n, minFrames: Array(repeating: 2, count: n))
        let offline = try MonotonicAligner(constraints: constraints, beam: 10).align(scores: scores, frameCount: frames)
        #expect(offline.tokens.map(\.start) == (0 ..< n).map { $0 * perToken })
        let streamed = try stream(scores, frames: frames, constraints: constraints, beam: 10)
        #expect(streamed.tokens == offline.tokens)
        let early = zip(streamed.tokens, streamed.emittedAt).filter { $1 <= frames }
        #expect(early.count >= n - 3)
        for (token, at) in early { #expect(at - token.end <= 3 * perToken, "token \(token.token) lagged \(at - token.end) frames") }
        #expect(offline.tokens.allSatisfy { ($0.meanPosterior ?? 0) > 0.8 && ($0.margin ?? 0) > 2 })
    }

    @Test func exactStreamingStillAgreesWithSkipsAndForbiddenCells() throws {
        let n = 5
        let constraints = TokenConstraints(tokenCount: n, minFrames: [1, 3, 1, 2, 1], skippable: [true, false, true, false, true])
        var rng = SeededGenerator(seed: 5)
        let frames = 50
        let scores = (0 ..< frames * n).map { _ in Int.random(in: 0 ..< 40, using: &rng) == 0 ? -Float.infinity : Float.random(in: -3 ... 0, using: &rng) }
        let offline = try MonotonicAligner(constraints: constraints).align(scores: scores, frameCount: frames)
        #expect(try stream(scores, frames: frames, constraints: constraints, beam: nil).tokens == offline.tokens)
    }

    @Test func tooFewFramesAtFinish() throws {
        var aligner = try IncrementalAligner(constraints: TokenConstraints(tokenCount: 3, minFrames: [2, 2, 2]))
        for _ in 0 ..< 5 { _ = try aligner.push([0, 0, 0]) }
        #expect(throws: AlignmentError.tooFewFrames(frames: 5, required: 6)) { try aligner.finish() }
        var other = try IncrementalAligner(constraints: TokenConstraints(tokenCount: 2))
        #expect(throws: AlignmentError.wrongScoreCount(expected: 2, found: 3)) { try other.push([0, 0, 0]) }
    }

    /// 30 000 frames × 3 000 tokens, streamed with a beam: backpointer memory stays within the
    /// 2-bit-per-cell bound and, thanks to settlement, far below it.
    @Test func largeCaseStaysWithinMemoryBound() throws {
        let n = 3000, frames = 30000, perToken = 10
        let constraints = TokenConstraints(tokenCount: n, minFrames: Array(repeating: 2, count: n))
        var aligner = try IncrementalAligner(constraints: constraints, beam: 8)
        var row = [Float](repeating: 0, count: n)
        var emitted = 0
        for f in 0 ..< frames {
            diagonalRow(frame: f, tokens: n, framesPerToken: perToken, into: &row)
            emitted += try aligner.push(row).count
        }
        let memory = aligner.memory
        let tokens = try aligner.finish()
        #expect(emitted + tokens.count == n)
        #expect(tokens.last?.end == frames)
        let bound = (frames + 1) * ((n + 63) / 64) * 16
        #expect(memory.peakBackpointerBytes <= bound)
        #expect(memory.peakBackpointerBytes <= bound / 100)
        #expect(memory.stateBytes <= 64 * n)
        #expect(emitted >= n - 10)
        #expect(aligner.settledFrame >= frames - 10 * perToken)
    }

    /// Offline decoding keeps every row: 2 bits per cell, rounded up to 64-token words.
    @Test func offlineMemoryIsTwoBitsPerCell() throws {
        let n = 1000, frames = 3000, perToken = 3
        let scores = diagonalScores(frames: frames, tokens: n, framesPerToken: perToken)
        let result = try MonotonicAligner(constraints: TokenConstraints(tokenCount: n), beam: 8).align(scores: scores, frameCount: frames)
        #expect(result.tokens.map(\.start) == (0 ..< n).map { $0 * perToken })
        let exact = (frames + 1) * ((n + 63) / 64) * 16
        #expect(result.memory.peakBackpointerBytes >= exact)
        #expect(result.memory.peakBackpointerBytes <= exact + 4096)  // allocator rounding only
        #expect(result.memory.retainedScoreBytes == 0)
    }
}
