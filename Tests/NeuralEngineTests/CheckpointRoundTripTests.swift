import Foundation
import Testing
@testable import NeuralEngine

@Suite struct CheckpointRoundTripTests {
    @Test func writerOutputReadsBack() throws {
        let file = try SafeTensorsFile(data: sampleCheckpointWriter().data(), file: "sample.safetensors")
        #expect(file.names == ["a.weight", "a.bias", "b.half"])
        #expect(file.metadata == ["format": "pt", "quote\"d": "line\nbreak"])
        #expect(try file.shape("a.weight") == [2, 3])
        #expect(try file.floats("a.weight") == [1, 2, 3, 4, 5, 6])
        #expect(try file.floats("a.bias") == [-1, 0.5, 0.25])
        #expect(try file.info("b.half").dtype == .f16)
        #expect(try file.floats("b.half") == [0.5, -2, 1024, 0.099975586])
    }

    @Test func headerIsPaddedToEightBytes() throws {
        let data = try sampleCheckpointWriter().data()
        let length = data.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        #expect(length % 8 == 0)
    }

    @Test func reducedPrecisionRoundsToNearest() throws {
        var rng = SeededRandom(seed: 7)
        let values = (0 ..< 200).map { _ in Float.random(in: -100 ... 100, using: &rng) }
        var writer = SafeTensorsWriter()
        try writer.add("h", shape: [200], values: values, dtype: .f16)
        try writer.add("b", shape: [10, 20], values: values, dtype: .bf16)
        let file = try SafeTensorsFile(data: writer.data(), file: "mixed")
        for (dtype, name, relative) in [(SafeTensorsDType.f16, "h", Float(1) / 2048), (.bf16, "b", Float(1) / 256)] {
            let decoded = try file.floats(name)
            #expect(try file.info(name).dtype == dtype)
            for (x, y) in zip(values, decoded) {
                #expect(abs(x - y) <= relative * abs(x) + 1e-6, "\(name): \(x) -> \(y)")
            }
        }
    }

    @Test func halfSpecialValues() {
        #expect(SafeTensorsDType.halfToFloat(0x7C00) == .infinity)
        #expect(SafeTensorsDType.halfToFloat(0xFC00) == -.infinity)
        #expect(SafeTensorsDType.halfToFloat(0x7E00).isNaN)
        #expect(SafeTensorsDType.halfToFloat(0x0001) == 0x1p-24)
        #expect(SafeTensorsDType.halfToFloat(0x8000).sign == .minus)
        #expect(SafeTensorsDType.halfToFloat(0x3C00) == 1)
        #expect(SafeTensorsDType.floatToHalf(1e6) == 0x7C00)
        #expect(SafeTensorsDType.floatToHalf(0x1p-24) == 0x0001)
        #expect(SafeTensorsDType.floatToHalf(65504) == 0x7BFF)
        for bits in stride(from: 0, to: 0x7C00, by: 37) {
            let half = UInt16(bits)
            #expect(SafeTensorsDType.floatToHalf(SafeTensorsDType.halfToFloat(half)) == half)
        }
    }

    @Test func scalarsAndEmptyTensors() throws {
        var writer = SafeTensorsWriter()
        try writer.add("empty", shape: [0, 4], values: [])
        try writer.add("scalar", shape: [], values: [3.5])
        try writer.add("also.empty", shape: [5, 0], values: [])
        let file = try SafeTensorsFile(data: writer.data(), file: "edge")
        #expect(try file.floats("scalar") == [3.5])
        #expect(try file.shape("scalar") == [])
        #expect(try file.floats("empty").isEmpty)
        #expect(try file.shape("also.empty") == [5, 0])
    }

    @Test func writerRejectsInconsistentInput() throws {
        var writer = SafeTensorsWriter()
        #expect(throws: CheckpointError.self) { try writer.add("x", shape: [2, 2], values: [1, 2, 3]) }
        try writer.add("x", shape: [1], values: [1])
        #expect(throws: CheckpointError.self) { try writer.add("x", shape: [1], values: [1]) }
        #expect(throws: CheckpointError.self) { try writer.add("__metadata__", shape: [1], values: [1]) }
    }

    @Test func readsFilesMadeByTheReferenceLibrary() throws {
        let directory = try #require(Bundle.module.resourceURL).appendingPathComponent("Fixtures/checkpoints")
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("reference.json"))) as! [String: [String: Any]]
        var seen = 0
        for fileName in ["reference.safetensors", "reference_bf16.safetensors"] {
            let url = directory.appendingPathComponent(fileName)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            let file = try SafeTensorsFile(contentsOf: url)
            for name in file.names {
                let entry = try #require(expected[name])
                #expect(try file.shape(name) == entry["shape"] as! [Int])
                let values = (entry["values"] as! [Double]).map(Float.init)
                #expect(try file.floats(name) == values, "\(name)")
                seen += 1
            }
            if fileName == "reference.safetensors" { #expect(file.metadata["note"] == "attend test") }
        }
        #expect(seen == expected.count)
    }

    @Test func checkpointRequiresNamesAndShapes() throws {
        let directory = try checkpointTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let weights = directory.appendingPathComponent("model.safetensors")
        let config = directory.appendingPathComponent("config.json")
        var writer = SafeTensorsWriter()
        try writer.add("enc.w", shape: [144, 256], values: [Float](repeating: 0.5, count: 144 * 256))
        try writer.write(to: weights)
        try Data(#"{"d_model": 144, "layers": [{"heads": 4}]}"#.utf8).write(to: config)

        let checkpoint = try Checkpoint(weights: weights, config: config)
        #expect(try checkpoint.require("enc.w", shape: [144, 256]).count == 144 * 256)
        #expect(checkpoint.unusedTensors(["other"]) == ["enc.w"])
        #expect(checkpoint.unusedTensors(["enc.w"]).isEmpty)

        let wrong = #expect(throws: CheckpointError.self) { try checkpoint.require("enc.w", shape: [144, 257]) }
        #expect(wrong == .wrongShape(file: weights.path, tensor: "enc.w", expected: [144, 257], found: [144, 256]))
        #expect(wrong?.description == "\(weights.path): tensor 'enc.w': expected shape [144, 257], found [144, 256]")

        let missing = #expect(throws: CheckpointError.self) { try checkpoint.require("enc.b", shape: [144]) }
        #expect(missing == .missingTensor(file: weights.path, tensor: "enc.b"))
    }

    @Test func missingFilesAreReported() throws {
        let nowhere = URL(fileURLWithPath: "/nonexistent/attend/model.safetensors")
        let error = #expect(throws: CheckpointError.self) { try SafeTensorsFile(contentsOf: nowhere) }
        guard case let .unreadable(file, _)? = error else { Issue.record("wrong error \(String(describing: error))"); return }
        #expect(file == nowhere.path)
        #expect(error?.description.contains("\n") == false)
    }
}
