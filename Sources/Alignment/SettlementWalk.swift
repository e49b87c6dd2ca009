/// The lockstep traceback behind streaming emission.
///
/// Seeds: every live D(t, k) and every F(a, j) a later transition can still read (a path that
/// has entered token j + 1 but not yet finished its minimum run). All are walked back one frame
/// at a time; paths that enter a token jump back m_k frames and count as pending until the walk
/// reaches them. The first frame (going back) where nothing is pending and all paths sit in one
/// D state is the latest common point: every future best path passes it.
///
/// Cost: O(N · max m) to seed plus O(distinct states per frame) per frame walked, back to the
/// merge point or the previous anchor.
struct SettlementWalk {
    private let decoder: MonotonicDecoder
    private var buckets: [[Int32]]
    private var pending = 0

    init(decoder: MonotonicDecoder) {
        self.decoder = decoder
        buckets = Array(repeating: [], count: decoder.fSlots)
    }

    /// Node codes: D(k) is k ≥ 0, F(j) is −(j + 2) (so F(−1), the start, is −1).
    private mutating func add(frame: Int, code: Int32) {
        precondition(frame >= decoder.anchorFrame, "a live path passes before the settled anchor")
        buckets[frame % decoder.fSlots].append(code)
        pending += 1
    }

    mutating func run() -> (frame: Int, token: Int)? {
        let n = decoder.tokenCount
        let t = decoder.frame
        let anchorFrame = decoder.anchorFrame
        let anchorToken = decoder.anchorToken
        if let band = decoder.dRange {
            for k in band where decoder.liveD(token: k) { add(frame: t, code: Int32(k)) }
        }
        for a in max(anchorFrame, t + 1 - decoder.maxMin) ... t {
            if decoder.liveF(at: a, token: -1) { add(frame: a, code: -1) }
            guard let band = decoder.fRange(at: a) else { continue }
            for j in band where decoder.liveF(at: a, token: j) { add(frame: a, code: Int32(-(j + 2))) }
        }
        guard pending > 0 else { return nil }
        var seenD = [Int](repeating: -1, count: n + 1)  // index k + 1, so the start (−1) fits
        var seenF = [Int](repeating: -1, count: n + 1)
        var anchorArrivals = 0
        var states: [Int] = []
        var f = t
        while f >= anchorFrame {
            let slot = f % decoder.fSlots
            let nodes = buckets[slot]
            buckets[slot].removeAll(keepingCapacity: true)
            pending -= nodes.count
            states.removeAll(keepingCapacity: true)
            func insertD(_ k: Int) {
                if seenD[k + 1] != f { seenD[k + 1] = f; states.append(k) }
            }
            for code in nodes {
                if code >= 0 { insertD(Int(code)); continue }
                var j = Int(-code) - 2
                while seenF[j + 1] != f {
                    seenF[j + 1] = f
                    precondition(j >= anchorToken, "a live path skips past the settled anchor")
                    if j == anchorToken || !decoder.bits.skipped(frame: f, token: j) { insertD(j); break }
                    j -= 1
                }
            }
            if pending == 0, anchorArrivals == 0 || f == anchorFrame, states.count == 1 {
                return (f, states[0])
            }
            for k in states {
                if k == anchorToken {
                    if f > anchorFrame { anchorArrivals += 1 }
                } else if decoder.bits.stayed(frame: f, token: k) {
                    add(frame: f - 1, code: Int32(k))
                } else {
                    add(frame: f - decoder.minFrames[k], code: Int32(-(k - 1 + 2)))
                }
            }
            if pending == 0 { return nil }
            f -= 1
        }
        return nil
    }
}
