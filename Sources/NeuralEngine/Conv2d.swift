/// 2-D convolution over (time, frequency) on time-major feature maps `(frames, channels, bins)`.
///
/// This is PyTorch's `(C, T, F)` layout permuted to `(T, C, F)`, so a frame's `C · F` values are
/// contiguous and flattening them matches `x.permute(1, 0, 2).reshape(T, C * F)` in PyTorch.
/// Weight layout `(out, in/groups, kh, kw)` with kh over time and kw over frequency. Causal in
/// time: `kh − 1` frames of zeros on the left, none on the right; frequency padding `padFreq`
/// bins on both sides. Runs as im2col + one sgemm per group, then a transpose to `(T, C, F)`.
public struct Conv2d: Sendable {
    /// Weight, `(outChannels, inChannels / groups, kernelTime, kernelFreq)`.
    public let weight: Tensor
    /// Bias, `(outChannels)`, or nil.
    public let bias: Tensor?
    public let groups: Int
    public let strideTime: Int
    public let strideFreq: Int
    public let padFreq: Int

    public var outChannels: Int { weight.shape[0] }
    public var inChannels: Int { weight.shape[1] * groups }
    public var kernelTime: Int { weight.shape[2] }
    public var kernelFreq: Int { weight.shape[3] }

    public init(weight: Tensor, bias: Tensor?, groups: Int = 1, strideTime: Int = 1, strideFreq: Int = 1, padFreq: Int = 0) {
        precondition(weight.rank == 4, "Conv2d: weight must be (out, in/groups, kh, kw), got \(weight.shape)")
        precondition(weight.shape[0] % groups == 0, "Conv2d: \(weight.shape[0]) outputs not divisible by \(groups) groups")
        self.weight = weight
        self.bias = bias
        self.groups = groups
        self.strideTime = strideTime
        self.strideFreq = strideFreq
        self.padFreq = padFreq
    }

    /// Output bins for `bins` input bins.
    public func outputBins(_ bins: Int) -> Int { (bins + 2 * padFreq - kernelFreq) / strideFreq + 1 }

    /// Output frames of the causal offline pass over `frames` input frames.
    public func outputFrames(_ frames: Int) -> Int { frames <= 0 ? 0 : (frames - 1) / strideTime + 1 }

    /// Causal offline convolution of `x` `(frames, inChannels, bins)` into `y`
    /// `(outputFrames, outChannels, outputBins)`. `scratch` is reused between calls.
    public func callAsFunction(_ x: Tensor, into y: inout Tensor, scratch: inout [Float]) {
        precondition(x.rank == 3 && x.shape[1] == inChannels, "Conv2d: input \(x.shape), expected (frames, \(inChannels), bins)")
        let t = x.shape[0], f = x.shape[2], frame = inChannels * f
        let h = kernelTime - 1
        let padded = t + h
        let tout = outputFrames(t)
        y.resize(tout, outChannels, outputBins(f))
        let need = padded * frame + scratchCount(outFrames: tout, bins: f)
        if scratch.count < need { scratch = [Float](repeating: 0, count: need) }
        scratch.withUnsafeMutableBufferPointer { sp in
            let xp = sp.baseAddress!
            xp.update(repeating: 0, count: h * frame)
            x.withPointer { (xp + h * frame).update(from: $0, count: t * frame) }
            _ = y.withMutablePointer { yp in
                valid(UnsafePointer(xp), frames: padded, bins: f, into: yp, scratch: xp + padded * frame)
            }
        }
    }

    /// Floats of scratch `valid` needs for `outFrames` output frames of `bins`-bin input.
    public func scratchCount(outFrames: Int, bins: Int) -> Int {
        let fo = outputBins(bins)
        return outFrames * fo * (inChannels / groups) * kernelTime * kernelFreq + outFrames * fo * outChannels
    }

    /// Unpadded in time: `frames` input frames at `x` give `(frames − kh)/strideTime + 1` output
    /// frames at `y`. Frequency padding is applied here. Returns the number of output frames.
    @discardableResult
    public func valid(_ x: UnsafePointer<Float>, frames: Int, bins f: Int, into y: UnsafeMutablePointer<Float>,
                      scratch: UnsafeMutablePointer<Float>) -> Int {
        let kh = kernelTime, kw = kernelFreq, cin = inChannels, cout = outChannels
        guard frames >= kh else { return 0 }
        let tout = (frames - kh) / strideTime + 1
        let fo = outputBins(f)
        let cinG = cin / groups, coutG = cout / groups, kk = cinG * kh * kw
        if strideFreq == 1 {
            frequencyStrideOne(x, outFrames: tout, bins: f, into: y, scratch: scratch)
            return tout
        }
        let rows = tout * fo
        let columns = scratch, product = scratch + rows * kk
        weight.withPointer { w in
            for g in 0..<groups {
                // columns[(t, fo), (ci, i, j)] = x[t·st + i, g·cinG + ci, fo·sf + j − pf]
                for t in 0..<tout {
                    for o in 0..<fo {
                        var col = columns + (t * fo + o) * kk
                        for ci in 0..<cinG {
                            for i in 0..<kh {
                                let src = x + ((t * strideTime + i) * cin + g * cinG + ci) * f
                                let f0 = o * strideFreq - padFreq
                                for j in 0..<kw {
                                    let fi = f0 + j
                                    col[j] = (fi >= 0 && fi < f) ? src[fi] : 0
                                }
                                col += kw
                            }
                        }
                    }
                }
                BLAS.gemm(transB: true, m: rows, n: coutG, k: kk, a: columns, lda: kk,
                          b: w + g * coutG * kk, ldb: kk, c: product + g * coutG, ldc: cout)
            }
        }
        // product (t, fo, cout) → y (t, cout, fo), plus bias.
        let zeroBias = [Float](repeating: 0, count: bias == nil ? cout : 0)
        (bias?.data ?? zeroBias).withUnsafeBufferPointer { b in
            for t in 0..<tout {
                for c in 0..<cout {
                    let yr = y + (t * cout + c) * fo
                    let bc = b[c]
                    for o in 0..<fo { yr[o] = product[(t * fo + o) * cout + c] + bc }
                }
            }
        }
        return tout
    }

