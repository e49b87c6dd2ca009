/// Counters of the value products an attention layer did and skipped.
///
/// One "value row" is the product of one attention weight with one value vector (headDim
/// multiply-adds) for one query and head. A dense pass does `valueRows` of them; where the
/// normaliser gave exact zeros and the sparse path ran, `skippedValueRows` of them were skipped.
public struct AttentionStats: Sendable, Equatable {
    /// (query, key, head) triples inside the visible key windows.
    public var valueRows = 0
    /// Of those, the ones skipped because their weight was exactly zero.
    public var skippedValueRows = 0
    /// Weights that were exactly zero (whether or not the sparse path ran).
    public var zeroWeights = 0
    /// Query blocks (chunks) processed.
    public var blocks = 0

    public init() {}

    /// skippedValueRows / valueRows (0 when nothing ran).
    public var skippedShare: Double { valueRows == 0 ? 0 : Double(skippedValueRows) / Double(valueRows) }

    public static func + (a: AttentionStats, b: AttentionStats) -> AttentionStats {
        var s = a
        s.valueRows += b.valueRows
        s.skippedValueRows += b.skippedValueRows
        s.zeroWeights += b.zeroWeights
        s.blocks += b.blocks
        return s
    }
}

/// Scratch memory and counters for one attention layer in one session. Reused between calls: after
/// the first call of the largest size, calls allocate nothing. Not thread-safe; one per session.
public final class AttentionWorkspace {
    let q = ScratchBuffer()
    let k = ScratchBuffer()
    let v = ScratchBuffer()
    let context = ScratchBuffer()
    let scores = ScratchBuffer()
    let sortScratch = ScratchBuffer()
    /// Counters accumulated over every call since creation or `resetStats()`.
    public var stats = AttentionStats()

    public init() {}

    public func resetStats() { stats = AttentionStats() }
}
