import Alignment
import AudioIO
import Foundation
import NeuralEngine
import Plotting
import SpeechModels

/// What `InspectReport.build` looks at.
public struct InspectOptions: Sendable {
    /// Start of the window in seconds (nil = 0).
    public var from: Double?
    /// End of the window in seconds (nil = the end of the input).
    public var to: Double?
    /// A transcript to align: adds words and phones over the posteriorgram, the aligner's
    /// cross-attention with its monotonic path, and the confidence table.
    public var transcript: Transcript?
    /// Start (s) of the self-attention window; nil = the window's start.
    public var attentionAt: Double?
    /// Frames of self-attention shown per head (at most 400 = 4 s; each map is frames²).
    public var attentionFrames = 400
    /// Attention context for the mask and self-attention maps; nil = the model's own.
    public var context: ChunkedContext?
    /// Alignment options (denoising before alignment, prior weight, beam).
    public var align = AlignOptions()
    /// Longest audio embedded per player, seconds: longer windows embed their first
    /// `maxAudioSeconds` (10 min of 16 kHz mono MP3 at 24 kbit/s ≈ 1.8 MB per player).
    public var maxAudioSeconds: Double = 600

    public init() {}

    public static let maxAttentionFrames = 400
}

/// Why a report cannot be made. One line naming the input.
public enum InspectError: Error, CustomStringConvertible, LocalizedError {
    case badWindow(String, reason: String)
    case emptyInput(String)

    public var description: String {
        switch self {
        case .badWindow(let file, let reason): return "\(file): \(reason)"
        case .emptyInput(let file): return "\(file): no audio to inspect"
        }
    }

    public var errorDescription: String? { description }
}

/// One head's self-attention over the attention window.
public struct HeadSummary: Sendable {
    public var layer: Int
    public var head: Int
    /// The head's learned α (1 = softmax, 2 = sparsemax).
    public var alpha: Float
    /// Share of the attention weights the mask allows that are exactly zero, 0…1.
    public var zeroShare: Double
}

/// A figure of the report: an identifier (also its PNG file name), a title and the picture.
public struct InspectFigure: Sendable {
    /// File-name stem, e.g. `input`, `attention-L0-H1`.
    public var id: String
    public var title: String
    /// A sentence under the picture.
    public var caption: String
    public var canvas: Canvas
}

/// Everything `attend inspect` shows about one input: spectrograms of input, mask and output,
/// the phone posteriorgram with aligned words and phones, every head's self-attention with its
/// α and sparsity, the aligner's cross-attention with the monotonic path, per-word confidence,
/// and the window's audio (input and denoised) for players.
///
/// ```swift
/// let report = try InspectReport.build(model: model, file: "talk.wav", options: options, aligner: aligner)
/// try report.writeHTML(to: "report.html")
/// try report.writePNGs(to: "figures")
/// ```
public struct InspectReport: Sendable {
    public var source: String
    /// Window shown, seconds from the start of the input.
    public var start: Double
    public var end: Double
    /// Whole input, seconds.
    public var duration: Double
    public var modelName: String
    public var figures: [InspectFigure]
    public var heads: [HeadSummary]
    /// Aligned words (times in seconds from the input's start); empty without a transcript.
    public var words: [WordTiming]
    /// The window's 16 kHz mono input and denoised audio.
    public var inputAudio: [Float]
    public var denoisedAudio: [Float]
    public var sampleRate: Int
    public var maxAudioSeconds: Double
    /// Self-attention window, seconds.
    public var attentionStart: Double
    public var attentionEnd: Double
    /// Seconds spent running the model (encoder passes, alignment) and drawing the figures.
    public var modelSeconds: Double
    public var drawingSeconds: Double

    /// Reads `file` (a path; `raw` for headerless PCM), mixes it to 16 kHz mono, and inspects
    /// the window `options.from ..< options.to`. `aligner` is needed when a transcript is given.
    public static func build(model: AttendModel, file: String, raw: RawPCMFormat? = nil, options: InspectOptions,
                             aligner: Aligner? = nil) throws -> InspectReport {
        let rate = model.config.sampleRate
        let all = try readMono16k(path: file, raw: raw)
        let duration = Double(all.count) / Double(rate)
        guard !all.isEmpty else { throw InspectError.emptyInput(file) }
        let from = options.from ?? 0, to = min(options.to ?? duration, duration)
        guard from >= 0, from.isFinite else { throw InspectError.badWindow(file, reason: "--from \(from) must be a time ≥ 0 in seconds") }
        guard from < duration else {
            throw InspectError.badWindow(file, reason: "--from \(from) s is past the end of the input (\(String(format: "%.3f", duration)) s)")
        }
        guard to > from else { throw InspectError.badWindow(file, reason: "--to must be after --from (\(from) s)") }
        let s0 = Int((from * Double(rate)).rounded()), s1 = max(s0 + 1, min(all.count, Int((to * Double(rate)).rounded())))
        let window = Array(all[s0..<s1])
        return try InspectBuilder(model: model, source: file, samples: window, start: Double(s0) / Double(rate),
                                  duration: duration, options: options, aligner: aligner).build()
    }
}

