/// A strict, bounded JSON reader for checkpoint headers and configs.
///
/// Foundation's parsers silently merge duplicate object keys, and a safetensors header with two
/// tensors of the same name must be rejected, so objects keep their keys in file order. Nesting is
/// limited to `maxDepth` so hostile input cannot exhaust the stack.
enum CheckpointJSON: Equatable, Sendable {
    case null
    case bool(Bool)
    /// A number: `integer` is set when the literal has no fraction or exponent and fits in `Int`.
    case number(Double, integer: Int?)
    case string(String)
    case array([CheckpointJSON])
    case object([(key: String, value: CheckpointJSON)])

    static let maxDepth = 64

    static func == (lhs: CheckpointJSON, rhs: CheckpointJSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a, ia), .number(b, ib)): return a == b && ia == ib
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// A short name of the value's kind, for error messages.
    var kind: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// Parses one JSON value spanning all of `bytes` (surrounding whitespace allowed).
    /// Throws `CheckpointJSONError` with the byte offset of the first problem.
    static func parse<C: Collection<UInt8>>(_ bytes: C) throws(CheckpointJSONError) -> CheckpointJSON {
        var parser = Parser(bytes: Array(bytes))
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        if parser.index != parser.bytes.count { throw parser.fail("trailing characters after the JSON value") }
        return value
    }
}

/// Why a JSON text could not be read: a reason and the byte offset where it was found.
struct CheckpointJSONError: Error, Equatable, Sendable, CustomStringConvertible {
    var reason: String
    var offset: Int
    var description: String { "\(reason) at byte \(offset)" }
}

private struct Parser {
    let bytes: [UInt8]
    var index = 0

    func fail(_ reason: String) -> CheckpointJSONError { CheckpointJSONError(reason: reason, offset: index) }

    mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    mutating func value(depth: Int) throws(CheckpointJSONError) -> CheckpointJSON {
        guard depth < CheckpointJSON.maxDepth else { throw fail("nesting deeper than \(CheckpointJSON.maxDepth)") }
        guard index < bytes.count else { throw fail("unexpected end of JSON") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw fail("unexpected character")
        }
    }

    mutating func literal(_ word: String) throws(CheckpointJSONError) {
        let count = word.utf8.count
        guard index + count <= bytes.count else { throw fail("unexpected end of JSON") }
        guard word.utf8.elementsEqual(bytes[index ..< index + count]) else { throw fail("invalid literal") }
        index += count
    }

    mutating func object(depth: Int) throws(CheckpointJSONError) -> CheckpointJSON {
        index += 1
        var members: [(key: String, value: CheckpointJSON)] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let key = try string()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            index += 1
            skipWhitespace()
            members.append((key, try value(depth: depth + 1)))
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of JSON") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            throw fail("expected ',' or '}'")
        }
    }

    mutating func array(depth: Int) throws(CheckpointJSONError) -> CheckpointJSON {
        index += 1
        var elements: [CheckpointJSON] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
        while true {
            skipWhitespace()
            elements.append(try value(depth: depth + 1))
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of JSON") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
            throw fail("expected ',' or ']'")
        }
    }

    mutating func number() throws(CheckpointJSONError) -> CheckpointJSON {
        let start = index
        var isInteger = true
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number") }
        if bytes[index] == UInt8(ascii: "0") { index += 1 } else { skipDigits() }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number") }
            skipDigits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number") }
            skipDigits()
        }
        let text = String(decoding: bytes[start ..< index], as: UTF8.self)
        guard let double = Double(text) else { throw fail("invalid number") }
        return .number(double, integer: isInteger ? Int(text) : nil)
    }

    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    mutating func skipDigits() { while index < bytes.count, isDigit(bytes[index]) { index += 1 } }

    mutating func string() throws(CheckpointJSONError) -> String {
        index += 1
        var scalars = String.UnicodeScalarView()
        var runStart = index
        func flushRun(_ end: Int) throws(CheckpointJSONError) {
            guard runStart < end else { return }
            guard let run = String(validating: bytes[runStart ..< end], as: UTF8.self) else {
                throw CheckpointJSONError(reason: "invalid UTF-8 in string", offset: runStart)
            }
            scalars.append(contentsOf: run.unicodeScalars)
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                try flushRun(index)
                index += 1
                return String(scalars)
            }
            if byte < 0x20 { throw fail("control character in string") }
            if byte != UInt8(ascii: "\\") { index += 1; continue }
            try flushRun(index)
            index += 1
            guard index < bytes.count else { break }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"): scalars.append(try unicodeEscape())
            default: throw fail("invalid escape in string")
            }
            runStart = index
        }
        throw fail("unterminated string")
    }

    mutating func hex4() throws(CheckpointJSONError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail("truncated \\u escape") }
        var value: UInt32 = 0
        for byte in bytes[index ..< index + 4] {
            guard let digit = Character(UnicodeScalar(byte)).hexDigitValue else { throw fail("invalid \\u escape") }
            value = value << 4 | UInt32(digit)
        }
        index += 4
        return value
    }

    mutating func unicodeEscape() throws(CheckpointJSONError) -> Unicode.Scalar {
        let high = try hex4()
        if (0xD800 ..< 0xDC00).contains(high) {
            guard index + 2 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw fail("unpaired surrogate in \\u escape")
            }
            index += 2
            let low = try hex4()
            guard (0xDC00 ..< 0xE000).contains(low) else { throw fail("unpaired surrogate in \\u escape") }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
        }
        guard let scalar = Unicode.Scalar(high) else { throw fail("unpaired surrogate in \\u escape") }
        return scalar
    }
}
