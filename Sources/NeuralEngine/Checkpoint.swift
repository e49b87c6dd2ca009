import Foundation

/// A model checkpoint: a validated safetensors weights file plus its JSON config.
///
/// The config type belongs to the model, so the checkpoint keeps the config as JSON and decodes
/// it on request; model code then asks for each tensor with the shape the config implies:
///
/// ```swift
/// let checkpoint = try Checkpoint(weights: modelURL, config: configURL)
/// let config = try checkpoint.decodeConfig(ModelConfig.self)
/// let w = try checkpoint.require("stem.proj.weight", shape: [config.dModel, 257])
/// ```
///
/// Every error is a `CheckpointError` naming the file and the tensor or config key at fault.
public struct Checkpoint: Sendable {
    /// The validated weights.
    public let weights: SafeTensorsFile
    /// The config file's path, as named in errors.
    public let configFile: String
    /// The config file's bytes (a JSON object).
    public let configData: Data

    /// Reads and validates both files. The config must be a JSON object (its fields are checked by
    /// `decodeConfig`).
    public init(weights: URL, config: URL) throws(CheckpointError) {
        let configData: Data
        do {
            configData = try Data(contentsOf: config)
        } catch {
            throw .unreadable(file: config.path, reason: error.localizedDescription)
        }
        try self.init(weights: SafeTensorsFile(contentsOf: weights), configData: configData, configFile: config.path)
    }

    /// Pairs weights already loaded with config bytes; `configFile` names them in errors.
    public init(weights: SafeTensorsFile, configData: Data, configFile: String) throws(CheckpointError) {
        let parsed: CheckpointJSON
        do {
            parsed = try CheckpointJSON.parse(configData)
        } catch {
            throw .notJSON(file: configFile, reason: "\(error)")
        }
        guard case .object = parsed else {
            throw .badConfig(file: configFile, key: "", reason: "config is \(parsed.kind), expected a JSON object")
        }
        self.weights = weights
        self.configData = configData
        self.configFile = configFile
    }

    /// Decodes the config; a `DecodingError` becomes one `badConfig` line naming the key path.
    public func decodeConfig<T: Decodable>(_ type: T.Type = T.self) throws(CheckpointError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: configData)
        } catch let error as DecodingError {
            throw Self.describe(error, file: configFile, json: try? CheckpointJSON.parse(configData))
        } catch {
            throw .badConfig(file: configFile, key: "", reason: error.localizedDescription)
        }
    }

    /// The values of tensor `name`, which must exist and have exactly `shape`.
    public func require(_ name: String, shape: [Int]) throws(CheckpointError) -> [Float] {
        let found = try weights.shape(name)
        guard found == shape else { throw .wrongShape(file: weights.file, tensor: name, expected: shape, found: found) }
        return try weights.floats(name)
    }

    /// Names in the weights file that are not in `used`: call after building a model to catch
    /// tensors a renamed layer no longer reads.
    public func unusedTensors(_ used: some Sequence<String>) -> [String] {
        let usedSet = Set(used)
        return weights.names.filter { !usedSet.contains($0) }
    }

    static func describe(_ error: DecodingError, file: String, json: CheckpointJSON?) -> CheckpointError {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        func oneLine(_ text: String) -> String { text.split(whereSeparator: \.isNewline).joined(separator: " ") }
        switch error {
        case let .keyNotFound(key, context):
            return .badConfig(file: file, key: path(context.codingPath + [key]), reason: "missing")
        case let .typeMismatch(type, context):
            return .badConfig(file: file, key: path(context.codingPath), reason: "expected \(type): \(oneLine(context.debugDescription))")
        case let .valueNotFound(type, context):
            return .badConfig(file: file, key: path(context.codingPath), reason: "expected \(type), found null")
        case let .dataCorrupted(context) where context.codingPath.isEmpty && json != nil:
            // Foundation reports a fraction (or out-of-range number) read into an integer field as
            // "not valid JSON" with no path; the JSON is valid, so name the numbers that could be it.
            let suspects = json!.nonIntegerNumberPaths()
            let reason = "a number does not fit its field (a fraction or exponent where an integer is expected, or out of range)"
            if suspects.count == 1 { return .badConfig(file: file, key: suspects[0], reason: reason) }
            return .badConfig(file: file, key: "", reason: reason + "; non-integer numbers at: " + suspects.prefix(8).joined(separator: ", "))
        case let .dataCorrupted(context):
            return .badConfig(file: file, key: path(context.codingPath), reason: oneLine(context.debugDescription))
        @unknown default:
            return .badConfig(file: file, key: "", reason: oneLine("\(error)"))
        }
    }
}

extension CheckpointJSON {
    /// Dotted paths of numbers written with a fraction or exponent, or too large for `Int`.
    func nonIntegerNumberPaths(prefix: String = "") -> [String] {
        func join(_ key: String) -> String { prefix.isEmpty ? key : prefix + "." + key }
        switch self {
        case .number(_, integer: nil): return [prefix]
        case let .array(items): return items.enumerated().flatMap { $1.nonIntegerNumberPaths(prefix: join("[\($0)]")) }
        case let .object(members): return members.flatMap { $0.value.nonIntegerNumberPaths(prefix: join($0.key)) }
        default: return []
        }
    }
}