    /// `valid` for stride 1 in frequency, one output frame at a time: each row of the transposed
    /// column matrix, `(ci, i, j) × outputBins`, is a shifted copy of an input row, and one sgemm
    /// per frame and group writes the frame's `(outChannels, outputBins)` block in place.
    private func frequencyStrideOne(_ x: UnsafePointer<Float>, outFrames tout: Int, bins f: Int,
                                    into y: UnsafeMutablePointer<Float>, scratch columns: UnsafeMutablePointer<Float>) {
        let kh = kernelTime, kw = kernelFreq, cin = inChannels, cout = outChannels
        let fo = outputBins(f)
        let cinG = cin / groups, coutG = cout / groups, kk = cinG * kh * kw
        weight.withPointer { w in
            for t in 0..<tout {
                for g in 0..<groups {
                    // columns[(ci, i, j), o] = x[t·st + i, g·cinG + ci, o + j − pf], zero outside the bins.
                    var row = columns
                    for ci in 0..<cinG {
                        for i in 0..<kh {
                            let src = x + ((t * strideTime + i) * cin + g * cinG + ci) * f
                            for j in 0..<kw {
                                let shift = j - padFreq
                                let lo = min(max(0, -shift), fo), hi = max(lo, min(fo, f - shift))
                                if lo > 0 { row.update(repeating: 0, count: lo) }
                                if hi > lo { (row + lo).update(from: src + lo + shift, count: hi - lo) }
                                if hi < fo { (row + hi).update(repeating: 0, count: fo - hi) }
                                row += fo
                            }
                        }
                    }
                    let out = y + (t * cout + g * coutG) * fo
                    for c in 0..<coutG {
                        (out + c * fo).update(repeating: bias?.data[g * coutG + c] ?? 0, count: fo)
                    }
                    BLAS.gemm(m: coutG, n: fo, k: kk, a: w + g * coutG * kk, lda: kk, b: columns, ldb: fo,
                              beta: 1, c: out, ldc: fo)
                }
            }
        }
    }
}

/// Streaming state for a causal `Conv2d` with `strideTime == 1`: keeps the last `kh − 1` input
/// frames, so chunks of any size give the same output as one offline pass, frame for frame.
public struct Conv2dStream: Sendable {
    public let conv: Conv2d
    public let bins: Int
    private var buffer: [Float]
    private var scratch: [Float]

    public init(_ conv: Conv2d, bins: Int) {
        precondition(conv.strideTime == 1, "Conv2dStream: stride in time must be 1")
        self.conv = conv
        self.bins = bins
        buffer = [Float](repeating: 0, count: (conv.kernelTime - 1) * conv.inChannels * bins)
        scratch = []
    }

    /// Forgets the history.
    public mutating func reset() {
        let n = (conv.kernelTime - 1) * conv.inChannels * bins
        buffer.withUnsafeMutableBufferPointer { $0.baseAddress!.update(repeating: 0, count: n) }
    }

    /// Convolves `x` `(frames, inChannels, bins)` → `y` `(frames, outChannels, outputBins)`.
    public mutating func process(_ x: Tensor, into y: inout Tensor) {
        precondition(x.rank == 3 && x.shape[1] == conv.inChannels && x.shape[2] == bins, "Conv2dStream: input \(x.shape)")
        let n = x.shape[0], frame = conv.inChannels * bins, h = conv.kernelTime - 1
        y.resize(n, conv.outChannels, conv.outputBins(bins))
        guard n > 0 else { return }
        let need = (h + n) * frame
        if buffer.count < need { buffer.append(contentsOf: repeatElement(0, count: need - buffer.count)) }
        let sNeed = conv.scratchCount(outFrames: n, bins: bins)
        if scratch.count < sNeed { scratch = [Float](repeating: 0, count: sNeed) }
        let conv = self.conv, bins = self.bins
        buffer.withUnsafeMutableBufferPointer { bp in scratch.withUnsafeMutableBufferPointer { sp in
            let b = bp.baseAddress!
            x.withPointer { (b + h * frame).update(from: $0, count: n * frame) }
            _ = y.withMutablePointer { yp in
                conv.valid(UnsafePointer(b), frames: h + n, bins: bins, into: yp, scratch: sp.baseAddress!)
            }
            b.update(from: b + n * frame, count: h * frame)
        } }
    }
}
