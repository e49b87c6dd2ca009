import Foundation
import Testing
@testable import NeuralEngine

/// One malformed weights file and the error it must produce.
struct BrokenFile: Sendable, CustomTestStringConvertible {
    var name: String
    var data: Data
    var matches: @Sendable (CheckpointError) -> Bool
    var testDescription: String { name }
}

private let f32Entry = #""t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#
private let eightBytes = [UInt8](repeating: 0, count: 8)

private func entry(_ fields: String, data: [UInt8] = eightBytes) -> Data {
    rawSafeTensors(header: "{\"t\":{\(fields)}}", data: data)
}

let brokenFiles: [BrokenFile] = {
    let valid = try! sampleCheckpointWriter().data()
    var files: [BrokenFile] = [
        BrokenFile(name: "empty file", data: Data()) { if case .tooShort(_, 0) = $0 { true } else { false } },
        BrokenFile(name: "five bytes", data: Data([1, 0, 0, 0, 0])) { if case .tooShort = $0 { true } else { false } },
        BrokenFile(name: "header length 0", data: rawSafeTensors(header: "{}", length: 0)) { if case .badHeaderLength(_, 0, _) = $0 { true } else { false } },
        BrokenFile(name: "header length beyond the end", data: rawSafeTensors(header: "{}", length: 3)) { if case .badHeaderLength(_, 3, 10) = $0 { true } else { false } },
        BrokenFile(name: "header length huge", data: rawSafeTensors(header: "{}", length: 1 << 62)) { if case .badHeaderLength = $0 { true } else { false } },
        BrokenFile(name: "header length all ones", data: rawSafeTensors(header: "{}", length: .max)) { if case .badHeaderLength = $0 { true } else { false } },
        BrokenFile(name: "header length over 100 MB", data: rawSafeTensors(header: "{}", length: 100_000_001)) { if case .badHeaderLength = $0 { true } else { false } },
        BrokenFile(name: "truncated in the header", data: valid.prefix(40)) { if case .badHeaderLength = $0 { true } else { false } },
        BrokenFile(name: "truncated in the data", data: valid.dropLast(3)) { if case .offsetsOutOfRange(_, "b.half", _, _, _) = $0 { true } else { false } },
        BrokenFile(name: "trailing garbage", data: valid + [1, 2, 3]) { if case .uncoveredBytes = $0 { true } else { false } },
        BrokenFile(name: "header not JSON", data: rawSafeTensors(header: "hello world")) { if case .notJSON = $0 { true } else { false } },
        BrokenFile(name: "header unterminated JSON", data: rawSafeTensors(header: "{\"t\": {\"dtype\"")) { if case .notJSON = $0 { true } else { false } },
        BrokenFile(name: "header invalid UTF-8", data: rawSafeTensors(header: "{\"\u{FF}\":1}").replacingByte(at: 10, with: 0xFF)) { if case .notJSON = $0 { true } else { false } },
        BrokenFile(name: "header nested too deep", data: rawSafeTensors(header: String(repeating: "[", count: 10_000))) { if case .notJSON = $0 { true } else { false } },
        BrokenFile(name: "header trailing text", data: rawSafeTensors(header: "{} x")) { if case .notJSON = $0 { true } else { false } },
        BrokenFile(name: "header is an array", data: rawSafeTensors(header: "[1, 2]")) { if case .headerNotObject(_, "an array") = $0 { true } else { false } },
        BrokenFile(name: "header is a number", data: rawSafeTensors(header: "42")) { if case .headerNotObject = $0 { true } else { false } },
        BrokenFile(name: "entry not an object", data: rawSafeTensors(header: #"{"t": [1]}"#)) { if case .badEntry(_, "t", _) = $0 { true } else { false } },
        BrokenFile(name: "missing dtype", data: entry(#""shape":[2],"data_offsets":[0,8]"#)) { if case .badEntry(_, "t", _) = $0 { true } else { false } },
        BrokenFile(name: "dtype not a string", data: entry(#""dtype":4,"shape":[2],"data_offsets":[0,8]"#)) { if case .badEntry(_, "t", _) = $0 { true } else { false } },
        BrokenFile(name: "unknown dtype I8", data: entry(#""dtype":"I8","shape":[8],"data_offsets":[0,8]"#)) { $0 == .unsupportedDType(file: "corpus", tensor: "t", dtype: "I8") },
        BrokenFile(name: "unknown dtype F64", data: entry(#""dtype":"F64","shape":[1],"data_offsets":[0,8]"#)) { if case .unsupportedDType(_, _, "F64") = $0 { true } else { false } },
        BrokenFile(name: "lower-case dtype", data: entry(#""dtype":"f32","shape":[2],"data_offsets":[0,8]"#)) { if case .unsupportedDType = $0 { true } else { false } },
        BrokenFile(name: "negative shape", data: entry(#""dtype":"F32","shape":[-2],"data_offsets":[0,8]"#)) { if case .badEntry(_, "t", _) = $0 { true } else { false } },
        BrokenFile(name: "fractional shape", data: entry(#""dtype":"F32","shape":[2.5],"data_offsets":[0,8]"#)) { if case .badEntry = $0 { true } else { false } },
        BrokenFile(name: "shape 2.0 is not an integer literal", data: entry(#""dtype":"F32","shape":[2.0],"data_offsets":[0,8]"#)) { if case .badEntry = $0 { true } else { false } },
        BrokenFile(name: "shape a string", data: entry(#""dtype":"F32","shape":"2","data_offsets":[0,8]"#)) { if case .badEntry = $0 { true } else { false } },
        BrokenFile(name: "shape overflowing", data: entry(#""dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]"#)) { if case .badEntry = $0 { true } else { false } },
        BrokenFile(name: "offsets beyond the data", data: entry(#""dtype":"F32","shape":[2],"data_offsets":[8,16]"#)) { $0 == .offsetsOutOfRange(file: "corpus", tensor: "t", begin: 8, end: 16, dataSize: 8) },
        BrokenFile(name: "offsets negative", data: entry(#""dtype":"F32","shape":[2],"data_offsets":[-8,0]"#)) { if case .badEntry = $0 { true } else { false } },
        BrokenFile(name: "offsets end before begin", data: entry(#""dtype":"F32","shape":[2],"data_offsets":[8,0]"#)) { if case .badEntry = $0 { true } else { false } },
        BrokenFile(name: "offsets three numbers", data: entry(#""dtype":"F32","shape":[2],"data_offsets":[0,8,9]"#)) { if case .badEntry = $0 { true } else { false } },
        BrokenFile(name: "offsets huge", data: entry(#""dtype":"F32","shape":[2],"data_offsets":[0,99999999999999999999]"#)) { if case .badEntry = $0 { true } else { false } },
        BrokenFile(name: "size does not match shape", data: entry(#""dtype":"F32","shape":[3],"data_offsets":[0,8]"#)) { $0 == .sizeMismatch(file: "corpus", tensor: "t", shape: [3], dtype: "F32", expectedBytes: 12, foundBytes: 8) },
        BrokenFile(name: "F16 size mismatch", data: entry(#""dtype":"F16","shape":[2],"data_offsets":[0,8]"#)) { if case .sizeMismatch(_, _, _, "F16", 4, 8) = $0 { true } else { false } },
        BrokenFile(name: "overlapping tensors", data: rawSafeTensors(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, data: [UInt8](repeating: 0, count: 12))) { $0 == .overlap(file: "corpus", tensor: "b", other: "a") },
        BrokenFile(name: "identical ranges", data: rawSafeTensors(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: eightBytes)) { if case .overlap = $0 { true } else { false } },
        BrokenFile(name: "gap between tensors", data: rawSafeTensors(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#, data: [UInt8](repeating: 0, count: 12))) { $0 == .uncoveredBytes(file: "corpus", begin: 4, end: 8) },
        BrokenFile(name: "duplicate tensor names", data: rawSafeTensors(header: "{\(f32Entry),\(f32Entry)}", data: eightBytes)) { $0 == .duplicateTensor(file: "corpus", tensor: "t") },
        BrokenFile(name: "metadata not an object", data: rawSafeTensors(header: "{\"__metadata__\":[1],\(f32Entry)}", data: eightBytes)) { if case .badMetadata = $0 { true } else { false } },
        BrokenFile(name: "metadata value not a string", data: rawSafeTensors(header: "{\"__metadata__\":{\"k\":1},\(f32Entry)}", data: eightBytes)) { if case .badMetadata = $0 { true } else { false } },
    ]
    var rng = SeededRandom(seed: 99)
    for size in [8, 9, 64, 1000] {
        let bytes = Data((0 ..< size).map { _ in UInt8.random(in: 0 ... 255, using: &rng) })
        files.append(BrokenFile(name: "\(size) random bytes", data: bytes) { _ in true })
    }
    return files
}()

@Suite struct CheckpointCorpusTests {
    @Test(arguments: brokenFiles)
    func brokenFileGivesOneClearError(_ broken: BrokenFile) {
        let error = #expect(throws: CheckpointError.self) { try SafeTensorsFile(data: broken.data, file: "corpus") }
        guard let error else { return }
        #expect(broken.matches(error), "unexpected \(error)")
        #expect(error.description.hasPrefix("corpus: "), "\(error)")
        #expect(!error.description.contains("\n"), "\(error)")
    }

    @Test func brokenFilesOnDiskNameThePath() throws {
        let directory = try checkpointTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("broken.safetensors")
        try entry(#""dtype":"I8","shape":[8],"data_offsets":[0,8]"#).write(to: url)
        let error = #expect(throws: CheckpointError.self) { try SafeTensorsFile(contentsOf: url) }
        #expect(error?.description == "\(url.path): tensor 't': unsupported dtype 'I8' (supported: F32, F16, BF16)")
        try Data().write(to: url)
        #expect(throws: CheckpointError.tooShort(file: url.path, size: 0)) { try SafeTensorsFile(contentsOf: url) }
        #expect(throws: CheckpointError.self) { try SafeTensorsFile(contentsOf: directory) }
    }
}

extension Data {
    func replacingByte(at index: Int, with byte: UInt8) -> Data {
        var copy = self
        copy[copy.startIndex + index] = byte
        return copy
    }
}
