import ArgumentParser
import Attend
import Foundation

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print an audio file's format, rate, channels, frames and duration, or describe a model.",
        discussion: """
        Reads every format libsndfile reads (WAV, FLAC, Ogg Vorbis/Opus, MP3, AIFF, CAF, ...). \
        For stdin (-), FIFOs and WAV files whose header gives no length, the stream is read to \
        its end to count the frames, since a piped header's length cannot be trusted. --json \
        prints one object with the keys format, subtype, sampleRate, channels, frames and \
        duration (seconds). Errors are one line on stderr and a non-zero exit status.

        attend info --model NAME|PATH describes a model instead: the files it resolves to (as \
        the other commands resolve --model), size, parameters, encoder shape and each head's \
        entmax α. --model default is the model the commands run without --model ($ATTEND_MODEL, \
        else attend-deep). --json keys: name, weights, config, bytes, parameters, layers, \
        dModel, heads, phones, sampleRate, chunkFrames, leftFrames, alphas.
        """
    )
    @Argument(help: "Audio file, or - for stdin.") var input: String?
    @Option(help: ArgumentHelp("Describe this model instead of an audio file ('default': the one the commands run).",
                               valueName: "name|path|default"))
    var model: String?
    @Flag(help: "Print one JSON object.") var json = false
    @Flag(help: "Decode the whole input to count its frames (finds compressed files cut short).")
    var decode = false
    @OptionGroup var inputOptions: InputOptions

    func validate() throws {
        if (input == nil) == (model == nil) { throw ValidationError("give an audio file or --model, not both or neither") }
    }

    func run() throws {
        if let model {
            do {
                let description = try ModelDescription(spec: model == "default" ? nil : model)
                print(json ? description.json : description.text)
            } catch {
                throw reportFailure(error)
            }
            return
        }
        guard let input else { return }
        let info: AudioInfo
        do {
            info = try AudioFileReader.probe(path: input, raw: inputOptions.rawFormat, decodeAll: decode)
        } catch {
            throw reportFailure(error)
        }
        print(json ? Self.json(info) : Self.text(info, name: input))
    }

    static func json(_ info: AudioInfo) -> String {
        let quoted = JSONText.string
        let frames = info.frames ?? 0
        let duration = Double(frames) / Double(info.sampleRate)
        return "{\"format\":\(quoted(info.format)),\"subtype\":\(quoted(info.subtype)),"
            + "\"sampleRate\":\(info.sampleRate),\"channels\":\(info.channels),"
            + "\"frames\":\(frames),\"duration\":\(duration)}"
    }

    static func text(_ info: AudioInfo, name: String) -> String {
        let frames = info.frames ?? 0
        let seconds = Double(frames) / Double(info.sampleRate)
        return """
        File:        \(name == "-" ? "stdin" : name)
        Format:      \(info.format)
        Subtype:     \(info.subtype)
        Sample rate: \(info.sampleRate) Hz
        Channels:    \(info.channels)
        Frames:      \(frames)
        Duration:    \(String(format: "%.6f", seconds)) s
        """
    }
}
