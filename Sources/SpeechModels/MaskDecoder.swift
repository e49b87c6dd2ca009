import NeuralEngine

/// Per-bin mask logits from one frame's hidden vector and its own input features: the
/// `MaskDecoder` of `Training/attend/model.py`, present when the config's
/// `mask_decoder_channels` is above 0.
///
/// hidden `(frames, dModel)` → Linear → `(frames, C, stemBins)` → linear interpolation along
/// frequency to `nBins` (align-corners: output bin i reads position i·(stemBins−1)/(nBins−1)) →
/// the frame's features appended as channel C → three `Conv2d` of one frame by K bins with GELU
/// between → one logit per bin, added to the linear mask head's. With `mask_decoder_ema` decays
/// the convolutions also read, per bin, running means m_t = a·m_{t−1} + (1 − a)·x_t of the
/// features (m_0 = x_0), appended after the features: the only state, kept in the
/// `MaskWorkspace`, so a stream's masks agree exactly with the whole file's. With
/// `mask_decoder_floor` rise rates R (dB/s) they read next, per bin, noise-floor trackers: the
/// features smoothed as s_t = 0.9·s_{t−1} + 0.1·x_t and the floor f_t = min(s_t, r·f_{t−1}) (both
/// starting at x_0; r = `ModelConfig.floorRiseFactor(R)`), state kept in the workspace too. With
/// `mask_decoder_gru` G > 0, conv1's output (after its GELU) goes on bin by bin through a GRU over
/// frames (channels → G, state zero at the stream's start, kept in the workspace) and a Linear
/// G → channels added back. With `low_band_bins` L > 0, a Linear dModel → C·L (`upLow`) adds a
/// value of its own to each channel of the first L bins after the interpolation.
struct MaskDecoder: Sendable {
    let up: Linear
    let upLow: Linear?
    let lowBins: Int
    let conv1: Conv2d
    let conv2: Conv2d
    let conv3: Conv2d
    /// The per-bin GRU over frames and its projection back to the channels, when the config has one.
    let gru: GRU?
    let gruOut: Linear?
    let channels: Int
    let coarseBins: Int
    let bins: Int
    /// The running means' decays (one input channel each).
    let decays: [Float]
    /// The noise-floor trackers' per-frame rise factors (one input channel each, after the means).
    let floorFactors: [Float]
    /// The interpolation per output bin i: it reads coarse bins `lower[i]` and `lower[i] + 1`
    /// (clamped) with weights 1 − `fraction[i]` and `fraction[i]`.
    let lower: [Int]
    let fraction: [Float]

    init(config c: ModelConfig, weights w: WeightReader) throws(CheckpointError) {
        let ch = c.maskDecoderChannels, k = c.maskDecoderKernel
        channels = ch
        coarseBins = c.stemBins
        bins = c.nBins
        decays = c.maskDecoderEma
        floorFactors = c.maskDecoderFloor.map { c.floorRiseFactor($0) }
        // PyTorch's align-corners scale, in Float as its CPU kernel computes it.
        let scale = bins > 1 ? Float(coarseBins - 1) / Float(bins - 1) : 0
        let positions = (0..<bins).map { scale * Float($0) }
        lower = positions.map { [coarseBins] p in min(Int(p), coarseBins - 1) }
        fraction = zip(positions, lower).map { $0 - Float($1) }
        up = try w.linear(WeightNames.maskDecoderUp, in: c.dModel, out: ch * c.stemBins)
        lowBins = c.lowBandBins
        upLow = lowBins > 0 ? try w.linear(WeightNames.maskDecoderUpLow, in: c.dModel, out: ch * lowBins) : nil
        conv1 = try w.conv2d(WeightNames.maskDecoderConv1, in: ch + 1 + c.maskDecoderEma.count + c.maskDecoderFloor.count, out: ch, kernel: (1, k), strideFreq: 1, padFreq: k / 2)
        conv2 = try w.conv2d(WeightNames.maskDecoderConv2, in: ch, out: ch, kernel: (1, k), strideFreq: 1, padFreq: k / 2)
        conv3 = try w.conv2d(WeightNames.maskDecoderConv3, in: ch, out: 1, kernel: (1, k), strideFreq: 1, padFreq: k / 2)
        if c.maskDecoderGRU > 0 {
            let g = c.maskDecoderGRU, prefix = WeightNames.maskDecoderGRU
            gru = GRU(weightIH: try w.tensor(prefix + ".weight_ih_l0", [3 * g, ch]),
                      weightHH: try w.tensor(prefix + ".weight_hh_l0", [3 * g, g]),
                      biasIH: try w.tensor(prefix + ".bias_ih_l0", [3 * g]),
                      biasHH: try w.tensor(prefix + ".bias_hh_l0", [3 * g]))
            gruOut = try w.linear(WeightNames.maskDecoderGRUOut, in: g, out: ch)
        } else {
            gru = nil
            gruOut = nil
        }
    }

