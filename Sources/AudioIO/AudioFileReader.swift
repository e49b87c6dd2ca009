import CSndFile
import Foundation

/// libsndfile reports a failed open through one global; file opens take this lock so that the
/// message read back is their own.
let sndfileOpenLock = NSLock()

/// Reads audio of any format libsndfile knows, from a file, a FIFO or stdin (`"-"`), in bounded
/// chunks: memory use does not grow with the length of the input.
///
/// ```swift
/// let reader = try AudioFileReader(path: "speech.flac")
/// while case let chunk = try reader.read(maxFrames: 4096), !chunk.isEmpty {
///     // chunk: interleaved Float in [-1, 1], chunk.count / reader.info.channels frames
/// }
/// ```
///
/// Streams (stdin, FIFOs) are read through `PipeByteSource`; their length is unknown
/// (`info.frames == nil`) until `read` has returned an empty chunk, after which `info.frames`
/// holds the count. Headerless PCM needs a `RawPCMFormat`.
///
/// Truncation: a file whose WAV header declares more data than it holds is rejected when opened
/// (`AudioError.truncated`); for other formats, a read that ends before the declared frame count
/// throws the same error. Streaming writers' "unknown length" sizes (0, 0xFFFFFFFF) are accepted.
///
/// A WAV stream that declares such a size is read to its end, not to the size: libsndfile stops
/// at the declared byte count (4 GiB at most: 37 h of 16 kHz mono PCM16, 3.1 h of 48 kHz stereo
/// float, less after sox's 0x7FFFF000), so when it does and the stream goes on, the rest is read
/// through a second libsndfile handle as headerless PCM of the header's encoding.
///
/// Not thread-safe: use one reader from one task at a time.
public final class AudioFileReader {
    /// The name errors use: the path, or `"stdin"`.
    public let name: String
    /// Format, rate, channels; `frames` is nil for a stream until it has been read to the end.
    public private(set) var info: AudioInfo
    /// True when the input is read sequentially with its length unknown until the end: stdin,
    /// FIFOs, and WAV files whose header gives the `data` size as 0 (a writer that never
    /// came back to fill it in).
    public let isStream: Bool
    /// Frames returned so far.
    public private(set) var framesRead = 0
    /// When true, `read` throws `AudioError.nonFiniteSample` on NaN or ±Inf.
    public var rejectNonFinite: Bool

    private var handle: OpaquePointer?
    private var pipe: PipeByteSource?
    private let declaredFrames: Int?
    private var finished = false
    /// For a WAV stream of "unknown length": where its sample data starts, its frame size in
    /// bytes and the libsndfile format that reads the bytes after the declared size.
    private var continuation: (dataOffset: Int, blockAlign: Int, format: Int32)?

