import Foundation
import Testing
@testable import NeuralEngine

private struct TinyConfig: Decodable, Equatable {
    struct Layer: Decodable, Equatable { var heads: Int; var alpha: Float }
    var dModel: Int
    var layers: [Layer]
    enum CodingKeys: String, CodingKey { case dModel = "d_model", layers }
}

@Suite struct CheckpointConfigTests {
    private let weights = try! SafeTensorsFile(data: sampleCheckpointWriter().data(), file: "model.safetensors")

    private func checkpoint(_ json: String) throws(CheckpointError) -> Checkpoint {
        try Checkpoint(weights: weights, configData: Data(json.utf8), configFile: "config.json")
    }

    private func configError(_ json: String) -> CheckpointError? {
        #expect(throws: CheckpointError.self) { _ = try checkpoint(json).decodeConfig(TinyConfig.self) }
    }

    @Test func decodesAValidConfig() throws {
        let config = try checkpoint(#"{"d_model": 144, "layers": [{"heads": 4, "alpha": 1.5}], "extra": null}"#).decodeConfig(TinyConfig.self)
        #expect(config == TinyConfig(dModel: 144, layers: [.init(heads: 4, alpha: 1.5)]))
    }

    @Test func configThatIsNotJSONFailsOnLoad() {
        for text in ["", "{", "d_model = 3", "{\"a\": 1,}", "{} {}"] {
            let error = #expect(throws: CheckpointError.self) { try checkpoint(text) }
            guard case .notJSON(file: "config.json", _)? = error else { Issue.record("\(text): \(String(describing: error))"); continue }
        }
    }

    @Test func configThatIsNotAnObjectFailsOnLoad() {
        for text in ["[]", "3", "\"config\"", "null"] {
            let error = #expect(throws: CheckpointError.self) { try checkpoint(text) }
            guard case .badConfig(file: "config.json", key: "", _)? = error else { Issue.record("\(text): \(String(describing: error))"); continue }
        }
    }

    @Test func missingKeyIsNamed() {
        let error = configError(#"{"layers": []}"#)
        #expect(error == .badConfig(file: "config.json", key: "d_model", reason: "missing"))
        #expect(error?.description == "config.json: key 'd_model': missing")
        let nested = configError(#"{"d_model": 1, "layers": [{"heads": 4, "alpha": 1}, {"heads": 2}]}"#)
        #expect(nested == .badConfig(file: "config.json", key: "layers.[1].alpha", reason: "missing"))
    }

    @Test func wrongTypeIsNamed() {
        for (json, key) in [
            (#"{"d_model": "144", "layers": []}"#, "d_model"),
            (#"{"d_model": 1.5, "layers": []}"#, "d_model"),
            (#"{"d_model": 1, "layers": {}}"#, "layers"),
            (#"{"d_model": 1, "layers": [{"heads": true, "alpha": 1}]}"#, "layers.[0].heads"),
            (#"{"d_model": null, "layers": []}"#, "d_model"),
        ] {
            let error = configError(json)
            guard case let .badConfig(file, foundKey, _)? = error else { Issue.record("\(json): \(String(describing: error))"); continue }
            #expect(file == "config.json")
            #expect(foundKey == key, "\(json): \(error!)")
            #expect(!error!.description.contains("\n"))
        }
    }
}