    /// Adds the decoder's logits for `hidden` `(n, dModel)` and `features` `(n, nBins)` to
    /// `logits` `(n, nBins)`.
    func addLogits(hidden: Tensor, features: Tensor, to logits: inout Tensor, workspace ws: MaskWorkspace) {
        let n = hidden.shape[0], ch = channels, cb = coarseBins, f = bins, e = decays.count, nf = floorFactors.count
        let inputs = ch + 1 + e + nf
        up(hidden, into: &ws.coarse)  // (n, ch·cb)
        upLow?(hidden, into: &ws.low)  // (n, ch·L)
        let low = lowBins
        ws.input.resize(n, inputs, f)
        if ws.means.count != e * f { ws.means = [Float](repeating: 0, count: e * f) }
        if ws.floors.count != nf * f { ws.floors = [Float](repeating: 0, count: nf * f) }
        if ws.smooth.count != (nf > 0 ? f : 0) { ws.smooth = [Float](repeating: 0, count: nf > 0 ? f : 0) }
        let fresh = ws.framesSeen == 0
        ws.coarse.withPointer { u in features.withPointer { feats in ws.input.withMutablePointer { x in
            ws.means.withUnsafeMutableBufferPointer { means in
                for t in 0..<n {
                    let row = x + t * inputs * f
                    for c in 0..<ch {
                        let src = u + (t * ch + c) * cb, dst = row + c * f
                        for i in 0..<f {
                            let i0 = lower[i], lambda = fraction[i]
                            dst[i] = (1 - lambda) * src[i0] + lambda * src[min(i0 + 1, cb - 1)]
                        }
                        if low > 0 {
                            ws.low.withPointer { l in
                                let extra = l + (t * ch + c) * low
                                for i in 0..<low { dst[i] += extra[i] }
                            }
                        }
                    }
                    let frame = feats + t * f
                    (row + ch * f).update(from: frame, count: f)
                    for (j, a) in decays.enumerated() {
                        let m = means.baseAddress! + j * f
                        Self.stepRunningMean(m, frame: frame, decay: a, first: fresh && t == 0, count: f)
                        (row + (ch + 1 + j) * f).update(from: m, count: f)
                    }
                    if nf > 0 { trackFloors(frame: frame, first: fresh && t == 0, into: row + (ch + 1 + e) * f, workspace: ws) }
                }
            }
        } } }
        ws.framesSeen += n
        conv1(ws.input, into: &ws.a, scratch: &ws.scratch)
        Activation.gelu.apply(&ws.a)
        if let gru, let gruOut { addRecurrence(gru, gruOut, to: &ws.a, fresh: fresh, workspace: ws) }
        conv2(ws.a, into: &ws.b, scratch: &ws.scratch)
        Activation.gelu.apply(&ws.b)
        conv3(ws.b, into: &ws.a, scratch: &ws.scratch)  // (n, 1, f)
        let count = n * f
        ws.a.withPointer { d in logits.withMutablePointer { l in
            for i in 0..<count { l[i] += d[i] }
        } }
    }
}

