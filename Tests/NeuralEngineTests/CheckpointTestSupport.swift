import Foundation
@testable import NeuralEngine

/// Builds raw safetensors bytes with full control over the header text and its length field.
func rawSafeTensors(header: String, data: [UInt8] = [], length: UInt64? = nil) -> Data {
    let json = Array(header.utf8)
    var bytes = Data()
    withUnsafeBytes(of: (length ?? UInt64(json.count)).littleEndian) { bytes.append(contentsOf: $0) }
    bytes.append(contentsOf: json)
    bytes.append(contentsOf: data)
    return bytes
}

/// A small valid file: two F32 tensors and one F16 tensor.
func sampleCheckpointWriter() throws -> SafeTensorsWriter {
    var writer = SafeTensorsWriter(metadata: ["format": "pt", "quote\"d": "line\nbreak"])
    try writer.add("a.weight", shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
    try writer.add("a.bias", shape: [3], values: [-1, 0.5, 0.25])
    try writer.add("b.half", shape: [2, 2], values: [0.5, -2, 1024, 0.099975586], dtype: .f16)
    return writer
}

/// A fresh temporary directory for one test.
func checkpointTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("attend-ckpt-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
