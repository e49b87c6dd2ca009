import ArgumentParser
import Attend
import Foundation

extension FeatureKind: ExpressibleByArgument {}

struct Features: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write spectral features as a float32 .npy of shape (frames, bins).",
        discussion: """
        The audio is first mixed down to mono and resampled to 16 kHz (libsoxr, high quality).
        Conventions, as librosa with its defaults:
          STFT    n_fft-point periodic Hann window, hop --hop, center=True with n_fft/2 zeros of
                  padding at both ends (librosa pad_mode="constant"); frame t is centred on sample
                  t*hop; frames = 1 + samples // hop. Unnormalised FFT magnitudes.
          bins    n_fft/2+1 linear bins, or --mels bands: Slaney mel scale with Slaney area
                  normalisation from 0 Hz to 8 kHz (librosa.filters.mel, htk=False, norm="slaney").
          kinds   magnitude |X|, power |X|^2, compressed |X|^0.3 (each through the mel bank when
                  --mels is given), logmel ln(mel power + 1e-6) with 80 mels unless --mels says.
        --kind power --mels 80 equals librosa.feature.melspectrogram(y=y, sr=16000, n_fft=512,
        hop_length=160, n_mels=80).T on the 16 kHz audio.
        Memory stays bounded: the file is read and written in chunks.
        """
    )
    @Argument(help: "Audio file, or - for stdin.") var input: String
    @Option(help: "What to compute.") var kind: FeatureKind = .logmel
    @Option(help: "Mel bands (default: 80 for logmel, linear bins otherwise).") var mels: Int?
    @Option(name: .customLong("n-fft"), help: "FFT size.") var nFFT = 512
    @Option(help: "Hop in samples at 16 kHz.") var hop = 160
    @Option(name: .shortAndLong, help: "Output .npy path.") var output: String
    @OptionGroup var inputOptions: InputOptions

    func validate() throws {
        guard nFFT >= 16, nFFT <= 65536 else { throw ValidationError("--n-fft must be in 16...65536") }
        guard hop >= 1, hop <= nFFT else { throw ValidationError("--hop must be in 1...n-fft") }
        if let mels { guard mels >= 1, mels <= nFFT / 2 + 1 else { throw ValidationError("--mels must be in 1...\(nFFT / 2 + 1)") } }
        guard output != "-" else { throw ValidationError("-o must name a file (.npy needs a seekable output)") }
    }

    func run() throws {
        try reportingErrors {
            let extractor = try FeatureExtractor(FeatureConfiguration(kind: kind, mels: mels, nFFT: nFFT, hop: hop))
            let reader = try AudioFileReader(path: input, raw: inputOptions.rawFormat, rejectNonFinite: true)
            let stream = try MonoStream(reader: reader)
            let writer = try NPYStreamWriter(path: output, columns: extractor.bins)
            var failure: Error?
            let emit: (UnsafeBufferPointer<Float>) -> Void = { row in
                guard failure == nil else { return }
                do { try writer.append(row) } catch { failure = error }
            }
            while let chunk = try stream.next() {
                chunk.withUnsafeBufferPointer { extractor.push($0, emit: emit) }
                if let failure { throw failure }
            }
            extractor.finish(emit: emit)
            if let failure { throw failure }
            try writer.finish()
        }
    }
}

/// Runs `body`; an error becomes one line `attend: error: …` on stderr and exit status 1.
func reportingErrors(_ body: () throws -> Void) throws {
    Interrupts.install()
    do { try body() } catch let exit as ExitCode { throw exit } catch let error as ValidationError { throw error } catch {
        FileHandle.standardError.write(Data("attend: error: \(oneLine(error))\n".utf8))
        throw ExitCode.failure
    }
}
