/// The dynamic programme behind `MonotonicAligner` and `IncrementalAligner`; both call this
/// code, so the streaming and offline paths cannot disagree.
///
/// Scores s[f][k] for frames f and tokens k. Two quantities per boundary t (frames 0 ..< t done):
///
///     D(t, k) = best score with token k covering frame t − 1 (and ≥ m_k frames so far)
///             = s[t−1][k] + max( D(t−1, k),                                 "stayed"
///                                F(t − m_k, k − 1) + Σ s[t−m_k ..< t−1][k] ) "advanced"
///     F(t, k) = best score with tokens 0...k all placed in frames 0 ..< t
///             = max( D(t, k), F(t, k − 1) if k is skippable )               "skipped"
///     F(0, −1) = 0,  F(t > 0, −1) = −∞,   answer F(T, N − 1).
///
/// A token of fixed length has no "stayed" term: it covers exactly m_k frames.
///
/// The minimum duration is enforced by the "advanced" term: a token enters with its first m_k
/// frames at once (summed from the last max m score rows, kept in a ring), so there are no
/// extra states and one bit per cell tells "stayed" from "advanced". A second bit per cell
/// records "skipped" for F. Memory: 2 bits per (frame, token) for unsettled frames, plus
/// O(N · max m) numbers of state. Time: O(T · N · m) worst case, O(T · N) for bounded m.
///
/// Optional beam pruning sets D(t, k) to −∞ when it is more than `beam` below the best D(t, ·).
/// Only the band of tokens that can be finite is visited, so with a beam a frame costs
/// O(band · m) arithmetic plus copying and checking the N scores, instead of O(N · m).
/// Settlement (streaming): the tracebacks of all live states are walked back in lockstep; the
/// latest frame where they meet in a single state, with no path inside a pending jump, is a
/// point every future best path must pass, so everything before it is final.
struct MonotonicDecoder: Sendable {
    let tokenCount: Int
    let minFrames: [Int]
    let skippable: [Bool]
    let fixedLength: [Bool]
    let beam: Double?
    /// Ring length for F rows (jumps reach back at most `maxMin` frames).
    let fSlots: Int
    let maxMin: Int

    private(set) var frame = 0
    /// D(frame, ·); −∞ outside `dRange`.
    private var d: [Double]
    /// F rows for boundaries frame − maxMin ... frame, slot a % fSlots; −∞ outside `fRanges[slot]`.
    private var fRing: [Double]
    private var fRanges: [ClosedRange<Int>?]
    /// Score rows for frames frame − maxMin ..< frame, slot f % maxMin.
    private var scoreRing: [Float]
    /// Scratch, refilled each frame: row offset of F(t − m) in `fRing` (index m), of score row
    /// f − j in `scoreRing` (index j).
    private var fOffsets: [Int]
    private var ringOffsets: [Int]
    /// Tokens whose D may be finite (nil: none). With a beam this band is narrow, and each frame
    /// does arithmetic only inside it.
    private(set) var dRange: ClosedRange<Int>?
    private(set) var bits: BackpointerStore

    /// Every future best path passes through D(anchorFrame, anchorToken) (token −1 is the
    /// virtual start F(0, −1)); `anchorStart` is where `anchorToken` starts.
    private(set) var anchorFrame = 0
    private(set) var anchorToken = -1
    private(set) var anchorStart = 0
    /// The search resumes inside token 0: at boundary 0 it already covers enough frames
    /// (D(0, 0) = 0, and it may end there), and it cannot enter afresh. Restarting the search at
    /// a settled point D(a, k) this way gives exactly the paths the old search would have found.
    let startsHeld: Bool

    /// - Parameter held: start inside token 0 (`startsHeld`) instead of before it.
    init(constraints: TokenConstraints, beam: Float?, held: Bool = false) {
        tokenCount = constraints.tokenCount
        minFrames = constraints.minFrames
        skippable = constraints.skippable
        fixedLength = constraints.fixedLength
        self.beam = beam.map(Double.init)
        maxMin = minFrames.max() ?? 1
        fSlots = maxMin + 1
        d = Array(repeating: -.infinity, count: tokenCount)
        fRing = Array(repeating: -.infinity, count: fSlots * tokenCount)
        fRanges = Array(repeating: nil, count: fSlots)
        scoreRing = Array(repeating: 0, count: maxMin * tokenCount)
        fOffsets = Array(repeating: -1, count: maxMin + 1)
        ringOffsets = Array(repeating: 0, count: maxMin)
        bits = BackpointerStore(tokenCount: tokenCount)
        startsHeld = held
        if held {
            d[0] = 0
            dRange = 0 ... 0
            anchorToken = 0
        }
        let base = bits.appendRow()
        writeF(row: 0, bitsBase: base)
    }

