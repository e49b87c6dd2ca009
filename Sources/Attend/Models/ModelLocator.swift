import Foundation
import NeuralEngine
import SpeechModels

/// Finds and loads the model a command runs.
///
/// `--model` may name a weights file (`x.safetensors`, its config `x.json` beside it), a config
/// file, or a model name. Without it: `$ATTEND_MODEL`, else the default model `attend-deep`
/// looked up in `$ATTEND_MODELS_DIR`, `<executable>/../share/attend/models`,
/// `<executable>/Models`, and the source checkout's `Models/`.
public enum ModelLocator {
    public static let defaultName = "attend-deep"

    public static func searchDirectories() -> [URL] {
        var dirs: [URL] = []
        let env = ProcessInfo.processInfo.environment
        if let d = env["ATTEND_MODELS_DIR"] { dirs.append(URL(fileURLWithPath: d)) }
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        dirs.append(exe.appendingPathComponent("../share/attend/models").standardizedFileURL)
        dirs.append(exe.appendingPathComponent("Models"))
        // Sources/Attend/Models/ModelLocator.swift → the checkout's Models/
        dirs.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Models"))
        return dirs
    }

    /// The weights and config files `spec` (or the default) refers to.
    public static func resolve(_ spec: String?) throws -> (weights: URL, config: URL) {
        let chosen = spec ?? ProcessInfo.processInfo.environment["ATTEND_MODEL"]
        if let chosen, chosen.contains("/") || chosen.hasSuffix(".safetensors") || chosen.hasSuffix(".json") {
            let url = URL(fileURLWithPath: chosen)
            let stem = url.pathExtension == "safetensors" || url.pathExtension == "json" ? url.deletingPathExtension() : url
            let files = (stem.appendingPathExtension("safetensors"), stem.appendingPathExtension("json"))
            for file in [files.0, files.1] where !FileManager.default.fileExists(atPath: file.path) {
                throw ModelLocatorError.missingFile(file.path)
            }
            return files
        }
        let name = chosen ?? defaultName
        for dir in searchDirectories() {
            let weights = dir.appendingPathComponent("\(name).safetensors")
            if FileManager.default.fileExists(atPath: weights.path) {
                return (weights, dir.appendingPathComponent("\(name).json"))
            }
        }
        throw ModelLocatorError.notFound(name: name, searched: searchDirectories().map(\.path))
    }

    public static func load(_ spec: String?) throws -> AttendModel {
        let (weights, config) = try resolve(spec)
        return try AttendModel(weights: weights, config: config)
    }
}

public enum ModelLocatorError: Error, CustomStringConvertible, Equatable {
    case notFound(name: String, searched: [String])
    case missingFile(String)

    public var description: String {
        switch self {
        case let .notFound(name, searched):
            return "no model '\(name)' found (looked in \(searched.joined(separator: ", "))); pass --model PATH.safetensors"
        case let .missingFile(path):
            return "\(path): model file not found (a model is NAME.safetensors with NAME.json beside it)"
        }
    }
}
