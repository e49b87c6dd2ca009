import Foundation

/// One tensor's entry in a safetensors header.
public struct SafeTensorInfo: Sendable, Equatable {
    public var name: String
    public var dtype: SafeTensorsDType
    /// Dimensions, outermost first (row-major).
    public var shape: [Int]
    /// Byte range inside the data region (after the header).
    public var byteRange: Range<Int>
    /// Number of elements: the product of `shape` (1 for a scalar).
    public var count: Int { shape.reduce(1, *) }
}

/// A validated safetensors file, read into memory once.
///
/// Layout: 8-byte little-endian header length N, N bytes of JSON header
/// `{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}}`,
/// then the data region. Everything is checked on `init`: header length, JSON, dtypes
/// (F32, F16, BF16), shapes, offsets inside the data region, byte lengths, no overlaps,
/// no uncovered bytes, unique names. After `init` succeeds, `floats(_:)` cannot fail on a
/// name from `names`.
///
/// ```swift
/// let file = try SafeTensorsFile(contentsOf: url)
/// let w = try file.floats("encoder.0.linear.weight")   // row-major, shape try file.shape(...)
/// ```
public struct SafeTensorsFile: Sendable {
    /// Largest header accepted, in bytes.
    public static let maxHeaderBytes = 100_000_000

    /// The file as named in errors (the path given, or the name passed to `init(data:file:)`).
    public let file: String
    /// Free-form string metadata from `__metadata__` (empty when absent).
    public let metadata: [String: String]
    /// Tensor names in data-offset order.
    public let names: [String]
    private let entries: [String: SafeTensorInfo]
    private let bytes: Data
    private let dataStart: Int

