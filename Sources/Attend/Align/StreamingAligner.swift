import Alignment
import Foundation
import NeuralEngine
import SpeechModels

/// Follows a live stream against a known transcript (teleprompter, live captions): push 16 kHz
/// samples as they arrive; each word comes back as soon as its timing is settled, that is, once
/// every surviving path of the beam-pruned monotonic search agrees on it, or when the decision
/// lag forces it (0.7 s after its end, up to 5 s while near-best paths disagree).
///
/// Memory is bounded by the unsettled span (plus the transcript), not the stream's length.
public final class StreamingAligner {
    public let aligner: Aligner
    public let transcript: Transcript
    private let model: AttendModel
    private let tokens: AlignmentTokens
    /// Aligner-head queries of every token; nil when the scores do not use the aligner head
    /// (`align_weight` 0): they are (tokens × d_align) floats, gigabytes for a book-length transcript.
    private let queries: Tensor?
    private let frontEnd: FrontEnd
    private let session: EncoderSession
    /// What the search reads (`AlignOptions.denoise`): the audio, its denoised version, or both.
    public let denoise: DenoiseMode
    /// The denoised reading (`denoise` other than `.off`): the live denoiser (`attend denoise`'s
    /// stream: its own 20 ms chunks, low-latency resynthesis), its output's features and a second
    /// encoder session with the same context as the first.
    private let denoiser: DenoiseStream?
    private let denoisedFrontEnd: FrontEnd?
    private let denoisedSession: EncoderSession?
    private var denoisedFeatures: [Float] = []
    /// Hidden frames of each reading not yet scored (flat, dModel per frame): the two readings
    /// come out of their encoders at different times.
    private var hiddenQueue: [Float] = [], denoisedQueue: [Float] = []
    /// Frames scored so far, and the frame index of `denoisedQueue`'s first frame.
    private var framesScored = 0, denoisedStart = 0
    /// For `.auto`: each frame's energy (from the STFT) until the denoiser's mask of that frame
    /// arrives, and the energy-weighted sums of the masks' means so far.
    private var energies: [Double] = []
    private var maskTotal = 0.0, maskWeight = 0.0
    private var search: IncrementalAligner
    private let scoring: TokenScoring
    private var features: [Float] = []
    /// Scratch: one frame's scores for the search.
    private var row: [Float] = []
    private var frames = 0
    /// Phone-head log posteriors of frames from `firstKeptFrame` on (for confidences).
    private var logPost: [Float] = []
    private var firstKeptFrame = 0
    /// Posterior sum of the token the search has settled inside (`IncrementalAligner.settledToken`)
    /// over its frames before `next`; their rows of `logPost` can go.
    private var held = (token: -1, next: 0, sum: 0.0)
    private var lastEmittedToken = -1
    /// Sums of tokens the search held before `held`, emitted in the batch being scored.
    private var heldBefore: [Int: (next: Int, sum: Double)] = [:]
    private var samplesIn = 0
    // per word: phone tokens left to settle, frames, posterior sum, timings
    private var remaining: [Int]
    private var words: [WordTiming]
    private var frameCounts: [Int]
    private var posteriorSums: [Double]
    private var nextWord = 0
    private var settledUpTo = 0

