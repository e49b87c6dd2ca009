import Alignment
import AudioIO
import Foundation
import NeuralEngine
import SpeechModels

/// Whether and how `attend align` (and `attend spot`) read the denoised audio.
public enum DenoiseMode: String, Sendable, CaseIterable {
    /// `blend` when the model's mask says the audio is noisy (energy-weighted mean mask < 0.6),
    /// else `off`.
    case auto
    /// Read only the denoised audio.
    case on
    /// Read only the audio as it is.
    case off
    /// Read both: the phone head's log posteriors of the audio and of its denoised version,
    /// averaged frame by frame (and renormalised). The two readings err in different places, so
    /// together they place words in noise better than either alone (`AlignOptions.denoise`).
    case blend
}

/// Options of an alignment.
public struct AlignOptions: Sendable {
    /// Attention context; nil = `Aligner.defaultContext` (128-frame chunks with 128 frames of left
    /// context, or the whole file for a model not trained on chunks).
    public var context: ChunkedContext?
    /// How the denoised audio is read (`DenoiseMode`). Re-encoding only the model's own denoised
    /// output (`on`) loses more than it gains, since the phone head was trained on noisy audio:
    /// % of boundaries within 50 ms on the validation voices (`python3 Training/align_val.py
    /// --denoise M`), clean / 5 dB / 0 dB, attend-deep stage H3 (2026-12-05): off 94.1/89.0/83.1,
    /// replace when noisy 94.1/87.8/83.0. Blending the two readings helps where the noise sounds
    /// like speech; FV3 (the default model since 2026-12-07), 2026-12-07: validation noise off
    /// 95.2/85.5/81.8, blend 95.9/85.2/81.5, auto 95.2/85.0/81.6; babble and crowd noise only
    /// (`--noise babble,crowd`) off 95.2/80.2/64.5, blend 95.9/81.0/67.2, auto 95.2/81.1/67.2;
    /// the benchmark's crowd noise (reserved audio, exact / silver references, 5 and 0 dB) off
    /// 84.0/78.2, 76.7/69.4, auto 86.3/79.0, 78.8/70.8. `auto` is the default: clean audio costs
    /// one encoder pass as before, noisy audio three (encode, denoise, encode).
    public var denoise: DenoiseMode = .auto
    /// Weight of the phone head's log posterior (over its prior) in the token scores (`TokenScoring`).
    public var priorWeight: Float = 1
    /// Beam of the monotonic search in log-score units (hidden CLI option `--beam`, 0 = exact);
    /// nil = exact. The beam bounds memory on long files: an exact search holds every partial
    /// path until the end (a 9.3-minute reading at 0 dB: exact 14.8 s, 1.19 GB; beam 1000 9.2 s,
    /// 267 MB; beam 200 8.1 s, 267 MB). A narrow beam loses the right path through long noisy
    /// pauses: minute-long validation readings (`python3 Training/align_val.py --long 8 --beam B`,
    /// 2026-12-05, % of boundaries within 50 ms clean / 5 dB / 0 dB): beam 200 93.0/82.1/73.1,
    /// 400, 1000 and exact 93.0/84.8/80.6; the short validation utterances are the same at 200
    /// and 1000 (93.2/86.1/82.4).
    public var beam: Float? = 1000
    /// Fewest frames a phone token covers (silence between words may still be skipped); 1 when
    /// the transcript's phones would not fit the audio at this minimum. 4 (40 ms) was chosen on
    /// the validation voices (`Training/align_val.py --min-phone-frames D`, 2026-12-05; % of
    /// boundaries within 50 ms clean / 5 dB / 0 dB): 1: 90.2/79.2/71.8, 2: 90.6/81.2/73.2,
    /// 3: 91.9/83.4/75.7, 4: 92.4/84.2/79.2, 5: 93.4/86.0/83.7, 6: 87.7/81.3/78.6. 5 scored
    /// higher, but synthetic voices hold phones longer than fast natural speech, where 50 ms
    /// would squeeze real phones: 4 is the hedge. `slowSpeechPhoneFrames` raises it where the
    /// speech allows.
    public var minPhoneFrames = 4
    /// Slow speech, a second search: when the first search's phones average
    /// `Aligner.slowSpeechMeanFrames` frames or more, the file is searched again with phones held
    /// this many frames (nil: never). On the validation voices (`Training/align_val.py [--tempo
    /// 1.3] [--min-phone-frames D]`, 2026-12-07, % within 50 ms clean / 5 dB / 0 dB), as spoken:
    /// 4 frames 96.1 / 85.5 / 83.8, 5 frames 96.7 / 87.4 / 85.9, **4 then 5 when slow 96.8 / 86.7 /
    /// 85.3**; spoken 1.3 times faster (sox tempo): 4 frames 97.7 / 91.6 / 86.8, 5 frames 87.7 /
    /// 82.4 / 80.5 (fast phones squeezed), **4 then 5 when slow 97.9 / 92.4 / 87.5**. The
    /// benchmark's sets (`python -m bench.worker align attend ...`): exact 95.3 / 86.8 / 80.8 ->
    /// 96.6 / 88.8 / 82.3, silver 89.6 / 77.7 / 72.1 -> 90.4 / 78.5 / 74.0; their clean recordings
    /// 1.3 times faster exact 96.6 and silver 91.0 either way (5 frames: 94.1, 87.7). Live streams
    /// search once, with `minPhoneFrames`.
    public var slowSpeechPhoneFrames: Int? = 5
    /// Exponent of the training prior the phone posteriors are divided by (`TokenScoring`;
    /// hidden CLI option `--prior-scale`). On the validation voices (`Training/align_val.py
    /// [--stream] --prior-scale S`, 2026-12-05; % within 50 ms clean / 5 dB / 0 dB): 1: file
    /// 92.4/84.2/79.2, stream 92.6/75.7/76.0; 0.75: file 91.9/84.5/80.0, stream 91.7/80.6/74.2;
    /// 0.5: file 90.8/83.3/77.7, stream 90.9/81.6/72.2. The differences are about one utterance's
    /// worth (37 boundaries = 3 points), so the plain scaled likelihood (1) stays.
    public var priorScale: Float = 1
    /// A word's last phone, when it is a stop (P T K B D G), covers at most this many frames more
    /// than `minPhoneFrames` (3 ... 7; nil: no bound), so the stop cannot hold the pause after
    /// its word: the phone head hears a closure in the silence after "snake" or "walk" much as in
    /// the stop itself, and unbounded the stop ran 80-115 ms into the pause. Not applied for a
    /// model whose aligner head scores the tokens. Measured (attend-deep FV3, 2026-12-07, % of
    /// word boundaries within 50 ms clean / 5 dB / 0 dB, with `slowSpeechFinalStopExtraFrames`):
    /// validation voices (`python3 Training/align_val.py`) none 97.7 / 89.8 / 86.8, 3 or 4 frames
    /// 97.9 / 90.3 / 87.0; the benchmark's sets (`python -m bench.worker align attend ...` from
    /// `Benchmarks/`) exact none 97.5 / 89.6 / 82.6, 3: 98.1 / 89.8 / 82.9, **4: 98.0 / 89.8 /
    /// 82.9**, 5: 97.8 / 89.8 / 82.8, silver none 90.4 / 80.0 / 74.6, 4: 90.2 / 80.2 / 74.2.
    /// A uniform penalty on stops instead (their prior raised by 0.5 / 1 / 2) shortened
    /// word-initial stops too: exact clean 97.5 / 97.3 / 96.0.
    public var finalStopExtraFrames: Int? = 4
    /// `finalStopExtraFrames` in the slow-speech search (`slowSpeechPhoneFrames`). The benchmark's
    /// silver set (a slow sonnet reading) with 4 extra frames in the first search: 4: 89.8 / 80.2 /
    /// 74.0, 5: 89.8 / 80.2 / 74.2, **6: 90.2 / 80.2 / 74.2**, 7: 90.2 / 80.6 / 74.2 (exact 97.9,
    /// 97.9, 98.0, 98.0 clean).
    public var slowSpeechFinalStopExtraFrames = 6