    /// The highest token a path may hold or have finished by the next frame's boundary (−1: none):
    /// one past the live D band or any F row a jump can still read.
    var reachUpper: Int {
        var hi = dRange?.upperBound ?? -1
        for a in max(0, frame + 1 - maxMin) ... frame {
            if let range = fRanges[a % fSlots] { hi = max(hi, range.upperBound + 1) }
        }
        return min(hi, tokenCount - 1)
    }

    mutating func reserve(rows: Int) { bits.reserve(rows: rows) }

    /// Bytes of working state besides the backpointers.
    var stateByteCount: Int { (d.count + fRing.count) * 8 + scoreRing.count * 4 }

    /// The best complete score so far (F(frame, N − 1)).
    var finalScore: Double { fRing[(frame % fSlots) * tokenCount + tokenCount - 1] }

    /// Tokens j whose F(a, j) may be finite, for a boundary still in the ring.
    func fRange(at a: Int) -> ClosedRange<Int>? {
        guard a >= 0, a <= frame, a > frame - fSlots else { return nil }
        return fRanges[a % fSlots]
    }

    /// Consumes the scores of frame `frame` (N values, finite or −∞).
    mutating func push(_ row: UnsafeBufferPointer<Float>) {
        let n = tokenCount
        let f = frame
        let t = f + 1
        let base = bits.appendRow()
        scoreRing.withUnsafeMutableBufferPointer { ring in
            (ring.baseAddress! + (f % maxMin) * n).update(from: row.baseAddress!, count: n)
        }
        // Tokens reachable at t: those alive in D, and one past any finite F a jump can read.
        var lo = dRange?.lowerBound ?? n
        var hi = dRange?.upperBound ?? -1
        for a in max(0, t - maxMin) ... f {
            if let range = fRanges[a % fSlots] {
                lo = min(lo, range.lowerBound + 1)
                hi = max(hi, range.upperBound + 1)
            }
        }
        if t <= minFrames[0] && !startsHeld { lo = 0; hi = max(hi, 0) }
        hi = min(hi, n - 1)
        guard lo <= hi else {
            dRange = nil
            frame = t
            writeF(row: t, bitsBase: base)
            return
        }
        // Per-frame offsets, so the per-cell work has no division: F(t − m) rows and score rows f − j.
        for m in 1 ... maxMin { fOffsets[m] = t - m >= 0 ? ((t - m) % fSlots) * n : -1 }
        for j in 0 ..< maxMin where f - j >= 0 { ringOffsets[j] = ((f - j) % maxMin) * n }
        var best = -Double.infinity
        var word: UInt64 = 0
        d.withUnsafeMutableBufferPointer { d in
            fRing.withUnsafeBufferPointer { fRing in
                scoreRing.withUnsafeBufferPointer { ring in
                    fOffsets.withUnsafeBufferPointer { fOffsets in
                        ringOffsets.withUnsafeBufferPointer { ringOffsets in
                            minFrames.withUnsafeBufferPointer { minFrames in
                              fixedLength.withUnsafeBufferPointer { fixedLength in
                                for k in lo ... hi {
                                    let m = minFrames[k]
                                    let stay = fixedLength[k] ? -Double.infinity : d[k] + Double(row[k])
                                    var advance = -Double.infinity
                                    let offset = fOffsets[m]
                                    if offset >= 0 {
                                        advance = k == 0 ? (t == m && !startsHeld ? 0 : -.infinity) : fRing[offset + k - 1]
                                        if advance > -.infinity {
                                            for j in 0 ..< m { advance += Double(ring[ringOffsets[j] + k]) }
                                        }
                                    }
                                    if advance > stay {
                                        d[k] = advance
                                    } else {
                                        d[k] = stay
                                        if stay > -.infinity { word |= 1 << UInt64(k & 63) }
                                    }
                                    best = max(best, d[k])
                                    if k & 63 == 63 || k == hi {
                                        if word != 0 { bits.orWord(base + k >> 6, word) }
                                        word = 0
                                    }
                                }
                              }
                            }
                        }
                    }
                }
            }
        }
        let threshold = beam.map { best - $0 } ?? -.infinity
        var newLo = n
        var newHi = -1
        for k in lo ... hi {
            if d[k] < threshold { d[k] = -.infinity }
            if d[k] > -.infinity { newLo = min(newLo, k); newHi = k }
        }
        dRange = newLo <= newHi ? newLo ... newHi : nil
        frame = t
        writeF(row: t, bitsBase: base)
    }