    /// Reads and validates the file at `url`.
    public init(contentsOf url: URL) throws(CheckpointError) {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(file: url.path, reason: error.localizedDescription)
        }
        try self.init(data: data, file: url.path)
    }

    /// Validates safetensors bytes already in memory; `file` names them in errors.
    public init(data: Data, file: String) throws(CheckpointError) {
        self.file = file
        self.bytes = data
        let size = data.count
        guard size >= 8 else { throw .tooShort(file: file, size: size) }
        let length = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard length > 0, length <= UInt64(Self.maxHeaderBytes), length <= UInt64(size - 8) else {
            throw .badHeaderLength(file: file, length: length, fileSize: size)
        }
        dataStart = 8 + Int(length)
        let header: CheckpointJSON
        do {
            header = try data.withUnsafeBytes { raw throws(CheckpointJSONError) in
                try CheckpointJSON.parse(UnsafeRawBufferPointer(rebasing: raw[8 ..< 8 + Int(length)]))
            }
        } catch {
            throw .notJSON(file: file, reason: "header \(error)")
        }
        guard case let .object(members) = header else { throw .headerNotObject(file: file, found: header.kind) }
        var metadata: [String: String] = [:]
        var entries: [String: SafeTensorInfo] = [:]
        let dataSize = size - dataStart
        for (name, value) in members {
            if name == "__metadata__" {
                guard metadata.isEmpty else { throw .badMetadata(file: file, reason: "appears twice") }
                metadata = try Self.metadata(value, file: file)
                continue
            }
            guard entries[name] == nil else { throw .duplicateTensor(file: file, tensor: name) }
            entries[name] = try Self.entry(name, value, dataSize: dataSize, file: file)
        }
        let ordered = entries.values.sorted { ($0.byteRange.lowerBound, $0.byteRange.upperBound, $0.name) < ($1.byteRange.lowerBound, $1.byteRange.upperBound, $1.name) }
        try Self.checkLayout(ordered, dataSize: dataSize, file: file)
        self.metadata = metadata
        self.entries = entries
        self.names = ordered.map(\.name)
    }

    /// The header entry of `name`; throws `missingTensor` if absent.
    public func info(_ name: String) throws(CheckpointError) -> SafeTensorInfo {
        guard let info = entries[name] else { throw .missingTensor(file: file, tensor: name) }
        return info
    }

    /// The shape of `name`; throws `missingTensor` if absent.
    public func shape(_ name: String) throws(CheckpointError) -> [Int] { try info(name).shape }

    /// Whether the file holds a tensor called `name`.
    public func contains(_ name: String) -> Bool { entries[name] != nil }

    /// The values of `name` converted to `Float`, row-major; a fresh array owned by the caller.
    public func floats(_ name: String) throws(CheckpointError) -> [Float] {
        let info = try info(name)
        let start = dataStart + info.byteRange.lowerBound
        let count = info.count
        return bytes.withUnsafeBytes { raw in
            let source = UnsafeRawBufferPointer(rebasing: raw[start ..< start + count * info.dtype.byteSize])
            return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                info.dtype.decode(source, into: buffer)
                initialized = count
            }
        }
    }

    private static func metadata(_ value: CheckpointJSON, file: String) throws(CheckpointError) -> [String: String] {
        guard case let .object(members) = value else { throw .badMetadata(file: file, reason: "is \(value.kind), expected an object of strings") }
        var result: [String: String] = [:]
        for (key, item) in members {
            guard case let .string(text) = item else { throw .badMetadata(file: file, reason: "key '\(key)' is \(item.kind), expected a string") }
            guard result[key] == nil else { throw .badMetadata(file: file, reason: "key '\(key)' appears twice") }
            result[key] = text
        }
        return result
    }

    private static func entry(_ name: String, _ value: CheckpointJSON, dataSize: Int, file: String) throws(CheckpointError) -> SafeTensorInfo {
        guard case let .object(fields) = value else { throw .badEntry(file: file, tensor: name, reason: "entry is \(value.kind), expected an object") }
        func field(_ key: String) throws(CheckpointError) -> CheckpointJSON {
            let matches = fields.filter { $0.key == key }
            guard matches.count == 1 else {
                throw .badEntry(file: file, tensor: name, reason: matches.isEmpty ? "missing '\(key)'" : "'\(key)' appears twice")
            }
            return matches[0].value
        }
        guard case let .string(dtypeName) = try field("dtype") else { throw .badEntry(file: file, tensor: name, reason: "'dtype' is not a string") }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else { throw .unsupportedDType(file: file, tensor: name, dtype: dtypeName) }
        guard let shape = integers(try field("shape")), shape.allSatisfy({ $0 >= 0 }) else {
            throw .badEntry(file: file, tensor: name, reason: "'shape' must be an array of non-negative integers")
        }
        guard let offsets = integers(try field("data_offsets")), offsets.count == 2 else {
            throw .badEntry(file: file, tensor: name, reason: "'data_offsets' must be two integers [begin, end]")
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin >= 0, end >= begin else {
            throw .badEntry(file: file, tensor: name, reason: "'data_offsets' [\(begin), \(end)] must satisfy 0 <= begin <= end")
        }
        guard end <= dataSize else { throw .offsetsOutOfRange(file: file, tensor: name, begin: begin, end: end, dataSize: dataSize) }
        var expected = dtype.byteSize
        for dim in shape {
            let (product, overflow) = expected.multipliedReportingOverflow(by: dim)
            guard !overflow else { throw .badEntry(file: file, tensor: name, reason: "shape \(shape) is too large") }
            expected = product
        }
        guard expected == end - begin else {
            throw .sizeMismatch(file: file, tensor: name, shape: shape, dtype: dtypeName, expectedBytes: expected, foundBytes: end - begin)
        }
        return SafeTensorInfo(name: name, dtype: dtype, shape: shape, byteRange: begin ..< end)
    }

    private static func integers(_ value: CheckpointJSON) -> [Int]? {
        guard case let .array(items) = value else { return nil }
        var result: [Int] = []
        for item in items {
            guard case let .number(_, integer?) = item else { return nil }
            result.append(integer)
        }
        return result
    }

    private static func checkLayout(_ ordered: [SafeTensorInfo], dataSize: Int, file: String) throws(CheckpointError) {
        var cursor = 0
        var owner: String?
        for info in ordered {
            if info.byteRange.lowerBound < cursor, let owner {
                throw .overlap(file: file, tensor: info.name, other: owner)
            }
            if info.byteRange.lowerBound > cursor {
                throw .uncoveredBytes(file: file, begin: cursor, end: info.byteRange.lowerBound)
            }
            if info.byteRange.upperBound > cursor || owner == nil {
                cursor = info.byteRange.upperBound
                owner = info.name
            }
        }
        if cursor < dataSize { throw .uncoveredBytes(file: file, begin: cursor, end: dataSize) }
    }
}
