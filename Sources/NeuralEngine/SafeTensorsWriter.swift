import Foundation

/// Builds a safetensors file from named `Float` arrays (for tests and tools).
///
/// Tensors are laid out in the order added, contiguously; the header is padded with spaces to a
/// multiple of 8 bytes so the data region is aligned.
///
/// ```swift
/// var writer = SafeTensorsWriter(metadata: ["format": "pt"])
/// try writer.add("proj.weight", shape: [4, 3], values: weights)
/// try writer.write(to: url)
/// ```
public struct SafeTensorsWriter: Sendable {
    private var header: [(name: String, dtype: SafeTensorsDType, shape: [Int], range: Range<Int>)] = []
    private var payload: [UInt8] = []
    /// String metadata written as `__metadata__` (omitted when empty).
    public var metadata: [String: String]

    public init(metadata: [String: String] = [:]) {
        self.metadata = metadata
    }

    /// Appends a tensor. `values.count` must equal the product of `shape`; names must be unique
    /// and must not be `__metadata__`.
    public mutating func add(_ name: String, shape: [Int], values: [Float], dtype: SafeTensorsDType = .f32) throws(CheckpointError) {
        guard name != "__metadata__", !header.contains(where: { $0.name == name }) else {
            throw .invalidTensor(tensor: name, reason: "name is reserved or already used")
        }
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == values.count else {
            throw .invalidTensor(tensor: name, reason: "shape \(shape) does not hold \(values.count) values")
        }
        let begin = payload.count
        dtype.encode(values, into: &payload)
        header.append((name, dtype, shape, begin ..< payload.count))
    }

    /// The header JSON text (unpadded).
    public func headerJSON() -> String {
        var parts: [String] = []
        if !metadata.isEmpty {
            let items = metadata.keys.sorted().map { "\(Self.quote($0)):\(Self.quote(metadata[$0]!))" }
            parts.append("\"__metadata__\":{\(items.joined(separator: ","))}")
        }
        for entry in header {
            let shape = entry.shape.map(String.init).joined(separator: ",")
            parts.append("\(Self.quote(entry.name)):{\"dtype\":\"\(entry.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(entry.range.lowerBound),\(entry.range.upperBound)]}")
        }
        return "{" + parts.joined(separator: ",") + "}"
    }

    /// The complete file contents.
    public func data() -> Data {
        var json = Array(headerJSON().utf8)
        while json.count % 8 != 0 { json.append(0x20) }
        var bytes = Data(capacity: 8 + json.count + payload.count)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: json)
        bytes.append(contentsOf: payload)
        return bytes
    }

    /// Writes the file atomically.
    public func write(to url: URL) throws(CheckpointError) {
        do {
            try data().write(to: url, options: .atomic)
        } catch {
            throw .unreadable(file: url.path, reason: "cannot write: \(error.localizedDescription)")
        }
    }

    static func quote(_ text: String) -> String { JSONText.string(text) }
}
