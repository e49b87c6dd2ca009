import ArgumentParser
import Attend

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print an audio file's format, rate, channels, frames and duration.")
    @Argument(help: "Audio file, or - for stdin.") var input: String
    @Flag(help: "Print one JSON object.") var json = false
    func run() throws { throw ValidationError("not implemented yet") }
}