    /// - Parameters:
    ///   - options: the file aligner's options this search shares: attention context (a finite
    ///     left context; default `defaultContext`), `minPhoneFrames`, `priorWeight`,
    ///     `priorScale`. Its `beam` and `denoise` do not apply (see `beam` and `denoise`).
    ///   - denoise: what the search reads. `.off` (the default): the audio. `.blend`: also its
    ///     live-denoised version (`attend denoise`'s stream), the two phone posteriors mixed as the
    ///     file pass mixes them; `.auto`: blend while the denoiser's masks so far say the stream is
    ///     noisy (the file pass's test, over the stream up to now); `.on`: the denoised version
    ///     alone. Reading the denoised version costs about three times the CPU (the denoiser and a
    ///     second encoder) and, while blending, up to one read more of latency. Not the default:
    ///     the live denoiser's 20 ms chunks denoise less well than the file pass's, and the blend
    ///     helps at 5 dB but not at 0 dB (`Training/align_val.py --stream --denoise auto`,
    ///     2026-12-07, % within 50 ms at 5 / 0 dB: 85.2 / 80.6 against 84.3 / 82.0 off; babble and
    ///     crowd noise only 79.0 / 63.3 against 79.5 / 65.9; the benchmark's exact set 86.9 / 76.5
    ///     against 83.3 / 75.9, its real recordings 76.5 / 68.5 against 77.5 / 70.8).
    ///   - beam: pruning beam of the search in log-score units: smaller settles words sooner.
    ///   - decisionLag: seconds of audio after a phone's end the search may wait for its paths to
    ///     agree before it takes the best one (`IncrementalAligner.maxLag`); nil waits however
    ///     long it takes (exact, but a word can come out seconds late and memory follows the lag).
    ///   - decisionInterval: seconds between fixed-lag decisions while the search lags (nil: a
    ///     quarter of the lag). A word comes out at most lag + interval + one attention chunk after
    ///     its end.
    ///   - decisionMargin: the fixed-lag decision follows the least advanced partial path within
    ///     this many log-score units of the best (`IncrementalAligner.lagMargin`).
    ///   - maxDecisionLag: adaptive lag (`IncrementalAligner.maxHold`): while partial paths within
    ///     `holdMargin` of the best disagree on the token at the decision's cut, the cut moves back
    ///     to where they agree, and the decision waits up to this many seconds (nil: a fixed lag).
    public init(aligner: Aligner, transcript: Transcript, options: AlignOptions = AlignOptions(),
                beam: Float = StreamingAligner.defaultBeam, decisionLag: Double? = StreamingAligner.defaultDecisionLag,
                decisionInterval: Double? = StreamingAligner.defaultDecisionInterval,
                decisionMargin: Float = StreamingAligner.decisionMargin,
                maxDecisionLag: Double? = StreamingAligner.defaultMaxDecisionLag,
                holdMargin: Float = StreamingAligner.defaultHoldMargin, denoise: DenoiseMode = .off) throws {
        self.aligner = aligner
        self.transcript = transcript
        model = aligner.model
        tokens = AlignmentTokens(transcript: transcript, config: model.config, options: options)
        frontEnd = try FrontEnd(config: model.config)
        let ctx = options.context ?? Self.defaultContext
        precondition(ctx.leftContext != nil, "StreamingAligner: the context needs a finite left context")
        session = EncoderSession(model: model, context: ctx)
        self.denoise = denoise
        if denoise != .off {
            let stream = try DenoiseStream(model: model, context: model.config.defaultContext, synthesis: .lowLatency)
            denoiser = stream
            denoisedFrontEnd = try FrontEnd(config: model.config)
            denoisedSession = EncoderSession(model: model, context: ctx)
        } else {
            denoiser = nil
            denoisedFrontEnd = nil
            denoisedSession = nil
        }
        let frameRate = Double(model.config.sampleRate) / Double(model.config.hop)
        func frames(_ seconds: Double) -> Int { max(1, Int((seconds * frameRate).rounded())) }
        let lagFrames = decisionLag.map(frames)
        search = try IncrementalAligner(constraints: tokens.constraints(options: options, frames: nil), beam: beam,
                                        maxLag: lagFrames, lagMargin: decisionMargin,
                                        decisionInterval: decisionInterval.map(frames),
                                        maxHold: lagFrames.flatMap { lag in maxDecisionLag.map { max(lag, frames($0)) } },
                                        holdMargin: holdMargin)
        scoring = TokenScoring(config: model.config, posteriorWeight: options.priorWeight, priorScale: options.priorScale)
        queries = scoring.usesAlignerHead ? model.textQueries(tokens.phones) : nil
        remaining = [Int](repeating: 0, count: transcript.words.count)
        for w in tokens.word { if let w { remaining[w] += 1 } }
        words = transcript.words.map { WordTiming(word: $0.text, start: 0, end: 0, confidence: 0) }
        frameCounts = [Int](repeating: 0, count: words.count)
        posteriorSums = [Double](repeating: 0, count: words.count)
        if denoise == .auto {
            denoiser?.maskHandler = { [unowned self] mask in self.noteMask(mask) }
        }
    }

