import Foundation

/// Memory held by an aligner, in bytes.
public struct AlignmentMemory: Sendable, Equatable {
    /// Packed backpointers (2 bits per unsettled frame and token) currently allocated.
    public var backpointerBytes: Int
    /// The largest `backpointerBytes` so far.
    public var peakBackpointerBytes: Int
    /// Fixed working state: O(N · max minFrames) numbers.
    public var stateBytes: Int
    /// Score rows kept for confidences of tokens not yet emitted (streaming only).
    public var retainedScoreBytes: Int
}

/// Monotonic alignment fed one frame at a time, emitting each token as soon as its boundaries
/// can no longer change.
///
/// ```swift
/// var aligner = try IncrementalAligner(constraints: TokenConstraints(tokenCount: phones.count), beam: 20)
/// for row in logPosteriorRows {                 // N log-scores per 10 ms frame
///     for token in try aligner.push(row) { print(token.token, token.start, token.end) }
/// }
/// for token in try aligner.finish() { ... }     // the rest, always ending at the last frame
/// ```
///
/// Emitted tokens come in order, each exactly once, and are exactly the tokens (boundaries and
/// confidences) that `MonotonicAligner` returns for the same scores, constraints and beam: they
/// are never retracted. A token is emitted once every partial path that survives (within the
/// beam) agrees on its start and end. With no beam, every partial path survives, so tokens
/// usually wait for `finish()`; a beam (e.g. 10–30 for log posteriors) is what makes streaming
/// emission timely, at the price of exactness (a pruned path cannot come back).
///
/// Memory: 2 bits per (frame, token) for frames after the settled point, plus the score rows
/// since the start of the earliest token not yet emitted (for its confidence). With a beam both
/// follow the traceback lag; without one they can grow to the whole input (32 bits per cell for
/// the rows), so use `MonotonicAligner` for exact offline work.
///
/// Settlement checks run when the frames since the last check reach a quarter of the frames
/// since the settled point, so their cost stays proportional to the DP while the extra delay is
/// at most a quarter of the inherent traceback lag.
///
/// Fixed lag (`maxLag`, streaming): when the settled point lags the input by more than `maxLag`
/// frames, the aligner stops waiting for the paths to agree. It takes the best partial path now,
/// makes final every token that path ends before frame `now − maxLag`, and restarts the search
/// from there (the token the path holds at that frame goes on, its start kept), replaying the
/// scores since. A token is then out at most about `maxLag` frames after its end, and memory is
/// bounded by the lag, even through a long silence. Forced tokens are no longer guaranteed to be
/// the ones the whole-input search would choose; a token that spans a restart gets its confidence
/// from the frames after the restart only.
///
/// Token window (streaming): the search holds only `windowTokens` tokens from the one it has
/// settled inside, not the whole transcript, so a frame costs the same for a 100-word and a
/// million-word transcript. `scoreWindow` names the tokens the next frame's scores are needed for
/// (`push(window:)` takes just those); `push(_:)` takes full rows and reads that part. When the
/// paths come within `windowMargin` tokens of the window's end, the search restarts at its settled
/// point over the next window and replays the frames since (exact: all surviving paths pass that
/// point); if nothing is settled yet, the window grows instead.
public struct IncrementalAligner: Sendable {
    public let constraints: TokenConstraints
    public let beam: Float?
    /// Frames the settled point may lag the input before a fixed-lag decision (nil: never).
    public let maxLag: Int?
    /// The fixed-lag decision follows the least advanced partial path scoring within this many
    /// log-score units of the best (0: the best path; see `MonotonicDecoder.bestLiveD(margin:)`).
    public let lagMargin: Float
    /// Frames between fixed-lag decisions while the settled point lags by more than `maxLag`.
    public let decisionInterval: Int
    /// Adaptive lag: a fixed-lag decision is held back while the partial paths scoring within
    /// `holdMargin` of the best hold different tokens at the cut; the cut moves back (up to
    /// `maxHold` frames before the input's end) to where they agree, and only when the settled
    /// point lags by more than `maxHold` does the best path decide regardless (nil: never held).
    public let maxHold: Int?
    /// Log-score units within which a rival partial path can hold a decision back.
    public let holdMargin: Float
    /// Tokens per search window (streaming; the whole-input search holds every token).
    public let windowTokens: Int
    /// The search moves its window when a path comes this close to the window's end.
    static let windowMargin = 32
    /// Rival partial paths an adaptive-lag decision compares with the best.
    static let holdRivals = 64
    private var decoder: MonotonicDecoder
    /// The decoder searches tokens `tokenBase ..< windowEnd` from global frame `frameBase` on
    /// (`local` are their constraints; bases 0 until a restart); its token 0 began at global
    /// frame `firstStart`.
    private var local: TokenConstraints
    private var tokenBase = 0
    private var windowEnd: Int
    private var frameBase = 0
    private var firstStart = 0
    private let streaming: Bool
    /// Score rows of the unsettled frames, each only over the tokens a path could hold at that
    /// frame (the decoder's band) and their neighbours: what confidences and a restart's replay
    /// read. A token outside a row's window scores −∞ there.
    private var retained: [RetainedRow] = []
    private var retainedFirstFrame = 0
    private var retainedBytes = 0
    /// Reused by the replay: a row of −∞ over the decoder's tokens.
    private var replayRow: [Float] = []
    /// Confidence sums of the token the search has settled inside, over its frames before
    /// `folded.next` (their score rows are dropped once folded).
    private var folded = FoldedConfidence(token: -1, next: 0)
    private var nextToken = 0
    private var lastCheck = 0
    private var lastForced = 0
    /// A fixed-lag decision was taken: the path is no longer guaranteed to be the exact one.
    private var forced = false
    private var finished = false

