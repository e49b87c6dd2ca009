/// Two bits per (frame, token) cell, packed 64 to a word, for the frames not yet settled.
///
/// Row `f` holds, for every token k, the "stayed" bit of D(f, k) (token k already covered frame
/// f − 2 and still covers f − 1) and the "skipped" bit of F(f, k) (token k is skipped at
/// boundary f). Rows before the settled anchor are dropped, so streaming memory follows the
/// traceback lag, not the input length.
struct BackpointerStore: Sendable {
    let wordsPerHalf: Int
    private var words: [UInt64] = []
    /// Index in `words` of the first held row (rows before it are dead, awaiting compaction).
    private var offset = 0
    /// Frame of the first held row.
    private(set) var firstFrame = 0
    private(set) var rowCount = 0
    /// Largest allocation so far, in bytes.
    private(set) var peakByteCount = 0

    private let zeroRow: [UInt64]

    init(tokenCount: Int) {
        wordsPerHalf = (tokenCount + 63) / 64
        zeroRow = Array(repeating: 0, count: 2 * wordsPerHalf)
    }

    var wordsPerRow: Int { 2 * wordsPerHalf }
    /// Bytes allocated for packed bits (array capacity, dead prefix included).
    var byteCount: Int { words.capacity * 8 }

    mutating func reserve(rows: Int) {
        words.reserveCapacity(rows * wordsPerRow)
        peakByteCount = max(peakByteCount, byteCount)
    }

    /// Appends a zeroed row for the next frame and returns the index of its first word.
    mutating func appendRow() -> Int {
        let base = words.count
        words.append(contentsOf: zeroRow)
        rowCount += 1
        peakByteCount = max(peakByteCount, byteCount)
        return base
    }

    mutating func orWord(_ index: Int, _ value: UInt64) { words[index] |= value }

    private func bit(frame: Int, token: Int, half: Int) -> Bool {
        precondition(frame >= firstFrame && frame < firstFrame + rowCount, "backpointer row \(frame) not held")
        let word = words[offset + (frame - firstFrame) * wordsPerRow + half * wordsPerHalf + token >> 6]
        return word >> UInt64(token & 63) & 1 == 1
    }

    func stayed(frame: Int, token: Int) -> Bool { bit(frame: frame, token: token, half: 0) }
    func skipped(frame: Int, token: Int) -> Bool { bit(frame: frame, token: token, half: 1) }

    /// Forgets rows before `frame`; storage is compacted once half of it is dead.
    mutating func dropRows(before frame: Int) {
        let drop = min(max(0, frame - firstFrame), rowCount)
        guard drop > 0 else { return }
        firstFrame += drop
        rowCount -= drop
        offset += drop * wordsPerRow
        if offset >= rowCount * wordsPerRow {
            words.removeFirst(offset)
            offset = 0
        }
    }
}