    /// `.auto` blends while the energy-weighted mean of the denoiser's masks so far is below
    /// this (the file pass's test, `Aligner.meanSpeechMask`, over the stream up to now).
    public static let noisyMask: Float = 0.6

    /// Whether the stream reads as noisy so far (`.auto`): every frame is scored with the
    /// verdict of its moment.
    public var readsNoisy: Bool { maskWeight > 0 && Float(maskTotal / maskWeight) < Self.noisyMask }

    private func noteMask(_ mask: UnsafeBufferPointer<Float>) {
        guard !energies.isEmpty else { return }
        let energy = energies.removeFirst()
        var s: Float = 0
        for v in mask { s += v }
        maskTotal += energy * Double(s / Float(max(mask.count, 1)))
        maskWeight += energy
    }

    /// The default settings, chosen together on the validation voices so that a word is out
    /// within 1 s of its end: decision lag 0.7 s + a decision every 0.05 s + 8-frame (80 ms)
    /// attention chunks + 50 ms reads and the STFT's 32 ms = 0.91 s at most. % of boundaries
    /// within 50 ms, clean / 5 dB / 0 dB (`python3 Training/align_val.py --stream ...`, 2026-12-05;
    /// the file pass: 92.4/84.2/79.2): lag 0.5 s, chunks 32 / left 128, every lag/4, beam 100 (the
    /// previous defaults) 92.6/75.7/76.0; the same with beam 200 92.6/76.7/74.8; lag 0.6, every
    /// 0.06 s 92.6/79.5/75.1; lag 0.7, chunks 24, every 0.05 s 92.9/80.5/78.0; lag 0.7, chunks 16,
    /// every 0.05 s, beam 200 92.8/80.2/78.5 (left 256: 92.9/79.5/78.6); lag 0.8, chunks 12
    /// 92.4/77.2/79.0; chunks 8, left 128, lag 0.7-0.85 92.3/75.8-76.3/76.5-77.6; **lag 0.7,
    /// chunks 8, left 256, every 0.05 s, beam 200 91.7/80.1/76.6** (left 384: 91.9/79.1/78.6).
    /// The longer left context makes up for the shorter chunks; 80 ms chunks cost about twice
    /// the encoder time of 160 ms ones (still ~30× faster than real time on one core).
    public static let defaultDecisionLag = 0.7

    /// The default `maxDecisionLag` (with `defaultHoldMargin`): in noise a fixed 0.7 s lag can
    /// commit a path that runs ahead of the audio through a pause and never comes back (a 54 s
    /// recording in crowd noise: every word 2-3 s early). Holding the decision while rivals within
    /// 75 log-score units disagree fixes it at little latency. % of boundaries within 50 ms and the
    /// emission latency (p95 of emission less word end), 2026-12-05: validation voices
    /// (`python3 Training/align_val.py --stream`) clean / 5 dB / 0 dB, fixed lag 92.6/81.2/79.0, p95
    /// 0.81/0.83/0.83 s; margin 50, cap 3 s 92.6/82.2/79.1, p95 0.81/0.86/1.34 s; **margin 75, cap 3 s
    /// 92.6/84.1/79.3, p95 0.81/0.99/1.81 s**; margin 100 92.6/84.6/79.3, p95 0.81/1.19/2.12 s;
    /// margin 200 92.6/84.6/79.3, p95 1.13/1.93/2.93 s. The long recording at 5 / 0 dB (the
    /// benchmark's silver set): fixed lag 0.0/0.0, margin 50 59.3/24.5, 60-200 59.3/47.7 (cap 2 s:
    /// 0.0/0.0); the file pass 60.6/49.1. With the stage-G model the same recording at 0 dB needs
    /// a 4 s cap (cap 3 s: 0.0 %, 4 s and 5 s: 54.6 %; 5 dB 63.0 -> 66.7): it opens with a 1.8 s
    /// pause after its first word. The validation voices do not change from 3 s to 4 s (92.4 /
    /// 85.0 / 81.6 %, p95 latency 0.81 / 0.97 / 1.60 s, max 4.02 s). Chosen with that reserved
    /// recording in view; afterwards checked on minute-long validation readings with 0.2-2.5 s
    /// pauses (`python3 Training/align_val.py --long 8 --stream`, clean / 5 / 0 dB, % within 50 ms,
    /// p95 latency at 0 dB): fixed lag 93.2/68.9/60.0 (0.84 s), cap 3 s 93.2/82.0/58.6 (3.05 s),
    /// **4 s 93.2/82.8/63.8 (3.83 s)**, 6 s 93.2/82.8/67.2 (5.08 s); the file pass 93.0/82.1/73.1
    /// at beam 200, 93.0/84.8/80.6 at its beam of 1000 (`AlignOptions.beam`). A longer cap buys
    /// accuracy at 0 dB with latency; 4 s is the compromise. With attend-deep (stage H3, the default
    /// model) the same readings stream at 94.6/84.8/80.1 (p95 latency 0.83/2.34/2.85 s) against the
    /// file pass's 94.8/88.0/82.2: the better phone head needs the hold less. Stage E1 (the default
    /// since 2026-12-06: H3 whose mask decoder reads running means) put the long recording's first
    /// six words inside its opening pause at a 4 s cap (0 dB: 49.1 % against the file's 61.6);
    /// 5 s gives 58.8 (6 and 8 s the same), and on the readings (`--long 8 --stream`, p95 latency
    /// at 0 dB) 4 s 93.7/90.5/81.6 (3.04 s), **5 s 93.7/90.5/81.7 (3.23 s)**, 6 s 93.7/90.5/83.5
    /// (2.85 s) against the file pass's 94.1/91.5/85.1: 5 s is the shortest cap that holds there.
    public static let defaultMaxDecisionLag = 5.0