    /// - Parameters:
    ///   - constraints: minimum frames and skippability per token.
    ///   - beam: prune partial paths more than `beam` (log-score units) below the best at each
    ///     frame; `nil` keeps every path (exact).
    ///   - maxLag: fixed-lag decision after this many frames without settlement (nil: wait). A
    ///     decision passes a token only when some path has gone past it, into a token it may stay
    ///     in, within the lag: `maxLag` should exceed 1 + the longest run of fixed-length tokens
    ///     and the minimum of the token after it (and every token's minimum), else the decisions
    ///     may hold one token to the end of the stream.
    ///   - lagMargin: the decision follows the least advanced partial path within this margin of
    ///     the best (0: the best).
    ///   - decisionInterval: frames between fixed-lag decisions (default `maxLag / 4`): a token is
    ///     out at most about `maxLag + decisionInterval` frames after its end.
    ///   - maxHold: adaptive lag (see `maxHold`): the most frames a decision may be held back while
    ///     rival paths within `holdMargin` disagree; at least `maxLag`. nil: a fixed lag.
    ///   - windowTokens: tokens the search holds at once (at least 2 × `windowMargin` + 2 = 66).
    public init(constraints: TokenConstraints, beam: Float? = nil, maxLag: Int? = nil, lagMargin: Float = 0,
                decisionInterval: Int? = nil, maxHold: Int? = nil, holdMargin: Float = 0,
                windowTokens: Int = IncrementalAligner.defaultWindowTokens) throws(AlignmentError) {
        try self.init(constraints: constraints, beam: beam, streaming: true, maxLag: maxLag, lagMargin: lagMargin,
                      decisionInterval: decisionInterval, maxHold: maxHold, holdMargin: holdMargin,
                      windowTokens: windowTokens)
    }

    /// The default `windowTokens`: about 100 words of phones and pauses.
    public static let defaultWindowTokens = 512

