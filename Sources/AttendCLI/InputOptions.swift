import ArgumentParser
import Attend
import Foundation

/// Options every command that reads audio shares: headerless PCM description.
/// Pull in with `@OptionGroup var input: InputOptions`.
struct InputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Read headerless PCM of this encoding (needs --rate and --channels).",
                               valueName: "encoding"))
    var raw: RawSampleFormat?

    @Option(help: "Sample rate of --raw input, in Hz.")
    var rate: Int?

    @Option(help: "Channel count of --raw input.")
    var channels: Int?

    func validate() throws {
        if raw == nil {
            if rate != nil || channels != nil { throw ValidationError("--rate and --channels need --raw") }
            return
        }
        guard let rate, let channels else { throw ValidationError("--raw needs --rate and --channels") }
        guard AudioInfo.sampleRateRange.contains(rate) else { throw ValidationError("--rate must be in 1...768000") }
        guard AudioInfo.channelRange.contains(channels) else { throw ValidationError("--channels must be in 1...256") }
    }

    /// The raw description, or nil for self-describing files.
    var rawFormat: RawPCMFormat? {
        guard let raw, let rate, let channels else { return nil }
        return RawPCMFormat(sample: raw, sampleRate: rate, channels: channels)
    }
}

extension RawSampleFormat: ExpressibleByArgument {}

extension InputOptions {
    /// Opens `path` (`-` for stdin) with these options.
    func openReader(_ path: String, rejectNonFinite: Bool = false) throws(AudioError) -> AudioFileReader {
        try AudioFileReader(path: path, raw: rawFormat, rejectNonFinite: rejectNonFinite)
    }
}

/// Prints `attend: error: <file>: <cause>` as one line on stderr and returns the exit code to
/// throw. Every command reports input and output failures this way.
func reportFailure(_ error: any Error) -> ExitCode {
    let text = (error as? AudioError)?.description ?? String(describing: error)
    let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
    FileHandle.standardError.write(Data("attend: error: \(line)\n".utf8))
    return .failure
}
