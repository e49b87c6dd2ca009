#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a `(rows, columns)` float32 `.npy` file row block by row block, for outputs whose
/// length is not known in advance (features or masks of a long recording). The header is written
/// with room for any row count and rewritten by `finish()`; until then the file is not valid.
///
///     let w = try NPYWriter(path: "feats.npy", columns: 257)
///     try w.append(frames)          // (n, 257) tensors, any n
///     try w.finish()                // fixes the row count in the header
public final class NPYWriter {
    public let path: String
    public let columns: Int
    public private(set) var rows = 0
    private var file: UnsafeMutablePointer<FILE>?
    /// Header size including magic and length: the data starts at a multiple of 64 bytes.
    private static let headerBytes = 128

    public init(path: String, columns: Int) throws {
        precondition(columns >= 0, "NPYWriter: negative column count")
        self.path = path
        self.columns = columns
        guard let f = fopen(path, "wb") else {
            throw NPYError.io(path: path, reason: String(cString: strerror(errno)))
        }
        file = f
        try writeHeader()
    }

    deinit { if let file { fclose(file) } }

    private func header() -> [UInt8] {
        var text = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"
        text += String(repeating: " ", count: Self.headerBytes - 10 - 1 - text.utf8.count) + "\n"
        let hlen = UInt16(text.utf8.count)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(hlen & 0xff), UInt8(hlen >> 8)] + Array(text.utf8)
    }

    private func writeHeader() throws {
        guard let file else { throw NPYError.io(path: path, reason: "writer already finished") }
        let h = header()
        guard fseek(file, 0, SEEK_SET) == 0, fwrite(h, 1, h.count, file) == h.count else {
            throw NPYError.io(path: path, reason: String(cString: strerror(errno)))
        }
    }

    /// Appends `n` rows of `columns` floats from `pointer`.
    public func append(_ pointer: UnsafePointer<Float>, rows n: Int) throws {
        guard let file else { throw NPYError.io(path: path, reason: "writer already finished") }
        guard n > 0 else { return }
        #if !_endian(little)
        #error("NPYWriter assumes a little-endian host")
        #endif
        guard fseek(file, 0, SEEK_END) == 0, fwrite(pointer, 4, n * columns, file) == n * columns else {
            throw NPYError.io(path: path, reason: String(cString: strerror(errno)))
        }
        rows += n
    }

    /// Appends the rows of `t` (`(n, columns)`, or any shape with a multiple of `columns` elements).
    public func append(_ t: Tensor) throws {
        precondition(columns == 0 || t.count % columns == 0, "NPYWriter: \(t.shape) does not split into rows of \(columns)")
        try t.withPointer { try append($0, rows: columns == 0 ? 0 : t.count / columns) }
    }

    /// Rewrites the header with the final row count and closes the file.
    public func finish() throws {
        try writeHeader()
        guard let file else { return }
        self.file = nil
        if fclose(file) != 0 {
            throw NPYError.io(path: path, reason: String(cString: strerror(errno)))
        }
    }
}