    public init() {}

    /// These options for the slow-speech search: phones held `phoneFrames` frames and, when
    /// word-final stops are bounded at all, by `slowSpeechFinalStopExtraFrames`.
    func slowSearch(phoneFrames: Int) -> AlignOptions {
        var again = self
        again.minPhoneFrames = phoneFrames
        if finalStopExtraFrames != nil { again.finalStopExtraFrames = slowSpeechFinalStopExtraFrames }
        return again
    }
}

/// Aligns a transcript to speech: word and phone start/end times with a confidence per word.
///
/// Scores per frame t and token n come from the model's aligner head and phone head
/// (`TokenScoring`, as Training/attend/losses.py `token_scores`), decoded by the monotonic DP row by row (the
/// (frames × tokens) matrix is never held). Confidence of a word: the phone head's mean
/// posterior of its phones over the frames the path gives them.
public struct Aligner: Sendable {
    public let model: AttendModel
    public let phonemizer: Phonemizer

    public init(model: AttendModel, phonemizer: Phonemizer) {
        self.model = model
        self.phonemizer = phonemizer
    }

    /// The context used by default for aligning files: attention chunks of 128 frames with 128
    /// frames of left context for a model trained on chunks (nil, the whole file, for one that
    /// was not). Chunks 4x wider than denoising's `ModelConfig.offlineContext` (32 / 128) and
    /// than the training drew (up to 32): a frame sees more of the speech after it, and the phone
    /// head tells the target voice from babble before it starts. The right context is what counts,
    /// not the left. % of boundaries within 50 ms on the validation voices (`python3
    /// Training/align_val.py [--noise babble,crowd] --chunk-frames C --left-frames L --denoise M`,
    /// FV3, 2026-12-07), validation noise / babble and crowd, clean / 5 dB / 0 dB. Off: 32 / 128
    /// 95.2/85.5/81.8, 95.2/80.2/64.5; 64 / 256 95.3/86.4/83.5, 95.3/83.2/66.1; 128 / 256
    /// 95.6/85.6/83.7, 95.6/82.1/67.5; 256 / 512 95.4/85.8/83.2, 95.4/82.0/67.6; the whole file
    /// 95.8/85.8/83.2, 95.8/83.0/66.8. Auto (blend when noisy): 32 / 128 95.2/85.0/81.6,
    /// 95.2/81.1/67.2; 128 / 64 95.7/86.3/83.4, 95.7/83.3/69.3; 128 / 128 96.1/85.5/83.8,
    /// 96.1/82.9/68.6; 128 / 256 95.6/85.4/83.1, 95.6/83.5/68.0. CPU time on a clean 54 s
    /// recording: 1.03 s at 32 / 128, 1.23 s at 128 / 128, 1.53 s at 128 / 256.
    public var defaultContext: ChunkedContext? {
        let config = model.config
        guard config.chunkSize > 0 else { return nil }
        return ChunkedContext(chunkSize: max(config.chunkSize, 128), leftContext: config.leftContext > 0 ? max(config.leftContext, 128) : nil)
    }

