import Foundation

/// The few fields of a RIFF/WAVE header needed to judge it before libsndfile does:
/// libsndfile silently clamps a `data` chunk that claims more bytes than the file holds,
/// and its messages for impossible `fmt ` fields are generic.
struct WAVHeader {
    var channels: Int
    var sampleRate: Int
    var blockAlign: Int
    var dataOffset: Int
    /// Size field of the `data` chunk, in bytes.
    var declaredDataBytes: Int

    /// Sizes written by streaming encoders (ffmpeg, sox, attend) that cannot seek back:
    /// they mean "unknown length", not "truncated".
    var declaresUnknownLength: Bool { declaredDataBytes == 0 || declaredDataBytes >= 0x7FFF_0000 }

    /// Parses the first `prefix` bytes; nil when this is not a little-endian RIFF/WAVE or the
    /// `fmt `/`data` chunks are not found in the prefix (libsndfile then has the last word).
    static func parse(_ bytes: [UInt8]) -> WAVHeader? {
        func u32(_ i: Int) -> Int? {
            guard i + 4 <= bytes.count else { return nil }
            return Int(bytes[i]) | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2]) << 16 | Int(bytes[i + 3]) << 24
        }
        func u16(_ i: Int) -> Int? {
            guard i + 2 <= bytes.count else { return nil }
            return Int(bytes[i]) | Int(bytes[i + 1]) << 8
        }
        func tag(_ i: Int) -> String? {
            guard i + 4 <= bytes.count else { return nil }
            return String(decoding: bytes[i..<i + 4], as: UTF8.self)
        }
        guard tag(0) == "RIFF", tag(8) == "WAVE" else { return nil }
        var at = 12
        var fmt: (channels: Int, rate: Int, align: Int)?
        while let id = tag(at), let size = u32(at + 4) {
            if id == "fmt " {
                guard let ch = u16(at + 10), let sr = u32(at + 12), let al = u16(at + 20) else { return nil }
                fmt = (ch, sr, al)
            } else if id == "data" {
                guard let f = fmt else { return nil }
                return WAVHeader(channels: f.channels, sampleRate: f.rate, blockAlign: f.align,
                                 dataOffset: at + 8, declaredDataBytes: size)
            }
            at += 8 + size + (size & 1)
        }
        return nil
    }

    /// Reads and parses the start of the file at `path`; nil if unreadable or not WAV.
    static func read(path: String, prefix: Int = 65_536) -> WAVHeader? {
        guard let h = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? h.close() }
        guard let data = try? h.read(upToCount: prefix) else { return nil }
        return parse([UInt8](data))
    }
}