    init(constraints: TokenConstraints, beam: Float?, streaming: Bool, maxLag: Int? = nil, lagMargin: Float = 0,
         decisionInterval: Int? = nil, maxHold: Int? = nil, holdMargin: Float = 0,
         windowTokens: Int = IncrementalAligner.defaultWindowTokens) throws(AlignmentError) {
        try constraints.validate()
        if let beam, !(beam >= 0) { throw .invalidConstraints("beam \(beam) must be non-negative") }
        if let maxLag, maxLag < 1 { throw .invalidConstraints("maxLag \(maxLag) must be at least 1 frame") }
        if let decisionInterval, decisionInterval < 1 {
            throw .invalidConstraints("decisionInterval \(decisionInterval) must be at least 1 frame")
        }
        if let maxHold, maxHold < (maxLag ?? 1) {
            throw .invalidConstraints("maxHold \(maxHold) must be at least maxLag \(maxLag ?? 1)")
        }
        if !(holdMargin >= 0) { throw .invalidConstraints("holdMargin \(holdMargin) must be non-negative") }
        guard windowTokens >= 2 * Self.windowMargin + 2 else {
            throw .invalidConstraints("windowTokens \(windowTokens) must be at least \(2 * Self.windowMargin + 2)")
        }
        self.constraints = constraints
        self.beam = beam
        self.streaming = streaming
        self.maxLag = streaming ? maxLag : nil
        self.lagMargin = lagMargin
        self.decisionInterval = decisionInterval ?? max(1, (maxLag ?? 4) / 4)
        self.maxHold = streaming && maxLag != nil ? maxHold : nil
        self.holdMargin = holdMargin
        self.windowTokens = windowTokens
        windowEnd = streaming ? min(constraints.tokenCount, windowTokens) : constraints.tokenCount
        local = windowEnd == constraints.tokenCount ? constraints
            : constraints.slice(0 ..< windowEnd)
        decoder = MonotonicDecoder(constraints: local, beam: beam)
    }

    /// The tokens whose scores the next frame needs (`push(window:)`): the search's window and the
    /// token before it (the confidence margin of the token held at the window's start reads it).
    /// No path can reach the others yet, so their scores would not be read.
    public var scoreWindow: Range<Int> { max(0, tokenBase - 1) ..< windowEnd }

    /// Frames consumed so far.
    public var frameCount: Int { frameBase + decoder.frame }
    /// Frames before this one are settled: no future input changes the path there.
    public var settledFrame: Int { frameBase + decoder.anchorFrame }

    /// The token that holds the settled frames from `start` up to `settledFrame` and is not out
    /// yet (it still goes on), or nil. Lets a caller fold per-frame data of those frames away.
    public var settledToken: (token: Int, start: Int)? {
        let local = decoder.anchorToken
        if local >= 0 { return (tokenBase + local, local == 0 ? firstStart : frameBase + decoder.anchorStart) }
        if frameBase > 0 { return (tokenBase, firstStart) }  // held across a fixed-lag restart
        return nil
    }

    public var memory: AlignmentMemory {
        AlignmentMemory(backpointerBytes: decoder.bits.byteCount, peakBackpointerBytes: decoder.bits.peakByteCount,
                        stateBytes: decoder.stateByteCount, retainedScoreBytes: retainedBytes)
    }

    mutating func reserve(frames: Int) { decoder.reserve(rows: frames + 1) }

    /// Consumes one frame: N scores, finite or −∞ (−∞ forbids the token there). Returns the
    /// tokens settled by it, in order (often none).
    public mutating func push(_ row: [Float]) throws(AlignmentError) -> [AlignedToken] {
        try row.withUnsafeBufferPointer { buffer throws(AlignmentError) in try push(buffer) }
    }

    /// `push` without copying the row.
    public mutating func push(_ row: UnsafeBufferPointer<Float>) throws(AlignmentError) -> [AlignedToken] {
        guard !finished else { throw .alreadyFinished }
        guard row.count == constraints.tokenCount else { throw .wrongScoreCount(expected: constraints.tokenCount, found: row.count) }
        if let k = Self.firstInvalid(row) { throw .invalidScore(frame: frameCount, token: k, value: row[k]) }
        return advance(UnsafeBufferPointer(rebasing: row[scoreWindow]))
    }