    /// The default `holdMargin` (see `defaultMaxDecisionLag`).
    public static let defaultHoldMargin: Float = 75

    /// The default `decisionInterval` (see `defaultDecisionLag`).
    public static let defaultDecisionInterval = 0.05

    /// The default attention context of a live stream (see `defaultDecisionLag`): 8-frame chunks
    /// (a frame waits at most 80 ms for its chunk), 256 frames of left context.
    public static let defaultContext = ChunkedContext(chunkSize: 8, leftContext: 256)

    /// A fixed-lag decision follows the least advanced partial path within this many log-score
    /// units of the best. Without minimum phone durations the best partial path runs ahead of the
    /// audio (later phones fit the frames now) and a margin of 30-50 was needed; with phones held
    /// 4 frames (`AlignOptions.minPhoneFrames`) the best path is the right one. Chosen on the
    /// validation voices (`python3 Training/align_val.py --stream --decision-margin M`, 0.5 s lag,
    /// 2026-12-05; % of boundaries within 50 ms clean / 5 dB / 0 dB), 4-frame phones: margin 0:
    /// 92.6/75.7/76.0, 5: 92.2/74.6/74.3, 10: 91.8/73.4/74.6, 20: 91.6/73.8/66.5, 30: 91.4/66.0/61.4,
    /// 40: 90.2/63.2/58.6; 1-frame phones, margin 30: 89.7/70.6/63.3. The file pass: 92.4/84.2/79.2.
    public static let decisionMargin: Float = 0

    /// The default pruning beam of the streaming search (log-score units; see `defaultDecisionLag`).
    public static let defaultBeam: Float = 200

    /// Samples pushed so far, at 16 kHz.
    public var samplesPushed: Int { samplesIn }

    /// Feeds 16 kHz samples; returns the words settled by them, in transcript order.
    public func push(_ samples: [Float]) throws -> [WordTiming] {
        samplesIn += samples.count
        samples.withUnsafeBufferPointer { frontEnd.push($0) { spectrum, f in self.takeFrame(spectrum, f) } }
        if denoise != .on { try queueHidden(session.encode(takeFeatures())) }
        if let denoiser, let denoisedFrontEnd, let denoisedSession {
            try samples.withUnsafeBufferPointer { x in
                try denoiser.push(x) { out in denoisedFrontEnd.push(out) { _, f in self.denoisedFeatures += f } }
            }
            queue(denoisedSession.encode(takeDenoisedFeatures()), into: &denoisedQueue)
        }
        return collect(try consumeQueued(final: false))
    }

