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
public struct IncrementalAligner: Sendable {
    public let constraints: TokenConstraints
    public let beam: Float?
    private var decoder: MonotonicDecoder
    private let streaming: Bool
    private var retained: [Float] = []
    private var retainedFirstFrame = 0
    private var nextToken = 0
    private var lastCheck = 0
    private var finished = false

    /// - Parameters:
    ///   - constraints: minimum frames and skippability per token.
    ///   - beam: prune partial paths more than `beam` (log-score units) below the best at each
    ///     frame; `nil` keeps every path (exact).
    public init(constraints: TokenConstraints, beam: Float? = nil) throws(AlignmentError) {
        try self.init(constraints: constraints, beam: beam, streaming: true)
    }

    init(constraints: TokenConstraints, beam: Float?, streaming: Bool) throws(AlignmentError) {
        try constraints.validate()
        if let beam, !(beam >= 0) { throw .invalidConstraints("beam \(beam) must be non-negative") }
        self.constraints = constraints
        self.beam = beam
        self.streaming = streaming
        decoder = MonotonicDecoder(constraints: constraints, beam: beam)
    }

    /// Frames consumed so far.
    public var frameCount: Int { decoder.frame }
    /// Frames before this one are settled: no future input changes the path there.
    public var settledFrame: Int { decoder.anchorFrame }

    public var memory: AlignmentMemory {
        AlignmentMemory(backpointerBytes: decoder.bits.byteCount, peakBackpointerBytes: decoder.bits.peakByteCount,
                        stateBytes: decoder.stateByteCount, retainedScoreBytes: retained.capacity * 4)
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
        if let k = Self.firstInvalid(row) { throw .invalidScore(frame: decoder.frame, token: k, value: row[k]) }
        decoder.push(row)
        guard streaming else { return [] }
        retained.append(contentsOf: row)
        let t = decoder.frame
        guard t - lastCheck >= max(1, (t - decoder.anchorFrame) / 4) else { return [] }
        lastCheck = t
        guard let merge = decoder.findMerge() else { return [] }
        let spans = decoder.trace(frame: merge.frame, token: merge.token, viaF: false)
        let start = spans.last.map { $0.token == merge.token ? $0.start : decoder.anchorStart } ?? decoder.anchorStart
        let emitted = emit(spans)
        decoder.setAnchor(frame: merge.frame, token: merge.token, start: merge.token >= 0 ? start : 0)
        dropRetained(before: decoder.anchorStart)
        return emitted
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
        guard !finished else { throw .alreadyFinished }
        finished = true
        let frames = decoder.frame
        let required = constraints.requiredFrames
        guard frames >= required else { throw .tooFewFrames(frames: frames, required: required) }
        guard decoder.finalScore > -.infinity else {
            if let beam { throw .noPathWithinBeam(frames: frames, beam: beam) }
            throw .noPath(frames: frames)
        }
        return emit(decoder.trace(frame: frames, token: constraints.tokenCount - 1, viaF: true))
    }

    /// Score of the best complete path (valid after `finish()`).
    var finalScore: Double { decoder.finalScore }

    private mutating func emit(_ spans: [(token: Int, start: Int, end: Int?)]) -> [AlignedToken] {
        var tokens: [AlignedToken] = []
        for span in spans where span.token >= nextToken {
            guard let end = span.end else { break }
            precondition(span.token == nextToken, "tokens must be emitted in order")
            var token = AlignedToken(token: span.token, start: span.start, end: end)
            if streaming {
                let n = constraints.tokenCount
                token.computeConfidence(tokenCount: n) { f, k in retained[(f - retainedFirstFrame) * n + k] }
            }
            tokens.append(token)
            nextToken += 1
        }
        return tokens
    }

    private mutating func dropRetained(before frame: Int) {
        let n = constraints.tokenCount
        let drop = frame - retainedFirstFrame
        guard drop > 0 else { return }
        retained.removeFirst(drop * n)
        retainedFirstFrame = frame
    }
}
