import ArgumentParser
import Attend
import Foundation

struct Denoise: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove noise from speech: a file, a stream (-) or a directory.",
        discussion: """
        The output keeps the input's sample rate and channel count (each channel is denoised) and \
        has exactly as many frames, time-aligned. Content above 8 kHz does not pass the 16 kHz model.
        Streams: `attend denoise - -o -` reads WAV (or --raw PCM) on stdin and writes WAV to stdout \
        as it goes, with an algorithmic latency of 20 ms plus the attention chunk (files take a \
        32 ms overlap-add resynthesis instead: --synthesis).
        Directories: `attend denoise DIR -o OUTDIR` mirrors DIR's tree under OUTDIR, skips outputs \
        that exist (resumable), writes OUTDIR/manifest.jsonl, and exits non-zero if any file failed.
        """
    )

    @Argument(help: "Audio file, - for stdin, or a directory.") var input: String
    @Option(name: .shortAndLong, help: "Output file, - for stdout, or a directory (default: NAME.denoised.EXT beside the input; stdout for stdin).")
    var output: String?
    @Option(help: ArgumentHelp("Output encoding (default: from the output's extension; wav/flac keep the input's bit depth).",
                               valueName: OutputFormatChoice.allCases.map(\.rawValue).joined(separator: "|")))
    var format: OutputFormatChoice?
    @Option(help: "Strength 0...1: gain = strength·mask + (1 − strength).") var strength: Float = 1
    @Option(name: .customLong("mask-out"), help: "Write the mask (frames × 257, first channel) as float32 .npy.")
    var maskOut: String?
    @Option(help: "Also draw the input's and the output's spectrograms (before/after) into this PNG.")
    var plot: String?
    @Option(help: ArgumentHelp("Resynthesis: low-latency (the model's 20 ms synthesis window) or overlap-add (the analysis window, 32 ms; slightly cleaner). Default: low-latency on stdin, overlap-add for files.",
                               valueName: DenoiseSynthesis.allCases.map(\.rawValue).joined(separator: "|")))
    var synthesis: DenoiseSynthesis?
    @OptionGroup var inputOptions: InputOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var batchOptions: BatchOptions

    func validate() throws {
        guard (0...1).contains(strength) else { throw ValidationError("--strength must be in 0...1") }
        if isDirectory(input) {
            guard output != nil, output != "-" else { throw ValidationError("a directory input needs -o OUTDIR") }
            guard maskOut == nil else { throw ValidationError("--mask-out takes a single input file") }
            guard plot == nil else { throw ValidationError("--plot takes a single input file") }
        }
        if plot != nil, input == "-" || output == "-" { throw ValidationError("--plot needs a file input and a file output, not a stream") }
    }

    func run() throws {
        try reportingErrors {
            let model = try modelOptions.load()
            var options = DenoiseOptions()
            options.strength = strength
            options.context = modelOptions.context(for: model)
            options.synthesis = synthesis
            if isDirectory(input) {
                try runBatch(model: model, options: options)
                return
            }
            let out = output ?? defaultOutput()
            // Only a regular file may be opened twice: a FIFO or stdin is read once, by the denoiser.
            let info = isRegularFile(input) ? try AudioFileReader.probe(path: input, raw: inputOptions.rawFormat) : nil
            let choice = format ?? OutputFormatChoice.implied(by: out)
            options.format = info.map { choice.resolve(input: $0) } ?? choice.resolve(input: AudioInfo(format: "WAV", subtype: "PCM_16", sampleRate: 16000, channels: 1, frames: nil))
            options.maskPath = maskOut
            if input == "-" || out == "-" { options.chunkFrames = 160 }  // low latency on streams
            try Denoiser(model: model).run(input: input, raw: inputOptions.rawFormat, output: out, options: options)
            if let plot {
                let before = try readMono16k(path: input, raw: inputOptions.rawFormat)
                let after = try readMono16k(path: out)
                let name = URL(fileURLWithPath: input).lastPathComponent
                let canvas = try QuickPlots.beforeAfter(input: before, output: after, config: model.config, name: name)
                try PartialFiles.writeAtomically(try PNG.encode(canvas, name: plot), to: plot)
            }
        }
    }

    private func defaultOutput() -> String {
        if input == "-" { return "-" }
        let url = URL(fileURLWithPath: input)
        let ext = (format ?? OutputFormatChoice.implied(by: input)).fileExtension
        return url.deletingPathExtension().path + ".denoised." + ext
    }

    private func runBatch(model: AttendModel, options: DenoiseOptions) throws {
        let root = URL(fileURLWithPath: input), outRoot = URL(fileURLWithPath: output!)
        let runner = try BatchRunner(inputRoot: root, outputRoot: outRoot, shard: try batchOptions.resolvedShard()) { rel in
            let choice = format ?? OutputFormatChoice.implied(by: rel)
            return (rel as NSString).deletingPathExtension + "." + choice.fileExtension
        }
        runner.overwrite = batchOptions.overwrite
        let denoiser = Denoiser(model: model)
        let summary = try runner.run(progress: BatchProgress()) { item in
            var o = options
            let info = try AudioFileReader.probe(path: item.input.path)
            o.format = (format ?? OutputFormatChoice.implied(by: item.relativeInput)).resolve(input: info)
            return try denoiser.run(input: item.input.path, output: item.output.path, options: o).duration
        }
        try finishBatch(summary)
    }
}