    private func takeFrame(_ spectrum: UnsafeBufferPointer<Float>, _ f: [Float]) {
        features += f
        if denoise == .auto {
            var e = 0.0
            for v in spectrum { e += Double(v) * Double(v) }
            energies.append(e)
        }
    }

    private func queue(_ hidden: Tensor, into q: inout [Float]) {
        q += hidden.data[0..<hidden.count]
    }

    private func takeDenoisedFeatures() -> Tensor {
        let bins = model.config.nBins
        let n = denoisedFeatures.count / bins
        defer { denoisedFeatures.removeAll(keepingCapacity: true) }
        return Tensor(shape: [n, bins], data: denoisedFeatures)
    }

    /// Scores the frames the readings in use have reached: blending (`.blend`, or `.auto` while
    /// the stream reads as noisy), the frames both have (at the end, every frame; one only one
    /// reading has is scored from it alone); else the audio's alone, its denoised reading's frames
    /// dropped as they catch up, so a clean stream waits for nothing.
    private func consumeQueued(final: Bool) throws -> [AlignedToken] {
        let d = model.config.dModel
        // Denoised frames the search has already gone past are of no more use.
        let stale = min(denoisedQueue.count / d, max(0, framesScored - denoisedStart))
        if stale > 0 {
            denoisedQueue.removeFirst(stale * d)
            denoisedStart += stale
        }
        let a = hiddenQueue.count / d, b = denoisedQueue.count / d
        let blending = denoise == .blend || (denoise == .auto && readsNoisy)
        let n: Int
        switch denoise {
        case .off: n = a
        case .on: n = b
        case .auto, .blend: n = !blending ? a : final ? max(a, b) : min(a, b)
        }
        guard n > 0 else { return [] }
        func take(_ q: inout [Float], _ k: Int) -> Tensor? {
            let m = min(k, q.count / d)
            guard m > 0 else { return nil }
            defer { q.removeFirst(m * d) }
            return Tensor(shape: [m, d], data: Array(q[0..<(m * d)]))
        }
        let first = denoise == .on ? nil : take(&hiddenQueue, n)
        let second = denoise == .on || blending ? take(&denoisedQueue, n) : nil
        if second != nil { denoisedStart += second!.shape[0] }
        framesScored += n
        return try consumeTokens(of: first, denoised: second, weight: blending ? 0.5 : 0)
    }

    /// Ends the stream; returns every word not yet returned.
    public func finish() throws -> [WordTiming] {
        var all: [WordTiming] = []
        try finish { all += $0 }
        return all
    }

    /// Ends the stream and hands every word not yet returned to `emit`, in order, in batches: when
    /// the stream stops with much of a long transcript left, the words it never reached (each at
    /// the stream's end, confidence 0) go out a few thousand at a time instead of all at once.
    public func finish(emit: ([WordTiming]) throws -> Void) throws {
        frontEnd.finish { spectrum, f in self.takeFrame(spectrum, f) }
        if denoise != .on {
            try queueHidden(session.encode(takeFeatures()))
            try queueHidden(session.finish())
        }
        if let denoiser, let denoisedFrontEnd, let denoisedSession {
            try denoiser.finish { out in denoisedFrontEnd.push(out) { _, f in self.denoisedFeatures += f } }
            denoisedFrontEnd.finish { _, f in self.denoisedFeatures += f }
            queue(denoisedSession.encode(takeDenoisedFeatures()), into: &denoisedQueue)
            queue(denoisedSession.finish(), into: &denoisedQueue)
        }
        try finishSearch(settled: try consumeQueued(final: true), emit: emit)
    }

    /// Called with each block of the audio's hidden frames as this stream's encoder returns them,
    /// and the samples read so far: a second search can follow them (`follow(hidden:samples:)`).
    var hiddenHandler: ((Tensor, Int) throws -> Void)?

    private func queueHidden(_ hidden: Tensor) throws {
        try hiddenHandler?(hidden, samplesIn)
        queue(hidden, into: &hiddenQueue)
    }