/// Runs the model over a window and draws the report's figures.
struct InspectBuilder {
    let model: AttendModel
    let source: String
    let samples: [Float]
    let start: Double
    let duration: Double
    let options: InspectOptions
    let aligner: Aligner?

    var config: ModelConfig { model.config }
    var frameSeconds: Double { Double(config.hop) / Double(config.sampleRate) }

    func build() throws -> InspectReport {
        let clock = ContinuousClock()
        let t0 = clock.now
        let context = options.context ?? config.offlineContext
        // Denoise the window, keeping the mask it applies.
        var mask: [Float] = []
        var denoised: [Float] = []
        denoised.reserveCapacity(samples.count)
        var inputHidden: [Float] = []
        inputHidden.reserveCapacity((samples.count / config.hop + 2) * config.dModel)
        let stream = try DenoiseStream(model: model, context: context, encodeBlock: DenoiseStream.offlineEncodeBlock)
        stream.maskHandler = { mask.append(contentsOf: $0) }
        stream.hiddenHandler = { inputHidden.append(contentsOf: $0.elements) }
        try samples.withUnsafeBufferPointer { try stream.push($0) { denoised += $0 } }
        try stream.finish { denoised += $0 }
        stream.maskHandler = nil
        stream.hiddenHandler = nil
        // The encoder output of the input, from the denoising pass (same context): no second pass.
        var hidden = Tensor(shape: [inputHidden.count / config.dModel, config.dModel], data: inputHidden)
        inputHidden = []

        var alignment: InspectAlignment?
        if let transcript = options.transcript, let aligner {
            alignment = try aligner.inspectAlignment(samples: samples, denoised: denoised, hidden: hidden,
                                                     context: context, transcript: transcript,
                                                     audioName: source, options: options.align)
            hidden = alignment!.hidden
        }
        let posteriors = softmaxRows(model.phoneLogits(hidden), columns: config.nPhones)

        let (a0, a1) = attentionWindow(frames: hidden.shape[0])
        let attention = selfAttention(frames: a0..<a1)
        let t1 = clock.now

        var figures: [InspectFigure] = []
        let input = try DecibelSpectrogram(samples: samples, config: config)
        let reference = input.peak
        figures.append(InspectFigure(id: "input", title: "Input spectrogram",
                                     caption: "Magnitude of the input's STFT in dB (top = loudest bin of the window).",
                                     canvas: input.heatmap(title: "input", start: start, reference: reference).render()))
        var maskMap = Heatmap(title: "mask", values: DecibelSpectrogram.transpose(mask, rows: mask.count / config.nBins, columns: config.nBins),
                              rows: config.nBins, columns: mask.count / config.nBins,
                              x: timeAxis(frames: mask.count / config.nBins), y: Axis(label: "frequency (Hz)", start: 0, end: input.nyquist))
        maskMap.range = 0...1
        maskMap.colorBar = "gain"
        figures.append(InspectFigure(id: "mask", title: "Mask", caption: "The ratio mask M(t, f) in [0, 1] the mask head puts on each bin.",
                                     canvas: maskMap.render()))
        figures.append(InspectFigure(id: "denoised", title: "Denoised spectrogram",
                                     caption: "The input's spectrogram times the mask, on the input's colour scale.",
                                     canvas: input.applying(gains: mask).heatmap(title: "denoised", start: start, reference: reference).render()))
        figures.append(posteriorgram(posteriors, frames: hidden.shape[0], words: alignment?.result.words))
        if let alignment, let cross = crossAttention(alignment, frames: a0..<a1) { figures.append(cross) }
        var heads: [HeadSummary] = []
        for (l, probs) in attention.enumerated() {
            for h in 0..<config.nHeads {
                let (figure, summary) = attentionFigure(probs, layer: l, head: h, frames: a0..<a1)
                figures.append(figure)
                heads.append(summary)
            }
        }
        let t2 = clock.now
        let words = (alignment?.result.words ?? []).map { w -> WordTiming in
            var w = w
            w.start += start
            w.end += start
            w.phones = w.phones.map { PhoneTiming(phone: $0.phone, start: $0.start + start, end: $0.end + start) }
            return w
        }
        return InspectReport(source: source, start: start, end: start + Double(samples.count) / Double(config.sampleRate),
                             duration: duration, modelName: URL(fileURLWithPath: model.file).lastPathComponent,
                             figures: figures, heads: heads, words: words, inputAudio: samples, denoisedAudio: denoised,
                             sampleRate: config.sampleRate, maxAudioSeconds: options.maxAudioSeconds,
                             attentionStart: start + Double(a0) * frameSeconds, attentionEnd: start + Double(a1) * frameSeconds,
                             modelSeconds: Self.seconds(t1 - t0), drawingSeconds: Self.seconds(t2 - t1))
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    func timeAxis(frames: Int, offset: Int = 0) -> Axis {
        Axis(label: "time (s)", start: start + Double(offset) * frameSeconds, end: start + Double(offset + frames) * frameSeconds)
    }

    func encodeSession(_ samples: [Float], context: ChunkedContext?, capture: Bool) -> (hidden: Tensor, attention: [Tensor]) {
        let features = try! FrontEnd(config: config).features(of: samples)  // the config was validated on load
        let n = features.count / config.nBins
        let session = EncoderSession(model: model, context: context)
        session.captureAttention = capture
        let hidden = session.encodeToEnd(Tensor(shape: [n, config.nBins], data: features))
        return (hidden, session.attention)
    }

    /// The self-attention window in frames of the inspected window.
    func attentionWindow(frames: Int) -> (Int, Int) {
        let cap = min(max(1, options.attentionFrames), InspectOptions.maxAttentionFrames)
        let at = options.attentionAt.map { Int((($0 - start) / frameSeconds).rounded()) } ?? 0
        let a0 = min(max(0, at), max(0, frames - 1))
        return (a0, min(frames, a0 + cap))
    }

    /// Attention `(heads, n, n)` per layer over the attention window's audio (encoded on its own).
    func selfAttention(frames: Range<Int>) -> [Tensor] {
        let hop = config.hop
        let lo = min(samples.count, frames.lowerBound * hop), hi = min(samples.count, max(lo + 1, (frames.upperBound - 1) * hop + 1))
        guard lo < hi else { return [] }
        return encodeSession(Array(samples[lo..<hi]), context: options.context ?? config.defaultContext, capture: true).attention
    }

    func softmaxRows(_ logits: Tensor, columns p: Int) -> [Float] {
        var out = Array(logits.elements)
        let rows = out.count / max(p, 1)
        for t in 0..<rows {
            var m = -Float.infinity
            for j in 0..<p { m = max(m, out[t * p + j]) }
            var z: Float = 0
            for j in 0..<p { out[t * p + j] = expf(out[t * p + j] - m); z += out[t * p + j] }
            for j in 0..<p { out[t * p + j] /= z }
        }
        return out
    }

    var phoneNames: [String] { config.phones.isEmpty ? (0..<config.nPhones).map { "p\($0)" } : config.phones }

    func posteriorgram(_ posteriors: [Float], frames: Int, words: [WordTiming]?) -> InspectFigure {
        let p = config.nPhones
        var h = Heatmap(title: "phone posteriorgram", values: DecibelSpectrogram.transpose(posteriors, rows: frames, columns: p),
                        rows: p, columns: frames, x: timeAxis(frames: frames),
                        y: Axis(label: "phone", start: 0, end: Double(p),
                                ticks: phoneNames.enumerated().map { (Double($0.offset) + 0.5, $0.element) }))
        h.range = 0...1
        h.colorBar = "P"
        h.plotHeight = min(Heatmap.maxHeight, max(Heatmap.autoHeight, p * 10))
        if let words { h.overlays = QuickPlots.wordOverlays(words, offset: start) }
        return InspectFigure(id: "posteriorgram", title: "Phone posteriorgram",
                             caption: words == nil ? "Per-frame posterior of every phone class (softmax of the phone head)."
                                 : "Per-frame phone posteriors with the aligned words (white) and phones (cyan, dotted).",
                             canvas: h.render())
    }

    func attentionFigure(_ probs: Tensor, layer l: Int, head h: Int, frames: Range<Int>) -> (InspectFigure, HeadSummary) {
        let n = probs.shape.count == 3 ? probs.shape[1] : 0
        var values = [Float](repeating: 0, count: n * n)
        var zeros = 0, allowed = 0, peak: Float = 0
        let context = options.context ?? config.offlineContext
        probs.withPointer { p in
            let base = p + h * n * n
            for q in 0..<n {
                let visible = context?.keyRange(query: q, keyCount: n) ?? 0..<n
                for k in 0..<n {
                    let v = base[q * n + k]
                    values[q * n + k] = v
                    peak = max(peak, v)
                    if visible.contains(k) {
                        allowed += 1
                        if v == 0 { zeros += 1 }
                    }
                }
            }
        }
        let alpha = headAlpha(layer: l, head: h)
        let share = allowed > 0 ? Double(zeros) / Double(allowed) : 0
        let axisStart = start + Double(frames.lowerBound) * frameSeconds, axisEnd = axisStart + Double(n) * frameSeconds
        var map = Heatmap(title: String(format: "L%d H%d  α=%.2f  zeros %.0f%%", l, h, alpha, share * 100),
                          values: values, rows: n, columns: n,
                          x: Axis(label: "key time (s)", start: axisStart, end: axisEnd),
                          y: Axis(label: "query time (s)", start: axisStart, end: axisEnd))
        map.colorMap = .magma
        map.range = 0...max(peak, 1e-6)
        map.colorBar = "weight"
        map.titleScale = 1
        map.plotWidth = 240
        map.plotHeight = 240
        let figure = InspectFigure(id: "attention-L\(l)-H\(h)", title: "Layer \(l), head \(h)",
                                   caption: String(format: "α %.3f · %.1f %% exact zeros", alpha, share * 100),
                                   canvas: map.render())
        return (figure, HeadSummary(layer: l, head: h, alpha: alpha, zeroShare: share))
    }

    func headAlpha(layer l: Int, head h: Int) -> Float {
        switch config.normaliser {
        case "softmax": return 1
        case "sparsemax": return 2
        case "entmax15": return 1.5
        default: return model.alphas[l][h]
        }
    }

    /// The aligner's scores over the attention window (softmax over the tokens near it) with
    /// the monotonic path.
    func crossAttention(_ a: InspectAlignment, frames: Range<Int>) -> InspectFigure? {
        let inWindow = a.aligned.filter { !$0.isSkipped && $0.end > frames.lowerBound && $0.start < frames.upperBound }
        guard let first = inWindow.map(\.token).min(), let last = inWindow.map(\.token).max() else { return nil }
        let k0 = max(0, first - 1), k1 = min(a.tokens.count, last + 2)
        let n = k1 - k0, t = frames.count, da = config.dAlign, dm = config.dModel
        var q = Tensor(zeros: [n, da])
        for i in 0..<n { for j in 0..<da { q.data[i * da + j] = a.queries.data[(k0 + i) * da + j] } }
        var hid = Tensor(zeros: [t, dm])
        for i in 0..<t { for j in 0..<dm { hid.data[i * dm + j] = a.hidden.data[(frames.lowerBound + i) * dm + j] } }
        let scores = model.alignScores(queries: q, hidden: hid)  // (n, t)
        var values = Array(scores.elements)
        for c in 0..<t {  // softmax over tokens per frame
            var m = -Float.infinity
            for r in 0..<n { m = max(m, values[r * t + c]) }
            var z: Float = 0
            for r in 0..<n { values[r * t + c] = expf(values[r * t + c] - m); z += values[r * t + c] }
            for r in 0..<n { values[r * t + c] /= z }
        }
        var path: [(x: Double, y: Double)] = []
        for token in a.aligned.sorted(by: { $0.token < $1.token }) where !token.isSkipped && (k0..<k1).contains(token.token) {
            let y = Double(token.token - k0) + 0.5
            path.append((start + Double(token.start) * frameSeconds, y))
            path.append((start + Double(token.end) * frameSeconds, y))
        }
        var map = Heatmap(title: "aligner cross-attention and monotonic path", values: values, rows: n, columns: t,
                          x: timeAxis(frames: t, offset: frames.lowerBound),
                          y: Axis(label: "token", start: 0, end: Double(n),
                                  ticks: (0..<n).map { (Double($0) + 0.5, a.tokens.names[k0 + $0] + (a.tokens.extraLength[k0 + $0] == nil ? "" : "+")) }))
        map.range = 0...1
        map.colorBar = "weight"
        map.overlays = [.path(path, color: .red)]
        map.plotHeight = min(Heatmap.maxHeight, max(160, n * 10))
        return InspectFigure(id: "cross-attention", title: "Alignment",
                             caption: "Softmax over phone tokens of the aligner's scores per frame (self-attention window); red: the monotonic path the decoder chose (K+: a token that lengthens the word-final stop before it).",
                             canvas: map.render())
    }
}
