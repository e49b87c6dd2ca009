import CSndFile
import Foundation

/// Compressed encodings `AudioMemoryEncoder` produces, for embedding audio in documents.
public enum CompressedAudioFormat: String, Sendable, CaseIterable {
    /// MPEG-1/2 Layer III (libsndfile through LAME), constant bit rate: plays in every browser.
    case mp3
    /// Ogg Vorbis (variable bit rate).
    case oggVorbis
    /// FLAC, 16-bit (lossless; about 4× the size of `mp3` at speech bit rates).
    case flac16

    /// MIME type for a data URI or an HTTP header.
    public var mimeType: String {
        switch self {
        case .mp3: return "audio/mpeg"
        case .oggVorbis: return "audio/ogg"
        case .flac16: return "audio/flac"
        }
    }

    var sndfileFormat: Int32 {
        switch self {
        case .mp3: return Int32(SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III)
        case .oggVorbis: return Int32(SF_FORMAT_OGG | SF_FORMAT_VORBIS)
        case .flac16: return Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16)
        }
    }
}

/// Encodes mono or interleaved Float samples to compressed audio bytes in memory, through
/// libsndfile's virtual I/O (no temporary file). For audio players embedded in an HTML report.
///
/// ```swift
/// let mp3 = try AudioMemoryEncoder.encode(samples, sampleRate: 16000, format: .mp3, compression: 0.9)
/// ```
public enum AudioMemoryEncoder {
    /// - Parameters:
    ///   - samples: interleaved, nominally in [-1, 1] (clipped outside).
    ///   - compression: libsndfile's compression level 0 (best quality) … 1 (smallest); for MP3 it
    ///     picks the constant bit rate, for Vorbis the quality, for FLAC the effort.
    ///   - name: labels errors.
    public static func encode(_ samples: [Float], sampleRate: Int, channels: Int = 1, format: CompressedAudioFormat,
                              compression: Double = 0.5, name: String = "audio") throws(AudioError) -> Data {
        precondition(channels > 0 && samples.count % channels == 0, "samples must hold whole frames")
        guard AudioInfo.sampleRateRange.contains(sampleRate), AudioInfo.channelRange.contains(channels) else {
            throw .writeFailed(name, message: "rate \(sampleRate) Hz or channel count \(channels) out of range")
        }
        let sink = MemorySink()
        var io = SF_VIRTUAL_IO(
            get_filelen: { MemorySink.from($0).length },
            seek: { offset, whence, user in MemorySink.from(user).seek(offset, whence: whence) },
            read: { ptr, count, user in MemorySink.from(user).read(ptr, count) },
            write: { ptr, count, user in MemorySink.from(user).write(ptr, count) },
            tell: { MemorySink.from($0).position })
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels)
        info.format = format.sndfileFormat
        guard sf_format_check(&info) != 0 else {
            throw .writeFailed(name, message: "libsndfile cannot write \(format.rawValue) at \(sampleRate) Hz, \(channels) channel(s)")
        }
        let unmanaged = Unmanaged.passRetained(sink)
        defer { unmanaged.release() }
        let handle: OpaquePointer? = sndfileOpenLock.withLock { sf_open_virtual(&io, Int32(SFM_WRITE), &info, unmanaged.toOpaque()) }
        guard let handle else { throw .writeFailed(name, message: String(cString: sf_strerror(nil))) }
        if format == .mp3 {
            var mode = Int32(SF_BITRATE_MODE_CONSTANT)
            sf_command(handle, Int32(SFC_SET_BITRATE_MODE), &mode, Int32(MemoryLayout<Int32>.size))
        }
        var level = min(max(compression, 0), 1)
        sf_command(handle, Int32(SFC_SET_COMPRESSION_LEVEL), &level, Int32(MemoryLayout<Double>.size))
        sf_command(handle, Int32(SFC_SET_CLIPPING), nil, Int32(SF_TRUE))
        let frames = samples.count / channels
        let wrote = frames == 0 ? 0 : samples.withUnsafeBufferPointer { sf_writef_float(handle, $0.baseAddress!, Int64(frames)) }
        let writeError = Int(wrote) == frames ? nil : String(cString: sf_strerror(handle))
        let status = sf_close(handle)
        if let writeError { throw .writeFailed(name, message: writeError) }
        guard status == 0 else { throw .writeFailed(name, message: String(cString: sf_error_number(status))) }
        return sink.data
    }
}

/// A growable byte buffer behind libsndfile's virtual I/O callbacks.
private final class MemorySink {
    var data = Data()
    var position: sf_count_t = 0

    static func from(_ user: UnsafeMutableRawPointer?) -> MemorySink {
        Unmanaged<MemorySink>.fromOpaque(user!).takeUnretainedValue()
    }

    var length: sf_count_t { sf_count_t(data.count) }

    func seek(_ offset: sf_count_t, whence: Int32) -> sf_count_t {
        let base: sf_count_t
        switch whence {
        case SEEK_SET: base = 0
        case SEEK_CUR: base = position
        case SEEK_END: base = length
        default: return -1
        }
        guard base + offset >= 0 else { return -1 }
        position = base + offset
        return position
    }

    func read(_ ptr: UnsafeMutableRawPointer?, _ count: sf_count_t) -> sf_count_t {
        guard let ptr, position < length else { return 0 }
        let n = min(count, length - position)
        data.withUnsafeBytes { src in ptr.copyMemory(from: src.baseAddress! + Int(position), byteCount: Int(n)) }
        position += n
        return n
    }

    func write(_ ptr: UnsafeRawPointer?, _ count: sf_count_t) -> sf_count_t {
        guard let ptr, count > 0 else { return 0 }
        let end = Int(position + count)
        if end > data.count { data.append(Data(count: end - data.count)) }
        data.withUnsafeMutableBytes { dst in (dst.baseAddress! + Int(position)).copyMemory(from: ptr, byteCount: Int(count)) }
        position += count
        return count
    }
}
