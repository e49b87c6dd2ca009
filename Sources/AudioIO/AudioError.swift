import Foundation

/// Everything that can go wrong reading, converting or writing audio.
///
/// Every case carries the name of the file at fault (`"stdin"` / `"stdout"` for the standard
/// streams) and its `description` is one line: `<file>: <cause>`. Where libsndfile or libsoxr
/// reported the problem, its own message is the cause.
public enum AudioError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// The path does not exist.
    case missingFile(String)
    /// The path exists but is not a regular file or pipe we can read (a directory, say).
    case notReadable(String, reason: String)
    /// The file (or stream) has zero bytes.
    case emptyFile(String)
    /// libsndfile could not open or parse the file; `message` is `sf_strerror`.
    case unreadable(String, message: String)
    /// The header declares more audio than the file holds.
    case truncated(String, declaredFrames: Int, presentFrames: Int)
    /// The header is parseable but describes impossible audio (rate or channel count out of range).
    case badHeader(String, reason: String)
    /// A read failed part-way; `message` is `sf_strerror`.
    case readFailed(String, message: String)
    /// A NaN or infinite sample at the given frame index (counted from the start of the stream).
    case nonFiniteSample(String, frame: Int)
    /// The `--raw` description is invalid (unknown format, bad rate or channel count).
    case badRawFormat(String, reason: String)
    /// Opening or writing an output failed; `message` is `sf_strerror` or `strerror`.
    case writeFailed(String, message: String)
    /// libsoxr refused the conversion; `message` is libsoxr's.
    case resampleFailed(String, message: String)

    /// The file (or stream) the error is about.
    public var file: String {
        switch self {
        case .missingFile(let f), .notReadable(let f, _), .emptyFile(let f), .unreadable(let f, _),
             .truncated(let f, _, _), .badHeader(let f, _), .readFailed(let f, _),
             .nonFiniteSample(let f, _), .badRawFormat(let f, _), .writeFailed(let f, _),
             .resampleFailed(let f, _):
            return f
        }
    }

    /// The cause alone, without the file name.
    public var cause: String {
        switch self {
        case .missingFile: return "no such file"
        case .notReadable(_, let reason): return reason
        case .emptyFile: return "empty (0 bytes)"
        case .unreadable(_, let message): return "not a readable audio file (\(Self.oneLine(message)))"
        case .truncated(_, let declared, let present):
            return "truncated: header declares \(declared) frames but only \(present) are present"
        case .badHeader(_, let reason): return "bad header: \(reason)"
        case .readFailed(_, let message): return "read failed (\(Self.oneLine(message)))"
        case .nonFiniteSample(_, let frame): return "non-finite sample (NaN or Inf) at frame \(frame)"
        case .badRawFormat(_, let reason): return "bad raw format: \(reason)"
        case .writeFailed(_, let message): return "write failed (\(Self.oneLine(message)))"
        case .resampleFailed(_, let message): return "resampling failed (\(Self.oneLine(message)))"
        }
    }

    public var description: String { "\(file): \(cause)" }
    public var errorDescription: String? { description }

    static func oneLine(_ s: String) -> String {
        s.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
    }
}