    /// Opens `path` (`"-"` for stdin).
    /// - Parameters:
    ///   - raw: set for headerless PCM; the stream is then read as exactly that.
    ///   - rejectNonFinite: see `rejectNonFinite`.
    public init(path: String, raw: RawPCMFormat? = nil, rejectNonFinite: Bool = false) throws(AudioError) {
        self.rejectNonFinite = rejectNonFinite
        let isStdin = path == "-"
        let name = isStdin ? "stdin" : path
        self.name = name
        var stream = isStdin
        if let raw { try raw.validate(file: name) }

        var wav: WAVHeader?
        var fd: Int32 = 0
        if !isStdin {
            var st = stat()
            guard stat(path, &st) == 0 else {
                if errno == ENOENT { throw .missingFile(name) }
                throw .notReadable(name, reason: String(cString: strerror(errno)))
            }
            switch st.st_mode & S_IFMT {
            case S_IFDIR: throw .notReadable(name, reason: "is a directory")
            case S_IFIFO, S_IFCHR: stream = true
            case S_IFREG:
                if st.st_size == 0 { throw .emptyFile(name) }
            default: break
            }
            if stream {
                fd = open(path, O_RDONLY)
                guard fd >= 0 else { throw .notReadable(name, reason: String(cString: strerror(errno))) }
            } else if raw == nil {
                wav = WAVHeader.read(path: path)
                if let wav {
                    try Self.check(wav, fileSize: Int(st.st_size), name: name)
                    if wav.declaredDataBytes == 0 && Int(st.st_size) > wav.dataOffset {
                        // A writer that never came back to fill in the size: read it as a stream.
                        stream = true
                        fd = open(path, O_RDONLY)
                        guard fd >= 0 else { throw .notReadable(name, reason: String(cString: strerror(errno))) }
                    }
                }
            }
        }
        isStream = stream

        var sfinfo = SF_INFO()
        var openError: String?
        if let raw {
            sfinfo.samplerate = Int32(raw.sampleRate)
            sfinfo.channels = Int32(raw.channels)
            sfinfo.format = raw.sample.sndfileFormat
        }
        if stream {
            let source = PipeByteSource(fd: fd)
            if !source.fill() {
                if fd != 0 { Foundation.close(fd) }
                if source.lastErrno != 0 {
                    throw .readFailed(name, message: String(cString: strerror(source.lastErrno)))
                }
                throw .emptyFile(name)
            }
            if raw == nil { wav = source.patchZeroLengthWAVHeader() }
            pipe = source
            var vio = PipeByteSource.virtualIO
            handle = sf_open_virtual(&vio, Int32(SFM_READ), &sfinfo, Unmanaged.passUnretained(source).toOpaque())
            if handle != nil, let wav, wav.declaresUnknownLength, wav.blockAlign > 0,
               sfinfo.format & Int32(SF_FORMAT_TYPEMASK) == Int32(SF_FORMAT_WAV),
               let format = Self.headerlessFormat(of: sfinfo.format) {
                continuation = (wav.dataOffset, wav.blockAlign, format)
            }
        } else {
            (handle, openError) = sndfileOpenLock.withLock {
                let h = sf_open(path, Int32(SFM_READ), &sfinfo)
                return (h, h == nil ? String(cString: sf_strerror(nil)) : "")
            }
        }
        guard let handle else {
            let message = openError ?? String(cString: sf_strerror(nil))
            if let pipe, pipe.fd != 0 { Foundation.close(pipe.fd) }
            throw .unreadable(name, message: message)
        }
        self.handle = handle

        let rate = Int(sfinfo.samplerate), channels = Int(sfinfo.channels)
        var problem: String?
        if !AudioInfo.sampleRateRange.contains(rate) { problem = "sample rate \(rate) Hz is outside 1...768000" }
        if !AudioInfo.channelRange.contains(channels) { problem = "channel count \(channels) is outside 1...256" }
        if let problem {
            sf_close(handle)
            self.handle = nil
            if let pipe, pipe.fd != 0 { Foundation.close(pipe.fd) }
            throw .badHeader(name, reason: problem)
        }
        let headerFrames = Int(sfinfo.frames)
        // A header of 0 frames in a non-empty file (a cut-off Ogg has no final granule) means unknown.
        // MP3 headers only estimate the length, so running short of it is not truncation.
        let exact = sfinfo.format & Int32(SF_FORMAT_TYPEMASK) != Int32(SF_FORMAT_MPEG)
        let known = !stream && raw == nil && headerFrames > 0 && headerFrames < Int(Int64.max)
        declaredFrames = known && exact ? headerFrames : nil
        let frames: Int? = raw != nil && !stream ? headerFrames : (known ? headerFrames : nil)
        info = AudioInfo(format: SndfileNames.format(sfinfo.format), subtype: SndfileNames.subtype(sfinfo.format),
                         sampleRate: rate, channels: channels, frames: frames)
    }

    deinit { close() }

    /// Releases libsndfile's handle (and the FIFO's descriptor). Later reads return nothing.
    public func close() {
        if let handle { sf_close(handle) }
        handle = nil
        if let pipe, pipe.fd != 0 { Foundation.close(pipe.fd) }
        pipe = nil
    }

    /// The headerless libsndfile format reading WAV sample data of `format`'s encoding; nil for
    /// block-coded encodings (ADPCM, GSM), which cannot be resumed at an arbitrary frame.
    private static func headerlessFormat(of format: Int32) -> Int32? {
        let sub = format & Int32(SF_FORMAT_SUBMASK)
        let plain = [SF_FORMAT_PCM_U8, SF_FORMAT_PCM_16, SF_FORMAT_PCM_24, SF_FORMAT_PCM_32,
                     SF_FORMAT_FLOAT, SF_FORMAT_DOUBLE, SF_FORMAT_ULAW, SF_FORMAT_ALAW].map { Int32($0) }
        guard plain.contains(sub) else { return nil }
        return Int32(SF_FORMAT_RAW) | sub | Int32(SF_ENDIAN_LITTLE)
    }

