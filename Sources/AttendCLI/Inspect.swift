import ArgumentParser
import Attend
import Foundation

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "See what the model sees: spectrograms, mask, posteriorgram, attention maps and alignment in one HTML report.",
        discussion: """
        Writes one self-contained HTML file (images and audio embedded; no network, no script) with: the \
        input's spectrogram, the mask, the denoised spectrogram, the phone posteriorgram (with the aligned \
        words and phones when a transcript is given), every layer's and head's self-attention with its \
        learned α and share of exact zeros, the aligner's cross-attention with the monotonic path, a \
        per-word confidence table, and players for the input and denoised audio.
        The input is mixed to 16 kHz mono. --from/--to choose the window (seconds); a transcript must be \
        what is said in that window. Self-attention maps \
        cover at most 400 frames (4 s) from --attention-at (default: the window's start). Long windows are \
        drawn at most 1400 pixels wide (each pixel shows the maximum of the frames it covers). The players \
        embed 16 kHz mono MP3 at 24 kbit/s, at most the first 10 minutes of the window, so a 10-minute \
        file's report stays under 10 MB.
        --png DIR also writes every figure as DIR/NAME.png (input, mask, denoised, posteriorgram, \
        cross-attention, attention-L<layer>-H<head>).
        """
    )

    @Argument(help: "Audio file.") var input: String
    @Option(help: "The transcript text.") var transcript: String?
    @Option(name: .customLong("transcript-file"), help: "A UTF-8 file holding the transcript.") var transcriptFile: String?
    @Option(name: .shortAndLong, help: "Output HTML report.") var output: String
    @Option(help: "Also write every figure as a PNG into this directory.") var png: String?
    @Option(help: "Start of the window, seconds.") var from: Double?
    @Option(help: "End of the window, seconds.") var to: Double?
    @Option(name: .customLong("attention-at"), help: "Start of the self-attention window, seconds (default: --from).")
    var attentionAt: Double?
    @Option(help: "espeak-ng voice (language) for the transcript's phonemes.") var voice = "en-us"
    @OptionGroup var inputOptions: InputOptions
    @OptionGroup var modelOptions: ModelOptions

    func validate() throws {
        guard transcript == nil || transcriptFile == nil else { throw ValidationError("give at most one of --transcript and --transcript-file") }
        if let from { guard from >= 0, from.isFinite else { throw ValidationError("--from must be a time ≥ 0 in seconds") } }
        if let to { guard to > 0, to.isFinite else { throw ValidationError("--to must be a time > 0 in seconds") } }
        if let from, let to, to <= from { throw ValidationError("--to must be after --from") }
        guard input != "-" else { throw ValidationError("inspect reads a file (the audio is read whole), not stdin") }
        guard output != "-" else { throw ValidationError("-o must name a file") }
        guard !isDirectory(input) else { throw ValidationError("inspect takes one audio file, not a directory") }
    }

    func run() throws {
        try reportingErrors {
            let model = try modelOptions.load()
            var options = InspectOptions()
            options.from = from
            options.to = to
            options.attentionAt = attentionAt
            options.context = modelOptions.context(for: model)
            options.align.context = options.context
            var aligner: Aligner?
            if transcript != nil || transcriptFile != nil {
                let a = Aligner(model: model, phonemizer: try Phonemizer(voice: voice))
                if let transcript {
                    options.transcript = try Transcript(transcript, phonemizer: a.phonemizer)
                } else {
                    options.transcript = try Transcript(contentsOf: URL(fileURLWithPath: transcriptFile!), phonemizer: a.phonemizer)
                }
                aligner = a
            }
            let report = try InspectReport.build(model: model, file: input, raw: inputOptions.rawFormat, options: options, aligner: aligner)
            if let png { try report.writePNGs(to: png) }
            try report.writeHTML(to: output)
        }
    }
}
