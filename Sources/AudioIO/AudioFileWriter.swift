import CSndFile
import Foundation

/// Writes WAV or FLAC with libsndfile, to a file or to stdout (`"-"`), chunk by chunk.
///
/// Files are written under a temporary name in the destination's directory and renamed into
/// place by `finish()`; if the writer is released (or `cancel()`led) without `finish()`, or any
/// write fails, the temporary file is removed: a half-written output never appears under the
/// requested name.
///
/// Stdout takes WAV only. libsndfile cannot write WAV to a pipe (it seeks back to fill in the
/// sizes), so the writer emits a WAV header whose RIFF and `data` sizes are 0xFFFFFFFF
/// ("unknown length", as ffmpeg does) and then the samples as libsndfile raw PCM.
///
/// Samples are interleaved Float, nominally in [-1, 1]; integer formats clip outside it.
/// Not thread-safe.
public final class AudioFileWriter {
    /// Where the output goes: the final path, or `"stdout"`.
    public let name: String
    public let sampleRate: Int
    public let channels: Int
    public let format: AudioOutputFormat
    /// Frames written so far.
    public private(set) var framesWritten = 0

    private let finalPath: String?
    private let tempPath: String?
    private var handle: OpaquePointer?
    private var done = false
    /// A descriptor this writer opened (a special file written in place), closed when it ends.
    private var ownedDescriptor: Int32?

    /// - Parameters:
    ///   - path: destination file, or `"-"` for stdout (WAV only).
    ///   - sampleRate: Hz, within `AudioInfo.sampleRateRange`.
    ///   - channels: within `AudioInfo.channelRange`.
    public convenience init(path: String, sampleRate: Int, channels: Int, format: AudioOutputFormat) throws(AudioError) {
        if path == "-" {
            try self.init(target: .stream(fd: 1, name: "stdout"), sampleRate: sampleRate, channels: channels, format: format)
        } else if PartialFiles.isSpecialFile(path) {
            try self.init(target: .special(path), sampleRate: sampleRate, channels: channels, format: format)
        } else {
            try self.init(target: .file(path), sampleRate: sampleRate, channels: channels, format: format)
        }
    }

    /// Streams WAV (header of unknown length, then samples) to an open descriptor: a pipe,
    /// a socket or a file. The descriptor stays open and owned by the caller.
    public convenience init(streamingTo fileDescriptor: Int32, name: String, sampleRate: Int, channels: Int,
                            format: AudioOutputFormat) throws(AudioError) {
        try self.init(target: .stream(fd: fileDescriptor, name: name), sampleRate: sampleRate, channels: channels, format: format)
    }

    /// `.special`: an existing path that is not a regular file (a FIFO, /dev/null, a terminal),
    /// written in place: renaming a temporary file onto a device would replace it.
    private enum Target { case file(String), special(String), stream(fd: Int32, name: String) }