    /// Aligns the audio file (or "-") with `transcript`.
    public func align(file: String, raw: RawPCMFormat? = nil, transcript: Transcript, options: AlignOptions = AlignOptions()) throws -> AlignmentResult {
        let reader = try AudioFileReader(path: file, raw: raw, rejectNonFinite: true)
        let stream = try MonoStream(reader: reader, sampleRate: model.config.sampleRate)
        var samples: [Float] = []
        while let chunk = try stream.next() { samples += chunk }
        return try align(samples: samples, audioName: file, transcript: transcript, options: options)
    }

    /// Aligns 16 kHz mono `samples`.
    public func align(samples: [Float], audioName: String, transcript: Transcript, options: AlignOptions = AlignOptions()) throws -> AlignmentResult {
        let duration = Double(samples.count) / Double(model.config.sampleRate)
        let (hidden, clean, tokens) = try prepare(samples: samples, transcript: transcript, options: options) { try denoised(samples) }
        let aligned = try decode(hidden: hidden, denoised: clean, tokens: tokens, options: options)
        return result(aligned: aligned.tokens, posteriors: aligned.posteriors, tokens: tokens, transcript: transcript,
                      audioName: audioName, duration: duration)
    }

    /// The encoder frames and tokens an alignment decodes: the audio is encoded, and `clean()`
    /// encoded too when `options.denoise` asks for it (`readings`); word-level tokens when the
    /// phones would not fit the frames. `encoded`, when given, is `samples` already encoded with
    /// the alignment's context.
    func prepare(samples: [Float], transcript: Transcript, options: AlignOptions, encoded: Tensor? = nil,
                 clean: () throws -> [Float]) throws -> (hidden: Tensor, denoised: Tensor?, tokens: AlignmentTokens) {
        let context = options.context ?? defaultContext
        let (hidden, denoised) = try readings(samples: samples, mode: options.denoise, context: context, encoded: encoded, clean: clean)
        var tokens = AlignmentTokens(transcript: transcript, config: model.config, options: options)
        if tokens.skippable.filter({ !$0 }).count > hidden.shape[0] {
            tokens = AlignmentTokens(transcript: transcript, config: model.config, wordLevel: true)
        }
        return (hidden, denoised, tokens)
    }

