import ArgumentParser
import Attend
import Foundation

struct Spot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find keywords in untranscribed speech.",
        discussion: """
        Prints a JSON array [{"keyword", "start", "end", "score"}] sorted by start time; score is \
        the geometric mean over the keyword's phones of their mean posterior along the best path, \
        in [0, 1].
        """
    )

    @Argument(help: "Audio file, or - for stdin.") var input: String
    @Option(help: "Comma-separated keywords or phrases, e.g. \"hello,good morning\".") var keywords: String
    @Option(help: "Minimum score (0...1) of a reported occurrence (0.35: chosen on validation audio).") var threshold: Float = KeywordSpotter.defaultThreshold
    @Option(help: "Read the denoised audio: auto (blend when noisy), on, off, blend.") var denoise: DenoiseMode = .auto
    @Option(help: "espeak-ng voice (language) of the keywords.") var voice = "en-us"
    @Option(name: .shortAndLong, help: "Output file (default: stdout).") var output: String?
    @OptionGroup var inputOptions: InputOptions
    @OptionGroup var modelOptions: ModelOptions

    var keywordList: [String] {
        keywords.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func validate() throws {
        guard !keywordList.isEmpty else { throw ValidationError("--keywords names no keyword") }
        guard (0...1).contains(threshold) else { throw ValidationError("--threshold must be in 0...1") }
    }

    func run() throws {
        try reportingErrors {
            let model = try modelOptions.load()
            let spotter = KeywordSpotter(model: model, phonemizer: try Phonemizer(voice: voice))
            let reader = try AudioFileReader(path: input, raw: inputOptions.rawFormat, rejectNonFinite: true)
            let stream = try MonoStream(reader: reader, sampleRate: model.config.sampleRate)
            var samples: [Float] = []
            while let chunk = try stream.next() { samples += chunk }
            let hits = try spotter.spot(samples: samples, keywords: keywordList, threshold: threshold, denoise: denoise)
            let items = hits.map {
                "{\"keyword\":\(JSONText.string($0.keyword)),\"start\":\(AlignmentResult.seconds($0.start)),"
                    + "\"end\":\(AlignmentResult.seconds($0.end)),\"score\":\(String(format: "%.3f", $0.score))}"
            }
            try write("[" + items.joined(separator: ",") + "]\n", to: output)
        }
    }
}