    private init(target: Target, sampleRate: Int, channels: Int, format: AudioOutputFormat) throws(AudioError) {
        switch target {
        case .file(let path), .special(let path): name = path
        case .stream(_, let n): name = n
        }
        self.sampleRate = sampleRate
        self.channels = channels
        self.format = format
        guard AudioInfo.sampleRateRange.contains(sampleRate), AudioInfo.channelRange.contains(channels) else {
            throw .writeFailed(name, message: "rate \(sampleRate) Hz or channel count \(channels) out of range")
        }
        var info = SF_INFO()
        var openError: String?
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels)
        switch target {
        case .stream(let fd, _):
            finalPath = nil
            tempPath = nil
            handle = try Self.openStreaming(fd: fd, name: name, format: format, info: &info)
        case .special(let path):
            finalPath = nil
            tempPath = nil
            if format.rawBodyFormat != nil {  // WAV is streamed: libsndfile's own WAV writer seeks
                let fd = open(path, O_WRONLY)
                guard fd >= 0 else { throw .writeFailed(name, message: String(cString: strerror(errno))) }
                ownedDescriptor = fd
                do { handle = try Self.openStreaming(fd: fd, name: name, format: format, info: &info) } catch {
                    closeOwnedDescriptor()
                    throw error
                }
            } else {
                info.format = format.sndfileFormat
                (handle, openError) = sndfileOpenLock.withLock {
                    let h = sf_open(path, Int32(SFM_WRITE), &info)
                    return (h, h == nil ? String(cString: sf_strerror(nil)) : "")
                }
            }
        case .file(let path):
            let url = URL(fileURLWithPath: path)
            let temp = url.deletingLastPathComponent()
                .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).partial").path
            finalPath = path
            tempPath = temp
            info.format = format.sndfileFormat
            PartialFiles.register(temp)
            (handle, openError) = sndfileOpenLock.withLock {
                let h = sf_open(temp, Int32(SFM_WRITE), &info)
                return (h, h == nil ? String(cString: sf_strerror(nil)) : "")
            }
        }
        if handle == nil {
            let message = openError ?? String(cString: sf_strerror(nil))
            if let tempPath { unlink(tempPath); PartialFiles.unregister(tempPath) }
            closeOwnedDescriptor()
            throw .writeFailed(name, message: message)
        }
        // Integer encodings clip out-of-range floats instead of wrapping around.
        sf_command(handle, Int32(SFC_SET_CLIPPING), nil, Int32(SF_TRUE))
    }

    deinit { cancel() }

    /// Appends interleaved frames (`samples.count` must be a multiple of `channels`).
    public func write(_ samples: [Float]) throws(AudioError) {
        precondition(samples.count % channels == 0, "samples must hold whole frames")
        guard let handle, !done else { throw .writeFailed(name, message: "writer already finished") }
        let frames = samples.count / channels
        let wrote = samples.withUnsafeBufferPointer { sf_writef_float(handle, $0.baseAddress!, Int64(frames)) }
        guard Int(wrote) == frames else {
            let message = String(cString: sf_strerror(handle))
            cancel()
            throw .writeFailed(name, message: message)
        }
        framesWritten += frames
    }

    /// Closes the file and moves it to its final name (or flushes stdout).
    public func finish() throws(AudioError) {
        guard let h = handle, !done else { return }
        done = true
        handle = nil
        let status = sf_close(h)
        closeOwnedDescriptor()
        defer { if let tempPath { PartialFiles.unregister(tempPath) } }
        if status != 0 {
            if let tempPath { unlink(tempPath) }
            throw .writeFailed(name, message: String(cString: sf_error_number(status)))
        }
        if let tempPath, let finalPath, rename(tempPath, finalPath) != 0 {
            let message = String(cString: strerror(errno))
            unlink(tempPath)
            throw .writeFailed(name, message: message)
        }
    }

    /// Abandons the output: closes and removes the temporary file. Safe to call twice.
    public func cancel() {
        if let handle { sf_close(handle) }
        handle = nil
        closeOwnedDescriptor()
        if !done, let tempPath { unlink(tempPath); PartialFiles.unregister(tempPath) }
        done = true
    }

    /// Writes the streaming WAV header to `fd` and opens libsndfile on it for the raw body. A
    /// regular file at its start (stdout redirected to a file: `-o - > out.wav`) is written by
    /// libsndfile's own writer instead, which seeks back to fill in the sizes (and can write FLAC):
    /// libsndfile takes a descriptor already past a header it did not write for an embedded file,
    /// which raw audio cannot be.
    private static func openStreaming(fd: Int32, name: String, format: AudioOutputFormat,
                                      info: inout SF_INFO) throws(AudioError) -> OpaquePointer? {
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, lseek(fd, 0, SEEK_CUR) == 0 {
            info.format = format.sndfileFormat
            return sndfileOpenLock.withLock { sf_open_fd(fd, Int32(SFM_WRITE), &info, 0) }
        }
        guard let raw = format.rawBodyFormat else {
            throw .writeFailed(name, message: "FLAC cannot be streamed; write WAV or give a file")
        }
        try writeAll(streamingWAVHeader(sampleRate: Int(info.samplerate), channels: Int(info.channels), format: format),
                     fd: fd, name: name)
        info.format = raw
        return sf_open_fd(fd, Int32(SFM_WRITE), &info, 0)
    }

    private func closeOwnedDescriptor() {
        if let fd = ownedDescriptor { close(fd) }
        ownedDescriptor = nil
    }

    /// A 44-byte canonical WAV header (PCM or IEEE float) with both sizes set to 0xFFFFFFFF.
    static func streamingWAVHeader(sampleRate: Int, channels: Int, format: AudioOutputFormat) -> [UInt8] {
        var h: [UInt8] = []
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { h += $0 } }
        func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { h += $0 } }
        let bytes = format.bitsPerSample / 8
        h += Array("RIFF".utf8); u32(0xFFFF_FFFF); h += Array("WAVE".utf8)
        h += Array("fmt ".utf8); u32(16)
        u16(format == .wavFloat ? 3 : 1)
        u16(UInt16(channels)); u32(UInt32(sampleRate))
        u32(UInt32(sampleRate * channels * bytes)); u16(UInt16(channels * bytes)); u16(UInt16(format.bitsPerSample))
        h += Array("data".utf8); u32(0xFFFF_FFFF)
        return h
    }

    private static func writeAll(_ bytes: [UInt8], fd: Int32, name: String) throws(AudioError) {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + off, bytes.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .writeFailed(name, message: String(cString: strerror(errno)))
            }
            off += n
        }
    }
}
