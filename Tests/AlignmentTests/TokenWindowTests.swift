import Foundation
import Testing
@testable import Alignment

/// `IncrementalAligner`'s token window: the streaming search holds `windowTokens` tokens, moves
/// the window at its settled point, and takes just the window's scores (`push(window:)`). Moving
/// must change nothing: the same tokens come out, at the same frames, as from one window over
/// the whole transcript (and, without a fixed lag, as from the offline search).
@Suite struct TokenWindowTests {
    /// Diagonal-ish scores over `n` tokens with noise, a wavering speaking rate and some forbidden
    /// cells: paths settle, split and merge again, so windows move often.
    private func scores(frames: Int, tokens n: Int, rng: inout SeededGenerator) -> [Float] {
        var out = [Float](repeating: 0, count: frames * n)
        let phase = Double.random(in: 0 ... 6, using: &rng)
        for f in 0 ..< frames {
            let steady: Double = Double(f) * Double(n) / Double(frames)
            let position: Double = steady + 6 * sin(Double(f) / 40 + phase)
            let center = max(0, min(n - 1, Int(position)))
            for k in 0 ..< n {
                var v = -Float(abs(k - center)) * Float.random(in: 0.5 ... 2, using: &rng) - Float.random(in: 0 ... 1.5, using: &rng)
                if Int.random(in: 0 ..< 300, using: &rng) == 0 { v = -.infinity }
                out[f * n + k] = v
            }
        }
        return out
    }

    /// Streams `scores` through `push(window:)` (or full rows); returns the tokens in order and
    /// the frame count at which each came out (`frames` + 1 from `finish()`), plus the widest
    /// score window asked for.
    private func stream(_ scores: [Float], frames: Int, constraints: TokenConstraints, beam: Float?, maxLag: Int?,
                        windowTokens: Int, windowed: Bool) throws -> (tokens: [AlignedToken], at: [Int], widest: Int) {
        let n = constraints.tokenCount
        var aligner = try IncrementalAligner(constraints: constraints, beam: beam, maxLag: maxLag, windowTokens: windowTokens)
        var tokens: [AlignedToken] = [], at: [Int] = []
        var widest = 0
        for f in 0 ..< frames {
            let out: [AlignedToken]
            if windowed {
                let window = aligner.scoreWindow
                widest = max(widest, window.count)
                out = try scores.withUnsafeBufferPointer { all throws(AlignmentError) in
                    try aligner.push(window: UnsafeBufferPointer(rebasing: all[f * n + window.lowerBound ..< f * n + window.upperBound]))
                }
            } else {
                out = try aligner.push(Array(scores[f * n ..< (f + 1) * n]))
            }
            tokens += out
            at += out.map { _ in f + 1 }
        }
        let rest = try aligner.finish()
        tokens += rest
        at += rest.map { _ in frames + 1 }
        return (tokens, at, widest)
    }