    private mutating func writeF(row t: Int, bitsBase: Int) {
        let n = tokenCount
        let slotIndex = t % fSlots
        let slot = slotIndex * n
        if let stale = fRanges[slotIndex] {
            for k in stale { fRing[slot + k] = -.infinity }
        }
        let skipBase = bitsBase + bits.wordsPerHalf
        guard let first = t == 0 ? 0 : dRange?.lowerBound else {
            fRanges[slotIndex] = nil
            return
        }
        let dHi = dRange?.upperBound ?? -1
        var previous: Double = t == 0 ? 0 : -.infinity
        var anyFinite = false
        var k = first
        while true {
            var value = d[k]
            if skippable[k], previous > value {
                value = previous
                bits.orWord(skipBase + k >> 6, 1 << UInt64(k & 63))
            }
            fRing[slot + k] = value
            anyFinite = anyFinite || value > -.infinity
            previous = value
            // Past the D band, only a chain of skippable tokens can carry a finite F further.
            if k >= dHi, !(value > -.infinity && k + 1 < n && skippable[k + 1]) { break }
            k += 1
        }
        fRanges[slotIndex] = anyFinite ? first ... k : nil
    }

    // MARK: Traceback

    /// Spans (token, start, end) fixed by a traceback from D(frame, token) (`end == nil`: the
    /// token is still open) or from F(frame, token) (`viaF`), back to the anchor. Returns spans
    /// for tokens anchorToken ... token in increasing order (the anchor token's only if ≥ 0).
    func trace(frame startFrame: Int, token startToken: Int, viaF: Bool) -> [(token: Int, start: Int, end: Int?)] {
        var spans: [(token: Int, start: Int, end: Int?)] = []
        var f = startFrame
        var k = startToken
        var end: Int? = nil
        var inF = viaF
        while true {
            if inF {
                if k == anchorToken {
                    if k >= 0 { spans.append((k, anchorStart, f)) }
                    break
                }
                precondition(k > anchorToken, "traceback passed the settled anchor")
                if bits.skipped(frame: f, token: k) {
                    spans.append((k, f, f))
                    k -= 1
                    continue
                }
                end = f
                inF = false
            }
            if k == anchorToken {
                spans.append((k, anchorStart, end))
                break
            }
            while bits.stayed(frame: f, token: k) { f -= 1 }
            let start = f - minFrames[k]
            spans.append((k, start, end))
            f = start
            k -= 1
            inF = true
        }
        return spans.reversed()
    }

    /// Moves the anchor to D(frame, token) and drops backpointer rows before it.
    mutating func setAnchor(frame: Int, token: Int, start: Int) {
        anchorFrame = frame
        anchorToken = token
        anchorStart = start
        bits.dropRows(before: frame)
    }

    /// Finds the latest frame where all live partial paths share one state, or nil.
    func findMerge() -> (frame: Int, token: Int)? {
        var walk = SettlementWalk(decoder: self)
        return walk.run()
    }

    /// Live F entries (k = −1 ... N − 1) at boundary `a` as seen from the current frame: those a
    /// later "advanced" transition can still read, plus the final state at the current frame.
    func liveF(at a: Int, token j: Int) -> Bool {
        if j == tokenCount - 1 { return a == frame && fRing[(a % fSlots) * tokenCount + j] > -.infinity }
        guard a + minFrames[j + 1] > frame else { return false }
        if j == -1 { return a == 0 && !startsHeld }
        return fRing[(a % fSlots) * tokenCount + j] > -.infinity
    }

    func liveD(token k: Int) -> Bool { d[k] > -.infinity }

    /// Up to `limit` tokens of live D(frame, ·) within `margin` of the best, best first.
    func liveDTokens(within margin: Double, limit: Int) -> [Int] {
        guard let band = dRange, limit > 0 else { return [] }
        var best = -Double.infinity
        for k in band where d[k] > best { best = d[k] }
        guard best > -.infinity else { return [] }
        var near: [(Int, Double)] = []
        for k in band where d[k] >= best - margin { near.append((k, d[k])) }
        near.sort { $0.1 > $1.1 }
        return near.prefix(limit).map(\.0)
    }

    /// The token of the best live D(frame, ·), or nil when none is finite. With a `margin`, the
    /// least advanced token whose D is within `margin` of the best: a partial path pays nothing
    /// for running ahead of the audio (later phones may fit the frames now), so the most advanced
    /// plausible path is the one most likely to be wrong.
    func bestLiveD(margin: Double = 0) -> Int? {
        guard let band = dRange else { return nil }
        var best = -Double.infinity
        var arg: Int?
        for k in band where d[k] > best { best = d[k]; arg = k }
        guard margin > 0 else { return arg }
        for k in band where d[k] >= best - margin { return k }
        return arg
    }
}