    /// The encodings `mode` reads: `hidden` (the audio, or for `on` its denoised version) and,
    /// when blending, `denoised` (the denoised version, read beside `hidden`).
    func readings(samples: [Float], mode: DenoiseMode, context: ChunkedContext?, encoded: Tensor? = nil,
                  clean: () throws -> [Float]) throws -> (hidden: Tensor, denoised: Tensor?) {
        switch mode {
        case .on: return (encode(try clean(), context: context), nil)  // the audio itself is not read
        case .off: return (encoded ?? encode(samples, context: context), nil)
        case .blend: return (encoded ?? encode(samples, context: context), encode(try clean(), context: context))
        case .auto:
            let input = features(of: samples)  // once, for the encoder and the noisiness check
            let hidden = encoded ?? EncoderSession(model: model, context: context).encodeToEnd(input)
            guard meanSpeechMask(hidden: hidden, samples: samples, features: input) < 0.6 else { return (hidden, nil) }
            return (hidden, encode(try clean(), context: context))
        }
    }

    /// The phone head's log posteriors `(frames, nPhones)` of `hidden`, averaged with those of
    /// `denoised` (the same frames) and renormalised when it is given.
    func phoneLogPosteriors(hidden: Tensor, denoised: Tensor?) -> Tensor {
        var logPost = model.phoneLogits(hidden)
        TokenScoring.logSoftmaxRows(&logPost)
        guard let denoised else { return logPost }
        precondition(denoised.shape[0] == hidden.shape[0], "Aligner: the two readings differ in length")
        var other = model.phoneLogits(denoised)
        TokenScoring.logSoftmaxRows(&other)
        let count = logPost.count
        logPost.withMutablePointer { lp in
            other.withPointer { op in for i in 0..<count { lp[i] = 0.5 * (lp[i] + op[i]) } }
        }
        TokenScoring.logSoftmaxRows(&logPost)
        return logPost
    }

    func encode(_ samples: [Float], context: ChunkedContext?) -> Tensor {
        EncoderSession(model: model, context: context).encodeToEnd(features(of: samples))
    }