    @Test(arguments: [nil, 6, 15] as [Float?])
    func movingWindowsMatchTheOfflineSearch(beam: Float?) throws {
        var rng = SeededGenerator(seed: 4242 + UInt64(beam ?? 0))
        var cases = 0
        for _ in 0 ..< 12 {
            let n = Int.random(in: 150 ... 400, using: &rng)
            let frames = n * 3
            let constraints = TokenConstraints(
                tokenCount: n,
                minFrames: (0 ..< n).map { _ in Int.random(in: 1 ... 3, using: &rng) },
                skippable: (0 ..< n).map { _ in Int.random(in: 0 ..< 3, using: &rng) == 0 })
            guard frames >= constraints.requiredFrames else { continue }
            let s = scores(frames: frames, tokens: n, rng: &rng)
            let attempt = Result { () throws(AlignmentError) in
                try MonotonicAligner(constraints: constraints, beam: beam).align(scores: s, frameCount: frames)
            }
            switch attempt {
            case .failure(.noPathWithinBeam), .failure(.noPath): continue
            default: break
            }
            let offline = try attempt.get()
            let whole = try stream(s, frames: frames, constraints: constraints, beam: beam, maxLag: nil, windowTokens: n + 100, windowed: false)
            let small = try stream(s, frames: frames, constraints: constraints, beam: beam, maxLag: nil, windowTokens: 66, windowed: true)
            #expect(whole.tokens == offline.tokens)
            #expect(small.tokens == offline.tokens)
            #expect(small.at == whole.at, "windows changed when tokens came out")
            if beam != nil { #expect(small.widest < n, "the window never moved") }
            cases += 1
        }
        #expect(cases >= 6)
    }

    /// With fixed-lag decisions (not exact), windows still change nothing.
    @Test(arguments: [4, 15] as [Float])
    func movingWindowsChangeNothingUnderAFixedLag(beam: Float) throws {
        var rng = SeededGenerator(seed: 99 + UInt64(beam))
        var completed = 0
        for _ in 0 ..< 10 {
            let n = Int.random(in: 200 ... 400, using: &rng)
            let frames = n * 3
            let constraints = TokenConstraints(
                tokenCount: n,
                minFrames: (0 ..< n).map { _ in Int.random(in: 1 ... 4, using: &rng) },
                skippable: (0 ..< n).map { $0 % 2 == 1 })
            let s = scores(frames: frames, tokens: n, rng: &rng)
            let maxLag = Int.random(in: 5 ... 40, using: &rng)
            let whole = Result { try stream(s, frames: frames, constraints: constraints, beam: beam, maxLag: maxLag, windowTokens: n + 100, windowed: false) }
            let small = Result { try stream(s, frames: frames, constraints: constraints, beam: beam, maxLag: maxLag, windowTokens: 70, windowed: true) }
            switch (whole, small) {
            case let (.success(whole), .success(small)):
                #expect(small.tokens == whole.tokens)
                #expect(small.at == whole.at)
                #expect(small.widest < n)
                completed += 1
            case let (.failure(a), .failure(b)):
                #expect("\(a)" == "\(b)")
            default:
                Issue.record("one search failed and the other did not: \(whole), \(small)")
            }
        }
        #expect(completed >= 5)
    }

    /// A million-token transcript: each frame asks for a window of scores that does not grow with
    /// the transcript, and the search's state stays that of one window.
    @Test func aMillionTokensCostWhatAWindowCosts() throws {
        let n = 1_000_000, frames = 20_000, perToken = 4
        let constraints = TokenConstraints(tokenCount: n, minFrames: Array(repeating: 2, count: n))
        var aligner = try IncrementalAligner(constraints: constraints, beam: 8, maxLag: 50)
        var full = [Float](repeating: 0, count: 2 * IncrementalAligner.defaultWindowTokens + 256)
        var widest = 0, peakState = 0, peakBits = 0, emitted = 0
        for f in 0 ..< frames {
            let window = aligner.scoreWindow
            widest = max(widest, window.count)
            let center = f / perToken
            for (i, k) in window.enumerated() { full[i] = k == center ? -0.1 : -3 - Float(abs(k - center)) }
            emitted += try full.withUnsafeBufferPointer { try aligner.push(window: UnsafeBufferPointer(rebasing: $0[0 ..< window.count])) }.count
            peakState = max(peakState, aligner.memory.stateBytes)
            peakBits = max(peakBits, aligner.memory.peakBackpointerBytes)
        }
        #expect(widest <= 2 * IncrementalAligner.defaultWindowTokens)
        #expect(peakState <= 64 * 2 * IncrementalAligner.defaultWindowTokens)
        #expect(peakBits <= 1 << 20)
        #expect(emitted >= frames / perToken - 30, "emitted \(emitted) of \(frames / perToken) tokens the frames covered")
        #expect(aligner.settledFrame >= frames - 60)
    }

    /// A stream that stops with most of a long transcript left: `finishReached` names the first
    /// token not reached instead of searching (or listing) the whole rest, and `finish` lists the
    /// rest as empty spans at the last frame, every token once and in order.
    @Test func aStreamEndingEarlyDoesNotSearchTheRest() throws {
        let n = 200_000, frames = 2_000, perToken = 4
        let constraints = TokenConstraints(tokenCount: n, minFrames: Array(repeating: 2, count: n))
        func run() throws -> IncrementalAligner {
            var aligner = try IncrementalAligner(constraints: constraints, beam: nil, maxLag: 20)
            var row = [Float](repeating: 0, count: 2 * IncrementalAligner.defaultWindowTokens)
            for f in 0 ..< frames {
                let window = aligner.scoreWindow
                // Flat over a few tokens around the diagonal: paths do not agree, decisions are forced.
                for (i, k) in window.enumerated() { row[i] = abs(k - f / perToken) <= 2 ? -1 : -6 }
                _ = try row.withUnsafeBufferPointer { try aligner.push(window: UnsafeBufferPointer(rebasing: $0[0 ..< window.count])) }
            }
            return aligner
        }
        var first = try run()
        let (tokens, unreached) = try first.finishReached()
        #expect(first.memory.stateBytes <= 64 * 2 * IncrementalAligner.defaultWindowTokens)
        let from = try #require(unreached)
        #expect(abs(from - frames / perToken) <= 40)
        #expect(tokens.last.map { $0.token + 1 } == from && tokens.last?.end == frames)
        var second = try run()
        let all = try second.finish()
        #expect(all.count == n - (tokens.first?.token ?? 0) || all.last?.token == n - 1)
        #expect(all.suffix(n - from).allSatisfy { $0.start == frames && $0.end == frames })
        #expect(zip(all, all.dropFirst()).allSatisfy { $1.token == $0.token + 1 })
    }

    @Test func aWindowOfTheWrongSizeIsRefused() throws {
        var aligner = try IncrementalAligner(constraints: TokenConstraints(tokenCount: 1000), beam: 5)
        #expect(aligner.scoreWindow == 0 ..< IncrementalAligner.defaultWindowTokens)
        let row = [Float](repeating: 0, count: 10)
        #expect(throws: AlignmentError.wrongScoreCount(expected: IncrementalAligner.defaultWindowTokens, found: 10)) {
            try row.withUnsafeBufferPointer { try aligner.push(window: $0) }
        }
        #expect(throws: AlignmentError.self) { try IncrementalAligner(constraints: TokenConstraints(tokenCount: 5), windowTokens: 10) }
    }
}