    /// Consumes one frame given only the scores of `scoreWindow` (in that order): the cost of a
    /// frame then does not depend on the transcript's length.
    public mutating func push(window scores: UnsafeBufferPointer<Float>) throws(AlignmentError) -> [AlignedToken] {
        guard !finished else { throw .alreadyFinished }
        let window = scoreWindow
        guard scores.count == window.count else { throw .wrongScoreCount(expected: window.count, found: scores.count) }
        if let k = Self.firstInvalid(scores) { throw .invalidScore(frame: frameCount, token: window.lowerBound + k, value: scores[k]) }
        return advance(scores)
    }

    /// One frame of the window's scores through the search, settlement, fixed-lag decision and
    /// window move.
    private mutating func advance(_ scores: UnsafeBufferPointer<Float>) -> [AlignedToken] {
        decoder.push(UnsafeBufferPointer(rebasing: scores[(tokenBase - scoreWindow.lowerBound)...]))
        guard streaming else { return [] }
        retainRow(scores)
        var emitted = settle()
        if let maxLag, frameCount - settledFrame > maxLag, frameCount - lastForced >= decisionInterval {
            lastForced = frameCount
            emitted += decideFixedLag(keep: maxLag)
        }
        if windowEnd < constraints.tokenCount, decoder.reachUpper >= windowEnd - tokenBase - Self.windowMargin {
            moveWindow(toEnd: false)
        }
        return emitted
    }

    /// Restarts the search at its settled point over a window reaching `windowTokens` past it (or
    /// twice as far as the paths already reach), or to the last token when `toEnd`.
    private mutating func moveWindow(toEnd: Bool) {
        let n = constraints.tokenCount
        let anchor = decoder.anchorToken
        let base = tokenBase + max(anchor, 0)
        let end = toEnd ? n : min(n, base + max(windowTokens, 2 * (decoder.reachUpper - max(anchor, 0) + Self.windowMargin)))
        if anchor >= 0 {
            // D(anchorFrame, anchor): the token already has its minimum frames there.
            let heldStart = anchor == 0 ? firstStart : frameBase + decoder.anchorStart
            restart(at: decoder.anchorFrame, token: anchor, heldStart: heldStart, held: true, minFrames: 0, end: end)
        } else {
            // Nothing settled since the last restart: keep its start, widen the window.
            restart(at: 0, token: 0, heldStart: firstStart, held: decoder.startsHeld, minFrames: local.minFrames[0],
                    skippable: local.skippable[0], end: end)
        }
    }

    /// Emits what every surviving path agrees on and moves the anchor there.
    private mutating func settle() -> [AlignedToken] {
        let t = decoder.frame
        guard t - lastCheck >= max(1, (t - decoder.anchorFrame) / 4) else { return [] }
        lastCheck = t
        guard let merge = decoder.findMerge() else { return [] }
        let spans = decoder.trace(frame: merge.frame, token: merge.token, viaF: false)
        let start = spans.last.map { $0.token == merge.token ? $0.start : decoder.anchorStart } ?? decoder.anchorStart
        let emitted = emit(spans)
        decoder.setAnchor(frame: merge.frame, token: merge.token, start: merge.token >= 0 ? start : 0)
        if merge.token >= 0 {  // frames from the anchor token's start to the anchor are its own now
            let k = tokenBase + merge.token
            fold(token: k, from: merge.token == 0 ? firstStart + start : frameBase + start, to: frameBase + merge.frame)
        }
        dropRetained(before: frameBase + decoder.anchorFrame)
        return emitted
    }