    /// Runs hidden frames of another stream's encoder (the same audio, the same context) through
    /// this search instead of encoding audio itself; `samples`: that stream's samples so far.
    func follow(hidden: Tensor, samples: Int) throws -> [WordTiming] {
        samplesIn = samples
        return collect(try consumeTokens(of: hidden, denoised: nil, weight: 0))
    }

    /// Ends a search fed by `follow(hidden:samples:)`; every word not yet returned.
    func finishFollowing(samples: Int) throws -> [WordTiming] {
        samplesIn = samples
        var all: [WordTiming] = []
        try finishSearch(settled: []) { all += $0 }
        return all
    }

    private func finishSearch(settled consumed: [AlignedToken], emit: ([WordTiming]) throws -> Void) throws {
        var settled = consumed
        let (reached, unreached) = try search.finishReached()
        settled += reached
        try emit(collect(settled))
        guard var k = unreached else { return }
        let end = search.frameCount
        while k < tokens.count {
            let upTo = min(k + 16_384, tokens.count)
            try emit(collect((k ..< upTo).map { AlignedToken(token: $0, start: end, end: end) }))
            k = upTo
        }
    }

    private func takeFeatures() -> Tensor {
        let bins = model.config.nBins
        let n = features.count / bins
        defer { features.removeAll(keepingCapacity: true) }
        return Tensor(shape: [n, bins], data: features)
    }

    /// Scores the new hidden frames and runs them through the search: the phone head's log
    /// posteriors of `hidden` (the audio) and of `denoised` (its denoised version, the same
    /// frames, or a prefix of them at the stream's end), mixed as (1 − weight)·first +
    /// weight·second and renormalised where both have the frame; either alone where only it does.
    private func consumeTokens(of hidden: Tensor?, denoised: Tensor?, weight: Float) throws -> [AlignedToken] {
        let p = model.config.nPhones
        guard let primary = hidden ?? denoised else { return [] }
        // The aligner head's scores (unused by the shipped models) come from the first reading only.
        let t = queries == nil ? max(hidden?.shape[0] ?? 0, denoised?.shape[0] ?? 0) : primary.shape[0]
        guard t > 0 else { return [] }
        let scores = queries.map { model.alignScores(queries: $0, hidden: primary) }  // (N, rows of primary)
        var logits = model.phoneLogits(primary)
        TokenScoring.logSoftmaxRows(&logits)
        if let hidden, let denoised {
            var other = model.phoneLogits(denoised)
            TokenScoring.logSoftmaxRows(&other)
            let both = min(hidden.shape[0], denoised.shape[0])
            if denoised.shape[0] > hidden.shape[0] {  // the end: the denoised reading's extra frames alone
                logits = Tensor(shape: [t, p], data: Array(logits.data[0..<(hidden.shape[0] * p)])
                                + Array(other.data[(hidden.shape[0] * p)..<(t * p)]))
            }
            if weight > 0 {
                logits.withMutablePointer { lp in other.withPointer { op in
                    for i in 0..<(both * p) { lp[i] = (1 - weight) * lp[i] + weight * op[i] }
                } }
                var mixed = Tensor(shape: [both, p], data: Array(logits.data[0..<(both * p)]))
                TokenScoring.logSoftmaxRows(&mixed)
                logits.withMutablePointer { lp in mixed.withPointer { mp in lp.update(from: mp, count: both * p) } }
            }
        }
        var settled: [AlignedToken] = []
        for f in 0..<t {
            logPost += logits.data[(f * p)..<((f + 1) * p)]
            settled += try scoring.push(frame: f, frameCount: t, to: &search, row: &row, phones: tokens.phones,
                                        alignScores: scores, logPosterior: logits.data, offset: f * p)
            frames += 1
            foldSettledFrames()
        }
        return settled
    }

    /// Adds the settled frames of the token the search holds to its posterior sum.
    private func foldSettledFrames() {
        guard let token = search.settledToken, token.token > lastEmittedToken else { return }
        if held.token != token.token {
            if held.token > lastEmittedToken { heldBefore[held.token] = (held.next, held.sum) }  // out, not yet booked
            held = (token.token, token.start, 0)
        }
        let p = model.config.nPhones, phone = tokens.phones[token.token]
        var f = max(held.next, token.start)
        while f < search.settledFrame {
            held.sum += Double(expf(logPost[(f - firstKeptFrame) * p + phone]))
            f += 1
        }
        held.next = max(held.next, f)
    }

