import CSndFile
import Foundation

/// A non-seekable byte stream (stdin, a FIFO) presented to libsndfile through its virtual I/O
/// interface, with a bounded look-back buffer.
///
/// libsndfile's own pipe support (`sf_open_fd` on a pipe) fails for FLAC, whose decoder re-reads
/// the bytes the format sniffer consumed. Here every byte read stays available for backward
/// seeks until it falls more than `lookBack` bytes behind the read position, so header parsing
/// can seek freely while memory stays bounded (about `2 × lookBack` bytes) however long the
/// stream is. Forward seeks up to `lookBack` bytes past the data buffered so far read ahead;
/// farther ones fail, as on any unseekable file. Seeking relative to the end is only possible once
/// the stream has ended; until then the length is reported as unknown (`Int64.max`).
///
/// Offsets seen by libsndfile are counted from `origin` (0 until `rebase(at:)`), so a second
/// libsndfile handle can read the rest of the stream as if it started there.
final class PipeByteSource {
    let fd: Int32
    let lookBack: Int
    private var storage: [UInt8] = []
    private var storageStart = 0
    private var position = 0
    /// The stream byte that libsndfile sees as offset 0.
    private(set) var origin = 0
    private(set) var reachedEnd = false
    private(set) var lastErrno: Int32 = 0
    private var scratch = [UInt8](repeating: 0, count: 65_536)

    init(fd: Int32, lookBack: Int = 1 << 20) {
        self.fd = fd
        self.lookBack = lookBack
    }

    private var storageEnd: Int { storageStart + storage.count }

    /// Reads more bytes from the descriptor into the buffer. Returns false at end or on error.
    @discardableResult
    func fill() -> Bool {
        if reachedEnd { return false }
        var n = 0
        while true {
            n = scratch.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            break
        }
        if n > 0 { storage.append(contentsOf: scratch[0..<n]) }
        if n <= 0 {
            if n < 0 { lastErrno = errno }
            reachedEnd = true
            return false
        }
        return true
    }

    /// Rewrites a WAV header's zero `data` (and RIFF) size, which libsndfile takes literally
    /// as "no samples", to 0xFFFFFFFF, the usual "unknown length". Call before libsndfile reads;
    /// reads only until the `data` chunk's header has arrived (at most 64 KiB), so a live
    /// stream is not held up.
    /// - Returns: the WAV header as sent (nil when the stream is not a WAV whose `fmt ` and
    ///   `data` chunks start within 64 KiB).
    @discardableResult
    func patchZeroLengthWAVHeader() -> WAVHeader? {
        func isRIFF() -> Bool { storage.count < 4 || Array(storage.prefix(4)) == Array("RIFF".utf8) }
        while storage.count < 65_536 && isRIFF() && WAVHeader.parse(storage) == nil && fill() {}
        guard let header = WAVHeader.parse(storage) else { return nil }
        if header.declaredDataBytes == 0 {
            for at in [4, header.dataOffset - 4] { for k in 0..<4 { storage[at + k] = 0xFF } }
        }
        return header
    }

    /// Makes stream byte `byte` offset 0 for libsndfile from now on. It must still be buffered
    /// (within the look-back) or lie at most `lookBack` bytes ahead.
    /// - Returns: false when it cannot be reached.
    func rebase(at byte: Int) -> Bool {
        let saved = origin
        origin = 0
        guard seek(offset: byte, whence: SEEK_SET) == byte else { origin = saved; return false }
        origin = byte
        return true
    }

    /// True when bytes beyond the read position are buffered or still arrive.
    var hasMore: Bool { position < storageEnd || fill() }

    private func trim() {
        let behind = position - storageStart
        if behind > 2 * lookBack {
            let drop = behind - lookBack
            storage.removeFirst(drop)
            storageStart += drop
        }
    }

    func read(into dst: UnsafeMutableRawPointer, count: Int) -> Int {
        var done = 0
        while done < count {
            if position >= storageEnd {
                if !fill() { break }
                continue
            }
            let n = min(count - done, storageEnd - position)
            storage.withUnsafeBytes { src in
                (dst + done).copyMemory(from: src.baseAddress! + (position - storageStart), byteCount: n)
            }
            done += n
            position += n
        }
        trim()
        return done
    }

    func seek(offset: Int, whence: Int32) -> Int {
        var target: Int
        switch whence {
        case SEEK_SET: target = origin + offset
        case SEEK_CUR: target = position + offset
        case SEEK_END:
            guard reachedEnd else { return -1 }
            target = storageEnd + offset
        default: return -1
        }
        if target < storageStart || target < origin { return -1 }
        // A far jump ahead (libsndfile looking for chunks after a `data` chunk of "unknown"
        // length) would swallow the stream; refuse it like an unseekable file would.
        if target > storageEnd + lookBack { return -1 }
        while target > storageEnd && fill() {}
        target = min(target, storageEnd)
        position = target
        trim()
        return position - origin
    }

    var tell: Int { position - origin }
    /// Bytes currently held for look-back and read-ahead.
    var bufferedBytes: Int { storage.count }
    var length: Int { reachedEnd ? storageEnd - origin : Int(Int64.max) }

    /// The libsndfile callbacks; `user_data` is an unretained `PipeByteSource`.
    static var virtualIO: SF_VIRTUAL_IO {
        SF_VIRTUAL_IO(
            get_filelen: { user in
                Int64(Unmanaged<PipeByteSource>.fromOpaque(user!).takeUnretainedValue().length)
            },
            seek: { offset, whence, user in
                Int64(Unmanaged<PipeByteSource>.fromOpaque(user!).takeUnretainedValue()
                    .seek(offset: Int(offset), whence: whence))
            },
            read: { ptr, count, user in
                Int64(Unmanaged<PipeByteSource>.fromOpaque(user!).takeUnretainedValue()
                    .read(into: ptr!, count: Int(count)))
            },
            write: { _, _, _ in 0 },
            tell: { user in
                Int64(Unmanaged<PipeByteSource>.fromOpaque(user!).takeUnretainedValue().tell)
            }
        )
    }
}
