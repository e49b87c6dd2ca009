import ArgumentParser

@main
struct AttendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attend",
        abstract: "Denoise speech and align transcripts with an adaptive sparse attention encoder.",
        subcommands: [Denoise.self, Info.self, Features.self]
    )
}