    /// Books settled tokens into their words; returns the words now complete.
    private func collect(_ settled: [AlignedToken]) -> [WordTiming] {
        let p = model.config.nPhones
        let frameSeconds = Double(model.config.hop) / Double(model.config.sampleRate)
        let duration = Double(samplesIn) / Double(model.config.sampleRate)
        func time(_ frame: Int) -> Double { min(max((Double(frame) - 0.5) * frameSeconds, 0), duration) }
        for token in settled {
            guard let w = tokens.word[token.token] else { continue }
            if token.isSkipped, frameCounts[w] == 0 {  // a word with no frame (yet): where it would be
                words[w].start = time(token.start)
                words[w].end = words[w].start
            }
            if !token.isSkipped {
                if frameCounts[w] == 0 { words[w].start = time(token.start) }
                words[w].end = time(token.end)
                tokens.addPhone(of: token.token, start: time(token.start), end: time(token.end), to: &words[w])
                var from = token.start
                if let folded = held.token == token.token ? (held.next, held.sum) : heldBefore[token.token] {
                    posteriorSums[w] += folded.1
                    from = max(from, folded.0)
                }
                for f in from..<token.end {
                    posteriorSums[w] += Double(expf(logPost[(f - firstKeptFrame) * p + tokens.phones[token.token]]))
                }
                frameCounts[w] += token.frameCount
            }
            remaining[w] -= 1
        }
        if let last = settled.last { lastEmittedToken = last.token }
        heldBefore.removeAll()
        for token in settled { settledUpTo = max(settledUpTo, token.end) }
        var done: [WordTiming] = []
        while nextWord < words.count, remaining[nextWord] == 0 {
            var w = words[nextWord]
            w.confidence = frameCounts[nextWord] > 0 ? min(1, posteriorSums[nextWord] / Double(frameCounts[nextWord])) : 0
            if transcript.words[nextWord].phones.isEmpty { w.phones = [] }
            done.append(w)
            words[nextWord].phones = []  // handed out: the stream keeps no per-word data behind it
            nextWord += 1
        }
        // Frames before the last settled token's end, or folded into the held token's sum, are
        // never needed again.
        let drop = max(settledUpTo, held.token > lastEmittedToken ? held.next : 0) - firstKeptFrame
        if drop > 256 {
            logPost.removeFirst(drop * p)
            firstKeptFrame += drop
        }
        return done
    }
}

/// A live stream followed by two searches at once, as files are searched twice
/// (`AlignOptions.slowSpeechPhoneFrames`): phones held `options.minPhoneFrames` frames (4) and
/// `slowSpeechPhoneFrames` (5), the second reading the first's encoder output (no second
/// encoder). Words come from the first search until `decisionPhones` of its phones are out; if
/// they average `Aligner.slowSpeechMeanFrames` frames or more the stream is slow and the rest of
/// the words come from the second search (a start clamped to the last word's end), else the
/// second search stops. A stream too short to decide is decided at its end. `attend align
/// --jsonl` follows streams this way unless given `--denoise` or `--min-phone-frames`.
///
/// % of boundaries within 50 ms, clean / 5 / 0 dB, 2026-12-07: the benchmark's exact set 95.1 /
/// 83.3 / 75.9 (4 frames) -> 95.2 / 84.8 / 78.4, its real recordings 84.8 / 77.5 / 70.8 -> 86.7 /
/// 78.5 / 71.7 (judging after 30 phones: 95.2 / 83.8 / 76.7, 85.8 / 77.3 / 71.0; a fixed 5 frames
/// 95.5 / 85.9 / 79.3, 87.1 / 80.2 / 73.1), their clean recordings 1.3 times faster exact 97.0
/// either way, silver 89.0 against 88.8; the validation voices (`Training/align_val.py --stream
/// [--tempo 1.3]`) 94.1 / 85.2 / 82.5 against 94.1 / 84.3 / 82.0, 1.3 times faster 96.3 / 90.1 /
/// 84.8 against 96.3 / 90.0 / 84.7; latency p95 0.78 / 1.04 / 1.58 s against 0.77 / 1.06 / 1.49 s.
public final class SlowSpeechFollower {
    public let fast: StreamingAligner
    public let slow: StreamingAligner
    /// Phones out of the first search before the stream's pace is judged (about 1 s of speech;
    /// 30 kept more of the short benchmark sentences on the 4-frame search, see above).
    public static let decisionPhones = 12
    /// nil until judged; then whether the second search's words are the ones given out.
    public private(set) var isSlow: Bool?
    /// Words of the second search not yet looked at; the first is its word `slowBase`.
    private var slowWords: [WordTiming] = []
    private var slowBase = 0
    /// Words given out so far, and where the last of them ended.
    private var given = 0
    private var lastEnd = 0.0
    /// Frames of the first search's phones given out before the judgement, and their count (whole
    /// frames, as the file pass counts them in `Aligner.meanPhoneFrames`).
    private var phoneFrames = 0, phones = 0
    /// Seconds of one encoder frame.
    private let frameSeconds: Double

