import ArgumentParser
import Attend
import Foundation

/// `--model` and attention-context overrides, shared by the commands that run a model.
struct ModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Model weights (.safetensors, its .json beside it) or a model name.",
                               discussion: "Default: $ATTEND_MODEL, else attend-deep from Models/ (attend-base: smaller, faster)."))
    var model: String?

    @Option(name: .customLong("chunk-frames"), help: "Attention chunk in 10 ms frames (default: the model's streaming chunk on stdin; for files at least 32, aligned files 128).")
    var chunkFrames: Int?

    @Option(name: .customLong("left-frames"), help: "Attention left context in 10 ms frames; 0 = unlimited (default: the model's on stdin; for files at least 128).")
    var leftFrames: Int?

    func validate() throws {
        if let chunkFrames, chunkFrames < 1 { throw ValidationError("--chunk-frames must be at least 1") }
        if let leftFrames, leftFrames < 0 { throw ValidationError("--left-frames must not be negative") }
        if leftFrames != nil, chunkFrames == nil { throw ValidationError("--left-frames needs --chunk-frames") }
    }

    func load() throws -> AttendModel { try ModelLocator.load(model) }

    /// The context the options ask for, or nil for the model's own.
    func context(for model: AttendModel) -> ChunkedContext? {
        guard let chunkFrames else { return nil }
        let left = leftFrames ?? model.config.leftContext
        return ChunkedContext(chunkSize: chunkFrames, leftContext: left > 0 ? left : nil)
    }
}

/// Options of directory (batch) runs.
struct BatchOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Process only shard I of N (0-based), e.g. 3/16. Default: from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT or JOB_COMPLETION_INDEX with --shard-count or ATTEND_SHARD_COUNT.", valueName: "I/N"))
    var shard: String?

    @Option(name: .customLong("shard-count"), help: "Number of shards, for schedulers that give only an index (Kubernetes indexed Jobs).")
    var shardCount: Int?

    @Flag(help: "Redo files whose output already exists.")
    var overwrite = false

    func resolvedShard() throws -> Shard {
        if let shard { return try Shard(parsing: shard) }
        return try Shard.fromEnvironment(ProcessInfo.processInfo.environment, countHint: shardCount) ?? .all
    }
}

/// Output encodings of `attend denoise --format`.
enum OutputFormatChoice: String, ExpressibleByArgument, CaseIterable {
    case wav, flac, wav16, wav24, wavfloat, flac16, flac24

    /// The encoding; `wav`/`flac` keep the input's depth (24-bit stays 24-bit, float stays float).
    func resolve(input: AudioInfo) -> AudioOutputFormat {
        let deep = input.subtype.contains("24") || input.subtype.contains("32")
        let float = input.subtype.contains("FLOAT") || input.subtype.contains("DOUBLE")
        switch self {
        case .wav: return float ? .wavFloat : deep ? .wav24 : .wav16
        case .flac: return deep || float ? .flac24 : .flac16
        case .wav16: return .wav16
        case .wav24: return .wav24
        case .wavfloat: return .wavFloat
        case .flac16: return .flac16
        case .flac24: return .flac24
        }
    }

    var fileExtension: String { rawValue.hasPrefix("flac") ? "flac" : "wav" }

    /// The choice an output path implies: `.flac` → flac, anything else → wav.
    static func implied(by path: String) -> OutputFormatChoice {
        path.lowercased().hasSuffix(".flac") ? .flac : .wav
    }
}

/// Prints a batch's summary and turns failures into the exit status.
func finishBatch(_ summary: BatchSummary) throws {
    FileHandle.standardError.write(Data((summary.line + "\n").utf8))
    if summary.failed > 0 { throw ExitCode.failure }
}

func isDirectory(_ path: String) -> Bool {
    var dir: ObjCBool = false
    return path != "-" && FileManager.default.fileExists(atPath: path, isDirectory: &dir) && dir.boolValue
}

func isRegularFile(_ path: String) -> Bool {
    var st = stat()
    return path != "-" && stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
}
