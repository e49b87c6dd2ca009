import Foundation

/// Errors reading or writing a NumPy `.npy` file; each description is one line naming the file.
public enum NPYError: Error, CustomStringConvertible, Equatable {
    case io(path: String, reason: String)
    case malformed(path: String, reason: String)
    case unsupported(path: String, reason: String)

    public var description: String {
        let text: String
        switch self {
        case let .io(path, reason): text = "\(path): cannot access .npy file: \(reason)"
        case let .malformed(path, reason): text = "\(path): malformed .npy file: \(reason)"
        case let .unsupported(path, reason): text = "\(path): unsupported .npy file: \(reason)"
        }
        // Header text quoted into a reason may hold line breaks: keep the message on one line.
        return text.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
    }
}

extension NPYError: LocalizedError {
    public var errorDescription: String? { description }
}

/// Reader and writer for NumPy `.npy` files holding float32 arrays.
///
/// Writes format version 1.0: magic `\x93NUMPY`, version 1.0, a little-endian `UInt16` header
/// length, an ASCII dict `{'descr': '<f4', 'fortran_order': False, 'shape': (...), }` padded with
/// spaces and ending in `\n` so the data starts at a multiple of 64 bytes, then the elements as
/// little-endian float32 in C order. `attend features` writes (frames, bins) arrays this way.
///
/// Reads versions 1.0, 2.0 and 3.0, dtypes `<f4` (as is), `<f8`, `<i4`, `<i8`, `|u1`/`|b1`
/// (converted to Float), C order only.
public enum NPY {
    /// Encodes `tensor` as the bytes of a `.npy` file.
    public static func encode(_ tensor: Tensor) -> Data {
        let shapeText: String
        switch tensor.shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(tensor.shape[0]),)"
        default: shapeText = "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        }
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out = Data()
        out.reserveCapacity(10 + header.utf8.count + 4 * tensor.count)
        out.append(contentsOf: [0x93] + Array("NUMPY".utf8) + [1, 0])
        let hlen = UInt16(header.utf8.count)
        out.append(contentsOf: [UInt8(hlen & 0xff), UInt8(hlen >> 8)])
        out.append(contentsOf: Array(header.utf8))
        tensor.data.withUnsafeBufferPointer { p in
            let n = tensor.count
            if n == 0 { return }
            #if _endian(little)
            out.append(UnsafeBufferPointer(start: p.baseAddress!, count: n))
            #else
            for i in 0..<n { withUnsafeBytes(of: p[i].bitPattern.littleEndian) { out.append(contentsOf: $0) } }
            #endif
        }
        return out
    }

    /// Writes `tensor` to `path` (atomically replacing any existing file).
    public static func write(_ tensor: Tensor, to path: String) throws {
        do {
            try encode(tensor).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw NPYError.io(path: path, reason: error.localizedDescription)
        }
    }

    /// Reads a `.npy` file as a float32 tensor.
    public static func read(_ path: String) throws -> Tensor {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw NPYError.io(path: path, reason: error.localizedDescription)
        }
        return try decode(data, name: path)
    }

    /// Decodes the bytes of a `.npy` file; `name` only labels errors.
    public static func decode(_ bytes: Data, name: String = "<memory>") throws -> Tensor {
        let b = [UInt8](bytes)
        guard b.count >= 10, b[0] == 0x93, Array(b[1..<6]) == Array("NUMPY".utf8) else {
            throw NPYError.malformed(path: name, reason: "missing \\x93NUMPY magic")
        }
        let major = b[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(b[8]) | Int(b[9]) << 8
            headerStart = 10
        case 2, 3:
            guard b.count >= 12 else { throw NPYError.malformed(path: name, reason: "truncated header length") }
            headerLength = Int(b[8]) | Int(b[9]) << 8 | Int(b[10]) << 16 | Int(b[11]) << 24
            headerStart = 12
        default:
            throw NPYError.unsupported(path: name, reason: "format version \(major).\(b[7])")
        }
        guard headerStart + headerLength <= b.count else {
            throw NPYError.malformed(path: name, reason: "header length \(headerLength) runs past the end of the file (\(b.count) bytes)")
        }
        guard let header = String(bytes: b[headerStart..<(headerStart + headerLength)], encoding: .utf8) else {
            throw NPYError.malformed(path: name, reason: "header is not text")
        }
        let descr = try field("descr", in: header, name: name)
        let fortran = try field("fortran_order", in: header, name: name)
        let shapeText = try field("shape", in: header, name: name)
        guard fortran.hasPrefix("False") else {
            throw NPYError.unsupported(path: name, reason: "Fortran order")
        }
        let shape = try parseShape(shapeText, name: name)
        guard let quote = descr.first, quote == "'" || quote == "\"",
              let close = descr.dropFirst().firstIndex(of: quote) else {
            throw NPYError.malformed(path: name, reason: "descr is not a quoted string")
        }
        let dtype = String(descr[descr.index(after: descr.startIndex)..<close])
        let itemSize: Int
        switch dtype {
        case "<f4", "<i4": itemSize = 4
        case "<f8", "<i8": itemSize = 8
        case "|u1", "|b1", "<u1", "|i1": itemSize = 1
        default: throw NPYError.unsupported(path: name, reason: "dtype \(dtype) (want <f4)")
        }
        // A lying shape must not overflow the element or byte count (found by Fuzz/FuzzNPY).
        var n = 1, bytesNeeded = itemSize, overflow = false
        for d in shape {
            (n, overflow) = n.multipliedReportingOverflow(by: d)
            if !overflow { (bytesNeeded, overflow) = n.multipliedReportingOverflow(by: itemSize) }
            if overflow { throw NPYError.malformed(path: name, reason: "shape \(shape) is too large") }
        }
        let start = headerStart + headerLength
        guard b.count - start >= bytesNeeded else {
            throw NPYError.malformed(path: name, reason: "data holds \(b.count - start) bytes, shape \(shape) of \(dtype) needs \(n * itemSize)")
        }
        var values = [Float](repeating: 0, count: n)
        b.withUnsafeBytes { raw in
            let base = raw.baseAddress! + start
            for i in 0..<n {
                let p = base + i * itemSize
                switch dtype {
                case "<f4": values[i] = Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
                case "<i4": values[i] = Float(Int32(littleEndian: p.loadUnaligned(as: Int32.self)))
                case "<f8": values[i] = Float(Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))))
                case "<i8": values[i] = Float(Int64(littleEndian: p.loadUnaligned(as: Int64.self)))
                case "|i1": values[i] = Float(p.load(as: Int8.self))
                default: values[i] = Float(p.load(as: UInt8.self))
                }
            }
        }
        return Tensor(shape: shape, data: values)
    }

    private static func field(_ key: String, in header: String, name: String) throws -> String {
        for quote in ["'", "\""] {
            if let r = header.range(of: quote + key + quote) {
                var rest = header[r.upperBound...].drop { $0 == " " }
                guard rest.first == ":" else { break }
                rest = rest.dropFirst().drop { $0 == " " }
                return String(rest)
            }
        }
        throw NPYError.malformed(path: name, reason: "header lacks '\(key)'")
    }

    private static func parseShape(_ text: String, name: String) throws -> [Int] {
        guard text.first == "(", let close = text.firstIndex(of: ")") else {
            throw NPYError.malformed(path: name, reason: "shape is not a tuple")
        }
        let inner = text[text.index(after: text.startIndex)..<close]
        var shape: [Int] = []
        for part in inner.split(separator: ",") {
            let t = part.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "L", with: "")
            if t.isEmpty { continue }
            guard let v = Int(t), v >= 0 else {
                // One line, whatever the header holds (found by Fuzz/FuzzNPY).
                let shown = String(t.prefix(24)).split(whereSeparator: \.isNewline).joined(separator: " ")
                throw NPYError.malformed(path: name, reason: "bad dimension '\(shown)' in shape")
            }
            shape.append(v)
        }
        return shape
    }
}