    /// The model's input features of `samples`, `(frames, nBins)`.
    func features(of samples: [Float]) -> Tensor {
        let features = (try! FrontEnd(config: model.config)).features(of: samples)  // the config was validated on load
        return Tensor(shape: [features.count / model.config.nBins, model.config.nBins], data: features)
    }

    /// Mean mask over frames, weighted by each frame's energy: near 1 for clean speech, low when
    /// the model would remove much of what is loud.
    /// The mask is computed `block` frames at a time with one workspace (the decoder's running
    /// state carries over, so the values are those of one pass): the decoder's intermediate
    /// tensors over a whole file would take hundreds of MB (a 54 s file: 665 MB peak and 0.9 s of
    /// system time, against 113 MB in blocks).
    /// `features`, when given, are those of `samples` (computed otherwise).
    func meanSpeechMask(hidden: Tensor, samples: [Float], features given: Tensor? = nil, block: Int = 512) -> Float {
        let input = given ?? features(of: samples)
        let bins = model.config.nBins, frames = hidden.shape[0], hop = model.config.hop, width = hidden.shape[1]
        let workspace = MaskWorkspace()
        var mask = Tensor(zeros: [0])
        var total = 0.0, weight = 0.0
        var start = 0
        while start < frames {
            let end = min(frames, start + block)
            let rows = Tensor(shape: [end - start, width], data: Array(hidden.data[(start * width)..<(end * width)]))
            let feats = Tensor(shape: [end - start, bins], data: Array(input.data[(start * bins)..<(end * bins)]))
            model.mask(rows, features: feats, into: &mask, workspace: workspace)
            for t in start..<end {
                var energy = 0.0
                let lo = max(0, t * hop - hop), hi = min(samples.count, t * hop + hop)
                if lo < hi { for i in lo..<hi { energy += Double(samples[i]) * Double(samples[i]) } }
                var s: Float = 0
                let row = (t - start) * bins
                for k in 0..<bins { s += mask.data[row + k] }
                total += energy * Double(s / Float(bins))
                weight += energy
            }
            start = end
        }
        return weight > 0 ? Float(total / weight) : 1
    }

    /// The samples denoised as `attend denoise` does a file: the offline context and the
    /// overlap-add resynthesis (latency does not matter here).
    /// `encoded`, when given, sees each block of frames the stream encodes.
    func denoised(_ samples: [Float], encoded: ((Tensor) -> Void)? = nil) throws -> [Float] {
        let stream = try DenoiseStream(model: model, context: model.config.offlineContext, synthesis: .overlapAdd,
                                       encodeBlock: DenoiseStream.offlineEncodeBlock)
        if let encoded { stream.hiddenHandler = { encoded($0) } }
        var out: [Float] = []
        out.reserveCapacity(samples.count)
        try samples.withUnsafeBufferPointer { try stream.push($0) { out += $0 } }  // in blocks (DenoiseStream.pushBlock)
        try stream.finish { out += $0 }
        return out
    }

    struct Decoded {
        var tokens: [AlignedToken]
        /// Phone-head posterior of each token's phone at each frame it covers, summed per token.
        var posteriors: [Double]
    }

    /// Decodes `hidden` (with the phone head's reading of `denoised` blended in when given).
    func decode(hidden: Tensor, denoised: Tensor? = nil, tokens: AlignmentTokens, options: AlignOptions) throws -> Decoded {
        let logPost = phoneLogPosteriors(hidden: hidden, denoised: denoised)  // (T, P)
        func search(_ options: AlignOptions) throws -> Decoded {
            do {
                return try decode(hidden: hidden, logPost: logPost, tokens: tokens, options: options, beam: options.beam)
            } catch AlignmentError.noPathWithinBeam {
                return try decode(hidden: hidden, logPost: logPost, tokens: tokens, options: options, beam: nil)  // exact search
            }
        }
        let first = try search(options)
        guard let slow = options.slowSpeechPhoneFrames, slow > options.minPhoneFrames,
              Self.meanPhoneFrames(first.tokens, tokens) >= Self.slowSpeechMeanFrames else { return first }
        return try search(options.slowSearch(phoneFrames: slow))
    }