    /// The fixed-lag decision: the best path's tokens that end before `frame − keep` become final,
    /// and the search restarts at that frame inside the token the path holds there.
    /// With `maxHold`, the cut goes back from `frame − keep` to the first frame where the rival
    /// paths hold the best path's token; none within `maxHold` holds the decision back until the
    /// settled point lags by more than `maxHold`, and then the cut is `frame − maxHold`.
    private mutating func decideFixedLag(keep: Int) -> [AlignedToken] {
        guard let best = decoder.bestLiveD(margin: Double(lagMargin)) else { return [] }
        let t = decoder.frame
        let spans = decoder.trace(frame: t, token: best, viaF: false)
        func heldIndex(_ spans: [(token: Int, start: Int, end: Int?)], _ cut: Int) -> Int? {
            spans.firstIndex(where: { $0.start <= cut && cut < ($0.end ?? Int.max) && $0.start != $0.end })
        }
        var cut = t - keep
        if let maxHold {
            let rivals = decoder.liveDTokens(within: Double(holdMargin), limit: Self.holdRivals + 1)
                .filter { $0 != best }.map { decoder.trace(frame: t, token: $0, viaF: false) }
            if !rivals.isEmpty {
                func agree(_ c: Int) -> Bool {
                    guard let h = heldIndex(spans, c) else { return false }
                    return rivals.allSatisfy { r in heldIndex(r, c).map { r[$0].token } == spans[h].token }
                }
                var c = t - keep
                while c > decoder.anchorFrame && t - c <= maxHold && !agree(c) { c -= decisionInterval }
                if c > decoder.anchorFrame && t - c <= maxHold {
                    cut = c
                } else if t - decoder.anchorFrame > maxHold {
                    cut = t - maxHold
                } else {
                    return []  // held back: the rivals may still resolve
                }
            }
        }
        guard cut > decoder.anchorFrame else { return [] }
        guard let held = heldIndex(spans, cut) else { return [] }
        let emitted = emit(Array(spans[..<held]))
        let k = spans[held].token
        let heldStart = k == 0 ? firstStart + spans[held].start : frameBase + spans[held].start
        // Frames the held token still needs: its minimum less what it covered before the cut (a
        // token resumed inside, held, has its minimum already), at least one.
        let left = k == 0 && decoder.startsHeld ? 1 : max(1, local.minFrames[k] - (cut - spans[held].start))
        forced = true
        let base = tokenBase + k
        let end = max(windowEnd, min(constraints.tokenCount, base + windowTokens))
        restart(at: cut, token: k, heldStart: heldStart, held: false, minFrames: left, end: end)
        lastCheck = 0
        return emitted
    }

    /// Restarts the search at local frame `cut` inside local token `k` (which began at global
    /// frame `heldStart`) over global tokens `tokenBase + k ..< end`, and replays the frames since
    /// from the retained rows. `held`: the token may end at once (`MonotonicDecoder.startsHeld`);
    /// otherwise it covers at least `minFrames` more frames, or none if `skippable` (only before
    /// it has begun).
    private mutating func restart(at cut: Int, token k: Int, heldStart: Int, held: Bool, minFrames: Int,
                                  skippable first: Bool = false, end: Int) {
        let base = tokenBase + k
        local = constraints.slice(base ..< end)
        if !held { local.minFrames[0] = minFrames }
        local.skippable[0] = first && !held
        if held || k > 0 || cut > 0 { fold(token: base, from: heldStart, to: frameBase + cut) }
        let now = frameCount
        // Free the old search state before making the new one, so the two are never held at once.
        decoder = MonotonicDecoder(constraints: TokenConstraints(tokenCount: 1), beam: nil)
        decoder = MonotonicDecoder(constraints: local, beam: beam, held: held)
        tokenBase = base
        windowEnd = end
        frameBase += cut
        firstStart = heldStart
        lastCheck = max(0, lastCheck - cut)  // settlement checks keep their frames
        dropRetained(before: frameBase)
        replayRow = []
        replayRow = [Float](repeating: -.infinity, count: windowEnd - tokenBase)
        for f in frameBase ..< now {
            // A row holds the tokens a path could reach at its frame (and their neighbours): the
            // replay, whose paths are the same, reads no other.
            let row = retained[f - retainedFirstFrame]
            let lo = max(row.lo, tokenBase), hi = min(row.lo + row.values.count, windowEnd)
            if lo < hi { for k in lo ..< hi { replayRow[k - tokenBase] = row.values[k - row.lo] } }
            replayRow.withUnsafeBufferPointer { decoder.push($0) }
            if lo < hi { for k in lo ..< hi { replayRow[k - tokenBase] = -.infinity } }
        }
    }