    public init(aligner: Aligner, transcript: Transcript, options: AlignOptions = AlignOptions(),
                beam: Float = StreamingAligner.defaultBeam, decisionLag: Double? = StreamingAligner.defaultDecisionLag,
                decisionInterval: Double? = StreamingAligner.defaultDecisionInterval,
                decisionMargin: Float = StreamingAligner.decisionMargin,
                maxDecisionLag: Double? = StreamingAligner.defaultMaxDecisionLag,
                holdMargin: Float = StreamingAligner.defaultHoldMargin) throws {
        func make(_ o: AlignOptions) throws -> StreamingAligner {
            try StreamingAligner(aligner: aligner, transcript: transcript, options: o, beam: beam, decisionLag: decisionLag,
                                        decisionInterval: decisionInterval, decisionMargin: decisionMargin,
                                        maxDecisionLag: maxDecisionLag, holdMargin: holdMargin)
        }
        frameSeconds = Double(aligner.model.config.hop) / Double(aligner.model.config.sampleRate)
        fast = try make(options)
        slow = try make(options.slowSearch(phoneFrames: max(options.slowSpeechPhoneFrames ?? options.minPhoneFrames, options.minPhoneFrames)))
        fast.hiddenHandler = { [unowned self] hidden, samples in
            self.slowWords += try self.slow.follow(hidden: hidden, samples: samples)
        }
    }

    /// Samples pushed so far, at 16 kHz.
    public var samplesPushed: Int { fast.samplesPushed }

    /// Feeds 16 kHz samples; returns the words settled by them, in transcript order.
    public func push(_ samples: [Float]) throws -> [WordTiming] {
        route(try fast.push(samples), final: false)
    }

    /// Ends the stream; returns every word not yet returned.
    public func finish() throws -> [WordTiming] {
        let words = try fast.finish()
        if isSlow != false { slowWords += try slow.finishFollowing(samples: fast.samplesPushed) }
        return route(words, final: true)
    }

    private func route(_ words: [WordTiming], final: Bool) -> [WordTiming] {
        if isSlow == nil {
            for w in words {
                for p in w.phones { phoneFrames += Int(((p.end - p.start) / frameSeconds).rounded()); phones += 1 }
            }
            if phones >= Self.decisionPhones || final {
                isSlow = phones > 0 && Double(phoneFrames) / Double(phones) >= Aligner.slowSpeechMeanFrames
                if isSlow == false {
                    fast.hiddenHandler = nil  // the second search is no longer needed
                    slowWords = []
                }
            }
        }
        guard isSlow == true else {
            given += words.count
            if let last = words.last { lastEnd = last.end }
            return words
        }
        // From the second search: its words past those already given, in order (`slowBase` never
        // passes `given`: every word looked at is given out or was already).
        var out: [WordTiming] = []
        let first = given - slowBase
        if first < slowWords.count {
            for var w in slowWords[first...] {
                if w.start < lastEnd { w.start = min(lastEnd, w.end) }
                out.append(w)
                lastEnd = w.end
            }
        }
        slowBase += slowWords.count
        given += out.count
        slowWords = []
        return out
    }
}
