import Foundation

/// Writes a float32 `.npy` matrix `(rows, columns)` row by row, without knowing the row count in
/// advance: a fixed 128-byte header is written first and rewritten with the final shape by
/// `finish()`. The file is written under a temporary name in the destination's folder and
/// renamed on `finish()`; `cancel()` (or deinit without finish) removes it, so an interrupted
/// writer never leaves a partial `.npy`. Memory stays bounded however many rows are written.
public final class NPYStreamWriter {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var open: Set<String> = []

    /// Removes the temporary file of every writer not yet finished (for a signal handler).
    public static func abandonAll() {
        lock.withLock {
            for p in open { unlink(p) }
            open.removeAll()
        }
    }

    public let path: String
    public let columns: Int
    public private(set) var rows = 0
    private let temporaryPath: String
    /// The path is a special file (see `isSpecialFile`): no temporary name, no rename.
    private let inPlace: Bool
    private var handle: FileHandle?
    /// Rows are gathered here and written in blocks of about 1 MiB.
    private var pending: [Float] = []
    private static let blockFloats = 1 << 18
    private static let headerBytes = 128

    public init(path: String, columns: Int) throws {
        precondition(columns > 0, "NPYStreamWriter: columns must be positive")
        self.path = path
        self.columns = columns
        if Self.isSpecialFile(path) {  // /dev/null, a FIFO: written in place, never renamed onto
            temporaryPath = path
            inPlace = true
            guard let h = FileHandle(forWritingAtPath: path) else {
                throw NPYError.io(path: path, reason: String(cString: strerror(errno)))
            }
            handle = h
            try Self.header(rows: 0, columns: columns).withUnsafeBytes { try writeAll($0, to: h) }
            return
        }
        let url = URL(fileURLWithPath: path)
        temporaryPath = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).attend-tmp-\(getpid())").path
        inPlace = false
        guard FileManager.default.createFile(atPath: temporaryPath, contents: Self.header(rows: 0, columns: columns)),
              let h = FileHandle(forWritingAtPath: temporaryPath) else {
            throw NPYError.io(path: path, reason: String(cString: strerror(errno)))
        }
        handle = h
        h.seekToEndOfFile()
        Self.lock.withLock { _ = Self.open.insert(temporaryPath) }
    }

    deinit { cancel() }

    /// Appends rows; `values.count` must be a multiple of `columns`.
    public func append(_ values: UnsafeBufferPointer<Float>) throws {
        precondition(values.count % columns == 0, "NPYStreamWriter: \(values.count) values for \(columns) columns")
        guard handle != nil else { throw NPYError.io(path: path, reason: "writer already finished") }
        pending.append(contentsOf: values)
        rows += values.count / columns
        if pending.count >= Self.blockFloats { try flush() }
    }

    /// Appends the rows of a `(rows, columns)` tensor.
    public func append(_ t: Tensor) throws {
        precondition(t.count % columns == 0, "NPYStreamWriter: tensor \(t.shape) for \(columns) columns")
        try t.data.withUnsafeBufferPointer { try append(UnsafeBufferPointer(rebasing: $0[0..<t.count])) }
    }

    private func flush() throws {
        guard let handle, !pending.isEmpty else { return }
        try pending.withUnsafeBytes { try writeAll($0, to: handle) }  // little-endian hosts
        pending.removeAll(keepingCapacity: true)
    }

    /// Writes through the descriptor so that a full disk or file-size limit is reported with
    /// its own errno text ("No space left on device"), not a Foundation wrapper.
    private func writeAll(_ bytes: UnsafeRawBufferPointer, to handle: FileHandle) throws {
        var offset = 0
        while offset < bytes.count {
            let n = Foundation.write(handle.fileDescriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw NPYError.io(path: path, reason: "write failed: " + String(cString: strerror(errno))) }
            offset += n
        }
    }

    /// Writes the final header and moves the file into place.
    public func finish() throws {
        guard let handle else { throw NPYError.io(path: path, reason: "writer already finished") }
        if inPlace {  // a device or pipe: the rows went straight through; nothing to move
            defer { try? handle.close(); self.handle = nil }
            do { try flush() } catch {
                throw NPYError.io(path: path, reason: "write failed: \(error.localizedDescription)")
            }
            return
        }
        do {
            try flush()
            try handle.seek(toOffset: 0)
            try Self.header(rows: rows, columns: columns).withUnsafeBytes { try writeAll($0, to: handle) }
            guard fsync(handle.fileDescriptor) == 0 else {
                throw NPYError.io(path: path, reason: "write failed: " + String(cString: strerror(errno)))
            }
            try handle.close()
        } catch {
            cancel()
            if let error = error as? NPYError { throw error }
            throw NPYError.io(path: path, reason: "write failed: \(error.localizedDescription)")
        }
        self.handle = nil
        defer { Self.lock.withLock { _ = Self.open.remove(temporaryPath) } }
        guard rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw NPYError.io(path: path, reason: reason)
        }
    }

    /// Abandons the file: nothing is left at `path` or the temporary name.
    public func cancel() {
        guard let handle else { return }
        try? handle.close()
        self.handle = nil
        guard !inPlace else { return }
        unlink(temporaryPath)
        Self.lock.withLock { _ = Self.open.remove(temporaryPath) }
    }

    /// Whether `path` exists and is neither a regular file nor a directory (`/dev/null`, a FIFO):
    /// renaming a temporary file onto it would replace the device with a regular file.
    static func isSpecialFile(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        let kind = info.st_mode & S_IFMT
        return kind != S_IFREG && kind != S_IFDIR
    }

    static func header(rows: Int, columns: Int) -> Data {
        var dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"
        let prefix = 10
        dict += String(repeating: " ", count: headerBytes - prefix - dict.utf8.count - 1) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(dict.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xff), UInt8(length >> 8)])
        data.append(contentsOf: Array(dict.utf8))
        return data
    }
}
