import ArgumentParser

@main
struct AttendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attend",
        abstract: "Denoise speech and align transcripts with an adaptive sparse attention encoder.",
        subcommands: [Denoise.self, Align.self, Spot.self, Info.self, Features.self, Inspect.self]
    )
}
