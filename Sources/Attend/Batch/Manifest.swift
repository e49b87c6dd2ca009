import Foundation

/// One line of a batch manifest (JSON Lines): what happened to one input file.
public struct ManifestEntry: Equatable, Sendable {
    public enum Status: String, Sendable { case ok, failed, skipped }

    /// Input path relative to the batch's input folder.
    public var input: String
    /// Output path relative to the output folder (nil when nothing was written).
    public var output: String?
    public var status: Status
    /// The one-line error, for `failed`.
    public var error: String?
    /// Audio duration in seconds, when known.
    public var audioSeconds: Double?
    /// Wall-clock processing time in seconds.
    public var seconds: Double?

    public init(input: String, output: String?, status: Status, error: String? = nil, audioSeconds: Double? = nil, seconds: Double? = nil) {
        self.input = input
        self.output = output
        self.status = status
        self.error = error
        self.audioSeconds = audioSeconds
        self.seconds = seconds
    }

    /// `{"input":…,"output":…,"status":…,"error":…,"audio_seconds":…,"seconds":…}` (absent keys omitted).
    public var jsonLine: String {
        var fields = ["\"input\":\(JSONText.string(input))"]
        if let output { fields.append("\"output\":\(JSONText.string(output))") }
        fields.append("\"status\":\"\(status.rawValue)\"")
        if let error { fields.append("\"error\":\(JSONText.string(error))") }
        if let audioSeconds { fields.append("\"audio_seconds\":\(String(format: "%.3f", audioSeconds))") }
        if let seconds { fields.append("\"seconds\":\(String(format: "%.3f", seconds))") }
        return "{" + fields.joined(separator: ",") + "}"
    }
}

/// An append-only JSON Lines file. Each entry is written with one `write(2)` on an `O_APPEND`
/// descriptor and flushed, so a killed run leaves only whole lines (at worst the last one is
/// missing), and readers may tail it while the batch runs.
public final class ManifestWriter {
    public let url: URL
    private let fd: Int32

    public init(url: URL) throws {
        self.url = url
        fd = open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ManifestError.cannotOpen(url.path, String(cString: strerror(errno))) }
    }

    deinit { close(fd) }

    public func append(_ entry: ManifestEntry) throws {
        let bytes = Array((entry.jsonLine + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw ManifestError.cannotWrite(url.path, String(cString: strerror(errno))) }
    }

    /// The inputs a manifest already records as `ok` (for resuming), ignoring a torn last line.
    public static func completedInputs(in url: URL) -> Set<String> {
        guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
        var done: Set<String> = []
        for line in data.split(separator: UInt8(ascii: "\n")) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  object["status"] as? String == "ok", let input = object["input"] as? String else { continue }
            done.insert(input)
        }
        return done
    }
}

public enum ManifestError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(String, String)
    case cannotWrite(String, String)

    public var description: String {
        switch self {
        case .cannotOpen(let p, let why): return "\(p): cannot open manifest: \(why)"
        case .cannotWrite(let p, let why): return "\(p): cannot write manifest: \(why)"
        }
    }
}