    /// Index of the first NaN or +∞ in `row`. Works on the bit patterns (exponent all ones, not
    /// −∞), which also keeps debug builds fast.
    static func firstInvalid(_ row: UnsafeBufferPointer<Float>) -> Int? {
        guard let base = row.baseAddress else { return nil }
        return UnsafeRawPointer(base).withMemoryRebound(to: UInt32.self, capacity: row.count) { bits in
            var k = 0
            while k < row.count {
                let pattern = bits[k]
                if pattern & 0x7F80_0000 == 0x7F80_0000, pattern != 0xFF80_0000 { return k }
                k &+= 1
            }
            return nil
        }
    }

    /// Ends the input and returns every token not yet emitted.
    public mutating func finish() throws(AlignmentError) -> [AlignedToken] {
        var (tokens, unreached) = try finishReached()
        if let first = unreached {
            tokens += (first ..< constraints.tokenCount).map { AlignedToken(token: $0, start: frameCount, end: frameCount) }
        }
        return tokens
    }

    /// `finish()` without materialising the tokens no path reached: returns the tokens up to the
    /// last one placed and, when the input ended before the rest (possible only after a fixed-lag
    /// decision), the first token not reached: it and every later one are empty spans at the
    /// last frame, with no confidence. A live stream that stops with most of a long transcript
    /// left then costs no memory in proportion to what is left.
    public mutating func finishReached() throws(AlignmentError) -> (tokens: [AlignedToken], unreachedFrom: Int?) {
        guard !finished else { throw .alreadyFinished }
        finished = true
        let frames = decoder.frame
        if windowEnd < constraints.tokenCount {
            // Move the window to the last token only when the rest can fit the frames: a search
            // over the whole rest of a long transcript would cost memory in proportion to it.
            let beyond = windowEnd ..< constraints.tokenCount
            let held = local.requiredFrames
            guard held + constraints.requiredFrames(in: beyond, stoppingAbove: frames - held) <= frames else {
                if forced { return finishAfterForcedDecision() }
                throw .tooFewFrames(frames: frameCount, required: frameBase + held + constraints.requiredFrames(in: beyond))
            }
            moveWindow(toEnd: true)
        }
        let required = local.requiredFrames
        if forced, decoder.frame < required || !(decoder.finalScore > -.infinity) {
            return finishAfterForcedDecision()
        }
        guard decoder.frame >= required else { throw .tooFewFrames(frames: frameCount, required: frameBase + required) }
        guard decoder.finalScore > -.infinity else {
            if let beam { throw .noPathWithinBeam(frames: frameCount, beam: beam) }
            throw .noPath(frames: frameCount)
        }
        return (emit(decoder.trace(frame: decoder.frame, token: local.tokenCount - 1, viaF: true)), nil)
    }

    /// The input ended where, after a fixed-lag decision, the remaining tokens no longer fit (the
    /// stream stopped early, or the decision went wrong): the best partial path's tokens, its open
    /// token closed at the last frame; every token it did not reach comes from `nextToken` on.
    private mutating func finishAfterForcedDecision() -> (tokens: [AlignedToken], unreachedFrom: Int?) {
        var tokens: [AlignedToken] = []
        if let best = decoder.bestLiveD() {
            var spans = decoder.trace(frame: decoder.frame, token: best, viaF: false)
            if let last = spans.indices.last, spans[last].end == nil { spans[last].end = decoder.frame }
            tokens = emit(spans)
        }
        return (tokens, nextToken < constraints.tokenCount ? nextToken : nil)
    }