extension MaskDecoder {
    /// One frame of a running mean per bin, m = a·m + (1 − a)·x, or m = x on the stream's first
    /// frame (`running_means` in `Training/attend/model.py`, the same float32 steps).
    static func stepRunningMean(_ m: UnsafeMutablePointer<Float>, frame: UnsafePointer<Float>, decay a: Float, first: Bool,
                                count: Int) {
        if first {
            m.update(from: frame, count: count)
        } else {
            let b = 1 - a
            for i in 0..<count { m[i] = a * m[i] + b * frame[i] }
        }
    }

    /// The smoothing decay of the level the noise-floor trackers follow (`FLOOR_SMOOTHING`).
    static let floorSmoothing: Float = 0.9

    /// Advances the noise-floor trackers by one frame of features and writes them, tracker by
    /// tracker (`bins` values each), to `out`.
    func trackFloors(frame: UnsafePointer<Float>, first: Bool, into out: UnsafeMutablePointer<Float>, workspace ws: MaskWorkspace) {
        let f = bins
        ws.smooth.withUnsafeMutableBufferPointer { sp in ws.floors.withUnsafeMutableBufferPointer { fp in
            let s = sp.baseAddress!
            Self.stepRunningMean(s, frame: frame, decay: Self.floorSmoothing, first: first, count: f)
            for (j, r) in floorFactors.enumerated() {
                let m = fp.baseAddress! + j * f
                if first {
                    m.update(from: s, count: f)
                } else {
                    for i in 0..<f { m[i] = min(s[i], r * m[i]) }
                }
                (out + j * f).update(from: m, count: f)
            }
        } }
    }

    /// x `(n, ch, f)` += gruOut(GRU over frames of each bin's channel vector), the GRU's state per
    /// bin carried in the workspace from the stream's previous block.
    func addRecurrence(_ gru: GRU, _ out: Linear, to x: inout Tensor, fresh: Bool, workspace ws: MaskWorkspace) {
        let n = x.shape[0], ch = channels, f = bins, g = gru.hidden
        if fresh || ws.gruState.count != f * g { ws.gruState = [Float](repeating: 0, count: f * g) }
        x.withMutablePointer { xp in ws.gruState.withUnsafeMutableBufferPointer { state in
            out.weight.withPointer { w in out.bias!.withPointer { b in
                for t in 0..<n {
                    let frame = xp + t * ch * f
                    gru.step(channelsByRows: UnsafePointer(frame), rows: f, state: state.baseAddress!, scratch: &ws.gruScratch)
                    // frame (ch × f) += W (ch × g) · stateᵀ (g × f) + b
                    BLAS.gemm(transB: true, m: ch, n: f, k: g, a: w, lda: g, b: UnsafePointer(state.baseAddress!), ldb: g,
                              beta: 1, c: frame, ldc: f)
                    for c in 0..<ch {
                        let row = frame + c * f, bc = b[c]
                        for i in 0..<f { row[i] += bc }
                    }
                }
            } }
        } }
    }
}

/// Reusable buffers of a mask computation, one per stream: a stream's masks then allocate
/// nothing once the buffers have grown to its largest block. It also holds the stream's state,
/// the running means of a mask decoder that reads them, so successive calls must be the
/// successive frames of one stream (a fresh workspace starts a new one).
public final class MaskWorkspace {
    var coarse = Tensor(zeros: [0]), low = Tensor(zeros: [0]), input = Tensor(zeros: [0]), a = Tensor(zeros: [0]), b = Tensor(zeros: [0])
    var scratch: [Float] = []
    /// The running means after the last frame masked, `(decays, bins)`; the GRU's state `(bins,
    /// hidden)`; and how many frames the workspace has masked.
    var means: [Float] = []
    /// The noise-floor trackers' smoothed level `(bins)` and floors `(rates, bins)`.
    var smooth: [Float] = [], floors: [Float] = []
    var gruState: [Float] = []
    var gruScratch: [Float] = []
    var framesSeen = 0

    public init() {}
}