    /// Mean frames of a first search's phones at or above which the speech counts as slow
    /// (`AlignOptions.slowSpeechPhoneFrames`): 7.6 frames (76 ms), between the validation voices as
    /// spoken (first-search means 5.0-13.3 frames, median 8.2, over clean, 5 and 0 dB) and 1.3 times
    /// faster (4.0-11.0, median 6.4).
    public static let slowSpeechMeanFrames = 7.6

    /// Mean frames of the words' phones a search placed (pauses and skipped tokens left out).
    static func meanPhoneFrames(_ aligned: [AlignedToken], _ tokens: AlignmentTokens) -> Double {
        var frames = 0, count = 0
        for t in aligned where !t.isSkipped && tokens.word[t.token] != nil {
            frames += t.frameCount
            if tokens.extraLength[t.token] == nil { count += 1 }  // a lengthened phone counts once
        }
        return count > 0 ? Double(frames) / Double(count) : 0
    }

    private func decode(hidden: Tensor, logPost: Tensor, tokens: AlignmentTokens, options: AlignOptions, beam: Float?) throws -> Decoded {
        let frames = hidden.shape[0], n = tokens.count
        let scoring = TokenScoring(config: model.config, posteriorWeight: options.priorWeight, priorScale: options.priorScale)
        let scores = scoring.usesAlignerHead ? model.alignScores(hidden: hidden, phones: tokens.phones) : nil  // (N, T)
        let p = model.config.nPhones
        var aligner = try IncrementalAligner(constraints: tokens.constraints(options: options, frames: frames), beam: beam)
        var row: [Float] = []
        var settled: [AlignedToken] = []
        for t in 0..<frames {
            settled += try scoring.push(frame: t, frameCount: frames, to: &aligner, row: &row, phones: tokens.phones,
                                        alignScores: scores, logPosterior: logPost.data, offset: t * p)
        }
        settled += try aligner.finish()
        var sums = [Double](repeating: 0, count: n)
        for token in settled {
            for f in token.start..<token.end { sums[token.token] += Double(expf(logPost.data[f * p + tokens.phones[token.token]])) }
        }
        return Decoded(tokens: settled, posteriors: sums)
    }

    func result(aligned: [AlignedToken], posteriors: [Double], tokens: AlignmentTokens, transcript: Transcript,
                audioName: String, duration: Double) -> AlignmentResult {
        let frameSeconds = Double(model.config.hop) / Double(model.config.sampleRate)
        func time(_ frame: Int) -> Double { min(max((Double(frame) - 0.5) * frameSeconds, 0), duration) }
        var words: [WordTiming] = transcript.words.map { WordTiming(word: $0.text, start: 0, end: 0, confidence: 0) }
        var frameCount = [Int](repeating: 0, count: words.count)
        var posterior = [Double](repeating: 0, count: words.count)
        var seen = [Bool](repeating: false, count: words.count)
        for token in aligned.sorted(by: { $0.token < $1.token }) where !token.isSkipped {
            guard let w = tokens.word[token.token] else { continue }
            let start = time(token.start), end = time(token.end)
            if !seen[w] { words[w].start = start; seen[w] = true }
            words[w].end = end
            tokens.addPhone(of: token.token, start: start, end: end, to: &words[w])
            frameCount[w] += token.frameCount
            posterior[w] += posteriors[token.token]
        }
        for w in words.indices {
            words[w].confidence = frameCount[w] > 0 ? min(1, max(0, posterior[w] / Double(frameCount[w]))) : 0
            if transcript.words[w].phones.isEmpty { words[w].phones = [] }
        }
        return AlignmentResult(audio: audioName, duration: duration, words: words)
    }
}
