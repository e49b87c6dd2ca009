import ArgumentParser
import Attend
import Foundation

extension AlignmentFormat: ExpressibleByArgument {}
extension DenoiseMode: ExpressibleByArgument {}
extension DenoiseSynthesis: ExpressibleByArgument {}

struct Align: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Align a transcript to speech: word and phone start/end times with a confidence per word.",
        discussion: """
        Every word of the transcript appears in the output once, in order, as written without its \
        surrounding punctuation. Numbers and abbreviations are expanded by espeak-ng; a word the \
        audio does not contain gets a low confidence rather than an error.
        JSON: {"audio", "duration", "words": [{"word", "start", "end", "confidence", "phones": [{"phone", "start", "end"}]}]}
        Directories: `attend align DIR -o OUTDIR` takes each audio file's transcript from NAME.txt \
        (or NAME.lab) beside it, mirrors the tree, skips done files and writes OUTDIR/manifest.jsonl.
        """
    )

    @Argument(help: "Audio file, - for stdin, or a directory.") var input: String
    @Option(help: "The transcript text.") var transcript: String?
    @Option(name: .customLong("transcript-file"), help: "A UTF-8 file holding the transcript.") var transcriptFile: String?
    @Option(name: .shortAndLong, help: "Output file or directory (default: stdout).") var output: String?
    @Option(help: "Output format (default: from the output's extension, else json).") var format: AlignmentFormat?
    @Option(help: "Read the denoised audio: off; on (only the denoised audio); blend (the audio and its denoised version together); auto (blend when the audio is noisy). Default: auto for files, off for --jsonl streams (where the live denoiser's reading costs three times the CPU and does not help at 0 dB).")
    var denoise: DenoiseMode?
    @Option(help: "espeak-ng voice (language) for the transcript's phonemes.") var voice = "en-us"
    @Flag(help: "Follow the input as a live stream: print each word as a JSON line as soon as its timing is settled.")
    var jsonl = false
    @Option(name: .customLong("decision-lag"),
            help: "With --jsonl: seconds the search may wait after a word for certainty before it takes the best path (0.7 s: words out within 1 s of their end).")
    var decisionLag: Double = StreamingAligner.defaultDecisionLag
    @Option(name: .customLong("max-decision-lag"),
            help: "With --jsonl: while rival paths disagree on a word the search may wait up to this many seconds, at least --decision-lag (0: always decide at --decision-lag).")
    var maxDecisionLag: Double = StreamingAligner.defaultMaxDecisionLag
    @Option(name: .customLong("hold-margin"),
            help: ArgumentHelp("With --jsonl: log-score units within which a rival path holds a decision back.", visibility: .hidden))
    var holdMargin: Float = StreamingAligner.defaultHoldMargin
    @Option(name: .customLong("decision-interval"),
            help: ArgumentHelp("With --jsonl: seconds between decisions while the search lags.", visibility: .hidden))
    var decisionInterval: Double = StreamingAligner.defaultDecisionInterval
    @Option(name: .customLong("decision-margin"),
            help: ArgumentHelp("With --jsonl: the decision follows the least advanced partial path within this many log-score units of the best.", visibility: .hidden))
    var decisionMargin: Float = StreamingAligner.decisionMargin
    @Option(name: .customLong("min-phone-frames"), help: ArgumentHelp("Fewest 10 ms frames a phone may cover (default 4, and 5 where the speech is slow enough).", visibility: .hidden))
    var minPhoneFrames: Int?
    @Option(name: .customLong("final-stop-extra-frames"), help: ArgumentHelp("Frames a word-final stop may cover beyond the phone minimum, in both searches (3...7; 0 = no bound; default 4, and 6 where the speech is slow).", visibility: .hidden))
    var finalStopExtraFrames: Int?
    @Option(name: .customLong("prior-scale"), help: ArgumentHelp("Exponent of the phone prior the posteriors are divided by.", visibility: .hidden))
    var priorScale: Float = AlignOptions().priorScale
    @Option(name: .customLong("beam"), help: ArgumentHelp("Pruning beam of the file search (log-score units; 0 = exact).", visibility: .hidden))
    var beam: Float = AlignOptions().beam ?? 0
    @Option(name: .customLong("stream-beam"), help: ArgumentHelp("With --jsonl: pruning beam of the search (log-score units).", visibility: .hidden))
    var streamBeam: Float = StreamingAligner.defaultBeam
    @Option(help: "Also draw the spectrogram with the aligned words and phones into this PNG.")
    var plot: String?
    @OptionGroup var inputOptions: InputOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var batchOptions: BatchOptions

    func validate() throws {
        guard decisionLag.isFinite, decisionLag >= 0.01 else { throw ValidationError("--decision-lag must be at least 0.01 s") }
        if !(decisionInterval.isFinite && decisionInterval >= 0.01) {
            throw ValidationError("--decision-interval must be at least 0.01 s")
        }
        guard maxDecisionLag.isFinite, maxDecisionLag >= 0 else { throw ValidationError("--max-decision-lag must be ≥ 0") }
        guard holdMargin.isFinite, holdMargin >= 0 else { throw ValidationError("--hold-margin must be ≥ 0") }
        guard decisionMargin.isFinite, decisionMargin >= 0 else { throw ValidationError("--decision-margin must be ≥ 0") }
        guard beam.isFinite, beam >= 0 else { throw ValidationError("--beam must be ≥ 0 (0 = exact search)") }
        guard streamBeam.isFinite, streamBeam > 0 else { throw ValidationError("--stream-beam must be > 0") }
        guard (1...50).contains(minPhoneFrames ?? 4) else { throw ValidationError("--min-phone-frames must be in 1...50") }
        if let e = finalStopExtraFrames, e != 0, !(3...7).contains(e) {
            throw ValidationError("--final-stop-extra-frames must be 0 (no bound) or in 3...7")
        }
        if isDirectory(input) {
            guard let output, output != "-" else { throw ValidationError("a directory input needs -o OUTDIR") }
            guard transcript == nil, transcriptFile == nil else {
                throw ValidationError("a directory input takes each transcript from NAME.txt beside the audio")
            }
            guard !jsonl else { throw ValidationError("--jsonl takes a file or - (a stream), not a directory") }
            guard plot == nil else { throw ValidationError("--plot takes a single input file") }
        } else {
            guard (transcript == nil) != (transcriptFile == nil) else {
                throw ValidationError("give exactly one of --transcript and --transcript-file")
            }
        }
    }

    func run() throws {
        if plot != nil, jsonl || input == "-" { throw ValidationError("--plot needs a file input (not a stream or --jsonl)") }
        try reportingErrors {
            let model = try modelOptions.load()
            let aligner = Aligner(model: model, phonemizer: try Phonemizer(voice: voice))
            var options = AlignOptions()
            options.denoise = denoise ?? AlignOptions().denoise
            if let minPhoneFrames {  // the user's floor, for every file: no second search
                options.minPhoneFrames = minPhoneFrames
                options.slowSpeechPhoneFrames = nil
            }
            options.priorScale = priorScale
            boundFinalStops(&options)
            options.beam = beam > 0 ? beam : nil
            options.context = modelOptions.context(for: model)
            if isDirectory(input) {
                try runBatch(aligner: aligner, options: options)
                return
            }
            let text: Transcript
            if let transcript {
                text = try Transcript(transcript, phonemizer: aligner.phonemizer)
            } else {
                text = try Transcript(contentsOf: URL(fileURLWithPath: transcriptFile!), phonemizer: aligner.phonemizer)
            }
            if jsonl {
                try follow(aligner: aligner, transcript: text, context: options.context)
                return
            }
            let result = try aligner.align(file: input, raw: inputOptions.rawFormat, transcript: text, options: options)
            let chosen = format ?? output.flatMap { AlignmentFormat(pathExtension: URL(fileURLWithPath: $0).pathExtension) } ?? .json
            try write(result.rendered(as: chosen), to: output)
            if let plot {
                let samples = try readMono16k(path: input, raw: inputOptions.rawFormat)
                let canvas = try QuickPlots.alignment(samples: samples, result: result, config: model.config)
                try PartialFiles.writeAtomically(try PNG.encode(canvas, name: plot), to: plot)
            }
        }
    }

    /// The user's `--final-stop-extra-frames`, for both searches (0: no bound).
    private func boundFinalStops(_ options: inout AlignOptions) {
        guard let finalStopExtraFrames else { return }
        options.finalStopExtraFrames = finalStopExtraFrames > 0 ? finalStopExtraFrames : nil
        options.slowSpeechFinalStopExtraFrames = finalStopExtraFrames
    }

    /// Streams the input through a `StreamingAligner`, one JSON line per settled word.
    private func follow(aligner: Aligner, transcript: Transcript, context: ChunkedContext?) throws {
        let reader = try AudioFileReader(path: input, raw: inputOptions.rawFormat, rejectNonFinite: true)
        let stream = try MonoStream(reader: reader, sampleRate: aligner.model.config.sampleRate,
                                    chunkFrames: max(1, reader.info.sampleRate / 20))  // 50 ms reads
        var options = AlignOptions()
        options.context = context
        if let minPhoneFrames { options.minPhoneFrames = minPhoneFrames }
        boundFinalStops(&options)
        options.priorScale = priorScale
        let reading = denoise ?? .off
        // The audio alone at the default phone minimum: two searches, 4 and 5 frames, the second
        // taken when the stream turns out slow (as files are searched again).
        let push: ([Float]) throws -> [WordTiming], finish: (([WordTiming]) throws -> Void) throws -> Void, pushed: () -> Int
        if reading == .off && minPhoneFrames == nil {
            let follower = try SlowSpeechFollower(aligner: aligner, transcript: transcript, options: options, beam: streamBeam,
                                                  decisionLag: decisionLag, decisionInterval: decisionInterval,
                                                  decisionMargin: decisionMargin,
                                                  maxDecisionLag: maxDecisionLag > 0 ? maxDecisionLag : nil, holdMargin: holdMargin)
            push = follower.push
            finish = { try $0(try follower.finish()) }
            pushed = { follower.samplesPushed }
        } else {
            let follower = try StreamingAligner(aligner: aligner, transcript: transcript, options: options, beam: streamBeam,
                                                decisionLag: decisionLag, decisionInterval: decisionInterval,
                                                decisionMargin: decisionMargin,
                                                maxDecisionLag: maxDecisionLag > 0 ? maxDecisionLag : nil, holdMargin: holdMargin,
                                                denoise: reading)
            push = follower.push
            finish = { try follower.finish(emit: $0) }
            pushed = { follower.samplesPushed }
        }
        // "emitted_at": seconds of audio read when the word came out (its latency is that less "end").
        func emit(_ words: [WordTiming]) {
            let at = AlignmentResult.seconds(Double(pushed()) / Double(aligner.model.config.sampleRate))
            for w in words {
                let line = "{\"word\":\(JSONText.string(w.word)),\"start\":\(AlignmentResult.seconds(w.start)),"
                    + "\"end\":\(AlignmentResult.seconds(w.end)),\"confidence\":\(String(format: "%.3f", w.confidence)),"
                    + "\"emitted_at\":\(at)}\n"
                FileHandle.standardOutput.write(Data(line.utf8))
            }
        }
        while let chunk = try stream.next() { emit(try push(chunk)) }
        try finish { emit($0) }
    }

    private func runBatch(aligner: Aligner, options: AlignOptions) throws {
        let chosen = format ?? .json
        let runner = try BatchRunner(inputRoot: URL(fileURLWithPath: input), outputRoot: URL(fileURLWithPath: output!),
                                     shard: try batchOptions.resolvedShard()) { rel in
            (rel as NSString).deletingPathExtension + "." + chosen.fileExtension
        }
        runner.overwrite = batchOptions.overwrite
        let summary = try runner.run(progress: BatchProgress()) { item in
            guard let transcriptURL = FileDiscovery.transcript(for: item.input) else {
                throw TranscriptMissing(audio: item.input.path)
            }
            let text = try Transcript(contentsOf: transcriptURL, phonemizer: aligner.phonemizer)
            let result = try aligner.align(file: item.input.path, transcript: text, options: options)
            try write(result.rendered(as: chosen), to: item.output.path)
            return result.duration
        }
        try finishBatch(summary)
    }
}

struct TranscriptMissing: Error, CustomStringConvertible {
    var audio: String
    var description: String { "\(audio): no transcript (expected NAME.txt or NAME.lab beside it)" }
}

/// Writes text to stdout (nil or "-") or atomically to a file (temporary name, then rename).
func write(_ text: String, to path: String?) throws {
    guard let path, path != "-" else {
        FileHandle.standardOutput.write(Data(text.utf8))
        return
    }
    try PartialFiles.writeAtomically(Data(text.utf8), to: path)
}