    /// Score of the best complete path (valid after `finish()`; whole-input searches only).
    var finalScore: Double { decoder.finalScore }

    /// Spans of the decoder (its tokens and frames) → tokens in the caller's numbering, those
    /// not emitted yet, in order, up to the first still open.
    private mutating func emit(_ spans: [(token: Int, start: Int, end: Int?)]) -> [AlignedToken] {
        var tokens: [AlignedToken] = []
        for span in spans where tokenBase + span.token >= nextToken {
            guard let end = span.end else { break }
            let k = tokenBase + span.token
            precondition(k == nextToken, "tokens must be emitted in order")
            let start = span.token == 0 ? firstStart + span.start : frameBase + span.start
            var token = AlignedToken(token: k, start: start, end: frameBase + end)
            if streaming, token.end > token.start {
                fold(token: k, from: start, to: token.end)
                folded.sums.apply(to: &token, tokenCount: constraints.tokenCount)
            }
            tokens.append(token)
            nextToken += 1
        }
        return tokens
    }

    /// Keeps the pushed row (frame t − 1; `row` holds `scoreWindow`) over the tokens a path could
    /// hold there, widened by one each side: those live in D(t), and those that can enter from a boundary a in
    /// t − maxMin ..< t (a token enters with its first minFrames at once, so its D is not live
    /// yet at the frames it will cover).
    private mutating func retainRow(_ row: UnsafeBufferPointer<Float>) {
        let t = decoder.frame
        var lo = Int.max, hi = Int.min
        if let band = decoder.dRange { lo = band.lowerBound; hi = band.upperBound }
        for a in max(0, t - decoder.maxMin) ..< t {
            if a == 0 { lo = min(lo, 0); hi = max(hi, 0) }  // token 0 enters from the start
            if let r = decoder.fRange(at: a) { lo = min(lo, r.lowerBound + 1); hi = max(hi, r.upperBound + 1) }
        }
        guard lo <= hi else {
            retained.append(RetainedRow(lo: 0, values: []))
            return
        }
        let first = scoreWindow.lowerBound
        lo = max(first, tokenBase + lo - 1)
        hi = min(windowEnd - 1, tokenBase + hi + 1)
        let values = lo <= hi ? Array(row[(lo - first) ... (hi - first)]) : []
        retainedBytes += values.count * 4
        retained.append(RetainedRow(lo: lo, values: values))
    }

    /// Adds frames `from ..< to` of token `k` to its confidence sums (frames already added are
    /// skipped), in frame order, with `AlignedToken.computeConfidence`'s arithmetic, so a token
    /// whose rows were dropped part by part gets the same confidence as one scored at once.
    private mutating func fold(token k: Int, from start: Int, to end: Int) {
        if folded.token != k { folded = FoldedConfidence(token: k, next: start) }
        let n = constraints.tokenCount
        var f = max(folded.next, start)
        precondition(f >= retainedFirstFrame || f >= end, "confidence rows were dropped before they were used")
        while f < end {
            let row = retained[f - retainedFirstFrame]
            folded.sums.add(frame: f, token: k, tokenCount: n) { _, j in row.score(j) }
            f += 1
        }
        folded.next = max(folded.next, end)
    }

    private mutating func dropRetained(before frame: Int) {
        let drop = min(frame - retainedFirstFrame, retained.count)
        guard drop > 0 else { return }
        for row in retained[..<drop] { retainedBytes -= row.values.count * 4 }
        retained.removeFirst(drop)
        retainedFirstFrame += drop
    }
}

/// Confidence sums of one token over its frames before `next`.
private struct FoldedConfidence: Sendable {
    var token: Int
    var next: Int
    var sums = ConfidenceSums()
}

/// One frame's scores over a window of tokens `lo ..< lo + values.count`.
private struct RetainedRow: Sendable {
    var lo: Int
    var values: [Float]

    func score(_ k: Int) -> Float {
        let i = k - lo
        return i >= 0 && i < values.count ? values[i] : -.infinity
    }
}