    /// Called when libsndfile has read all that a WAV stream's "unknown length" header declared:
    /// when more bytes follow, reopens the stream after the last whole frame as headerless PCM.
    /// - Returns: true when reading can go on.
    private func continuePastDeclaredSize() -> Bool {
        guard let cont = continuation, let pipe else { return false }
        continuation = nil
        // libsndfile may have read ahead of its last frame: restart from the bytes after it.
        let start = pipe.origin + cont.dataOffset + framesRead * cont.blockAlign
        guard pipe.rebase(at: start), pipe.hasMore else { return false }
        var sfinfo = SF_INFO()
        sfinfo.samplerate = Int32(info.sampleRate)
        sfinfo.channels = Int32(info.channels)
        sfinfo.format = cont.format
        var vio = PipeByteSource.virtualIO
        guard let next = sf_open_virtual(&vio, Int32(SFM_READ), &sfinfo, Unmanaged.passUnretained(pipe).toOpaque()) else {
            return false
        }
        if let handle { sf_close(handle) }
        handle = next
        return true
    }

    private static func check(_ wav: WAVHeader, fileSize: Int, name: String) throws(AudioError) {
        guard wav.channels > 0 else { throw .badHeader(name, reason: "0 channels") }
        guard AudioInfo.channelRange.contains(wav.channels) else {
            throw .badHeader(name, reason: "channel count \(wav.channels) is outside 1...256")
        }
        guard AudioInfo.sampleRateRange.contains(wav.sampleRate) else {
            throw .badHeader(name, reason: "sample rate \(wav.sampleRate) Hz is outside 1...768000")
        }
        let present = max(fileSize - wav.dataOffset, 0)
        if !wav.declaresUnknownLength, wav.declaredDataBytes > present, wav.blockAlign > 0 {
            throw .truncated(name, declaredFrames: wav.declaredDataBytes / wav.blockAlign,
                             presentFrames: present / wav.blockAlign)
        }
    }

    /// Reads up to `maxFrames` frames into `buffer` (resized to `frames × channels`, interleaved).
    /// Reusing one buffer across calls allocates nothing after the first.
    /// - Returns: frames read; 0 at the end of the stream.
    @discardableResult
    public func read(into buffer: inout [Float], maxFrames: Int) throws(AudioError) -> Int {
        precondition(maxFrames > 0, "maxFrames must be positive")
        guard let handle, !finished else { buffer.removeAll(keepingCapacity: true); return 0 }
        let ch = info.channels
        if buffer.count != maxFrames * ch {
            buffer = [Float](repeating: 0, count: maxFrames * ch)
        }
        var got = Int(buffer.withUnsafeMutableBufferPointer { sf_readf_float(handle, $0.baseAddress!, Int64(maxFrames)) })
        if got == 0 && sf_error(handle) == 0 && continuePastDeclaredSize(), let next = self.handle {
            got = Int(buffer.withUnsafeMutableBufferPointer { sf_readf_float(next, $0.baseAddress!, Int64(maxFrames)) })
        }
        if got < maxFrames {
            buffer.removeLast((maxFrames - got) * ch)
            let err = sf_error(self.handle)
            if err != 0 {
                throw .readFailed(name, message: String(cString: sf_strerror(self.handle)))
            }
        }
        if rejectNonFinite, let bad = buffer.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteSample(name, frame: framesRead + bad / ch)
        }
        framesRead += got
        if got == 0 {
            finished = true
            if let declared = declaredFrames, framesRead < declared {
                throw .truncated(name, declaredFrames: declared, presentFrames: framesRead)
            }
            if let pipe, pipe.lastErrno != 0 {
                throw .readFailed(name, message: String(cString: strerror(pipe.lastErrno)))
            }
            info.frames = framesRead
        }
        return got
    }

    /// Reads up to `maxFrames` frames; interleaved, `count / info.channels` frames; empty at the end.
    public func read(maxFrames: Int) throws(AudioError) -> [Float] {
        var buffer: [Float] = []
        try read(into: &buffer, maxFrames: maxFrames)
        return buffer
    }

    /// Reads everything that is left. Only for short inputs: memory grows with the length.
    public func readAll(chunkFrames: Int = 65_536) throws(AudioError) -> [Float] {
        var all: [Float] = []
        var buffer: [Float] = []
        while try read(into: &buffer, maxFrames: chunkFrames) > 0 { all += buffer }
        return all
    }

    /// Opens `path` and returns its info; for a stream of unknown length, reads it to the end
    /// (in bounded chunks) to count the frames.
    /// - Parameter decodeAll: decode every input to the end, also those whose header states the
    ///   length: `frames` is then the decoded count, and a compressed file cut short (whose
    ///   header still claims the full length) throws `AudioError.truncated` or `.readFailed`.
    public static func probe(path: String, raw: RawPCMFormat? = nil, decodeAll: Bool = false) throws(AudioError) -> AudioInfo {
        let reader = try AudioFileReader(path: path, raw: raw)
        if reader.info.frames == nil || decodeAll {
            var buffer: [Float] = []
            while try reader.read(into: &buffer, maxFrames: 65_536) > 0 {}
        }
        return reader.info
    }
}
