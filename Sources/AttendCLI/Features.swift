import ArgumentParser
import Attend

struct Features: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write spectral features as a float32 .npy (frames × bins).")
    @Argument(help: "Audio file, or - for stdin.") var input: String
    func run() throws { throw ValidationError("not implemented yet") }
}
