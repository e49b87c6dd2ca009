/// 1-D convolution over time on time-major sequences `(frames, channels)`, stride 1.
///
/// Weight layout is PyTorch's `(out, in/groups, kernel)`. Padding is given in frames on each
/// side: causal is `(kernel − 1, 0)`, PyTorch's symmetric `padding=p` is `(p, p)`. Depthwise
/// convolution (groups = in = out) runs as a vectorised loop over channels; other group counts
/// run as im2col + sgemm per group.
public struct Conv1d: Sendable {
    /// Weight, `(outChannels, inChannels / groups, kernelSize)`.
    public let weight: Tensor
    /// Bias, `(outChannels)`, or nil.
    public let bias: Tensor?
    public let groups: Int
    public let padLeft: Int
    public let padRight: Int
    /// Depthwise weight transposed to `(kernelSize, channels)` for the channel-inner loop.
    let depthwiseTaps: [Float]

    public var outChannels: Int { weight.shape[0] }
    public var inChannels: Int { weight.shape[1] * groups }
    public var kernelSize: Int { weight.shape[2] }
    public var isDepthwise: Bool { groups == inChannels && groups == outChannels }

    /// - Parameters:
    ///   - causal: pad `kernelSize − 1` frames on the left and none on the right; overrides `padding`.
    ///   - padding: frames of zeros on each side when not causal.
    public init(weight: Tensor, bias: Tensor?, groups: Int = 1, causal: Bool, padding: Int = 0) {
        precondition(weight.rank == 3, "Conv1d: weight must be (out, in/groups, k), got \(weight.shape)")
        precondition(weight.shape[0] % groups == 0, "Conv1d: \(weight.shape[0]) outputs not divisible by \(groups) groups")
        self.weight = weight
        self.bias = bias
        self.groups = groups
        let k = weight.shape[2]
        self.padLeft = causal ? k - 1 : padding
        self.padRight = causal ? 0 : padding
        if groups == weight.shape[0] && weight.shape[1] == 1 {
            let c = weight.shape[0]
            var taps = [Float](repeating: 0, count: k * c)
            for ch in 0..<c { for j in 0..<k { taps[j * c + ch] = weight.data[ch * k + j] } }
            depthwiseTaps = taps
        } else {
            depthwiseTaps = []
        }
    }

    /// Output frames for `frames` input frames.
    public func outputFrames(_ frames: Int) -> Int { max(0, frames + padLeft + padRight - kernelSize + 1) }

    /// Convolves `x` `(frames, inChannels)` into `y` `(outputFrames, outChannels)`; `scratch` is
    /// reused between calls (padded input and im2col columns).
    public func callAsFunction(_ x: Tensor, into y: inout Tensor, scratch: inout [Float]) {
        precondition(x.rank == 2 && x.shape[1] == inChannels, "Conv1d: input \(x.shape), expected (frames, \(inChannels))")
        let t = x.shape[0], cin = inChannels
        let padded = t + padLeft + padRight
        let tout = outputFrames(t)
        y.resize(rows: tout, columns: outChannels)
        let colCount = isDepthwise ? 0 : tout * (cin / groups) * kernelSize
        let need = padded * cin + colCount
        if scratch.count < need { scratch = [Float](repeating: 0, count: need) }
        scratch.withUnsafeMutableBufferPointer { sp in
            let xp = sp.baseAddress!
            xp.update(repeating: 0, count: padLeft * cin)
            x.withPointer { (xp + padLeft * cin).update(from: $0, count: t * cin) }
            (xp + (padLeft + t) * cin).update(repeating: 0, count: padRight * cin)
            y.withMutablePointer { yp in valid(UnsafePointer(xp), frames: padded, into: yp, columns: xp + padded * cin) }
        }
    }

    /// Unpadded ("valid") convolution of `frames` contiguous input frames at `x` into
    /// `frames − kernelSize + 1` output frames at `y`. `columns` must hold
    /// `outFrames · (in/groups) · kernelSize` floats unless the convolution is depthwise.
    public func valid(_ x: UnsafePointer<Float>, frames: Int, into y: UnsafeMutablePointer<Float>,
                      columns: UnsafeMutablePointer<Float>) {
        let k = kernelSize, cout = outChannels, cin = inChannels
        let tout = frames - k + 1
        guard tout > 0 else { return }
        if let bias {
            bias.withPointer { b in for t in 0..<tout { (y + t * cout).update(from: b, count: cout) } }
        } else {
            y.update(repeating: 0, count: tout * cout)
        }
        if isDepthwise {
            depthwiseTaps.withUnsafeBufferPointer { w in
                for t in 0..<tout {
                    let yr = y + t * cout
                    for j in 0..<k {
                        let xr = x + (t + j) * cin, wr = w.baseAddress! + j * cout
                        for c in 0..<cout { yr[c] += wr[c] * xr[c] }
                    }
                }
            }
            return
        }
        let cinG = cin / groups, coutG = cout / groups, kk = cinG * k
        weight.withPointer { w in
            for g in 0..<groups {
                // columns[t, ci * k + j] = x[t + j, g * cinG + ci]
                for t in 0..<tout {
                    let col = columns + t * kk
                    for ci in 0..<cinG {
                        let src = x + t * cin + g * cinG + ci
                        for j in 0..<k { col[ci * k + j] = src[j * cin] }
                    }
                }
                BLAS.gemm(transB: true, m: tout, n: coutG, k: kk, a: columns, lda: kk,
                          b: w + g * coutG * kk, ldb: kk, beta: 1, c: y + g * coutG, ldc: cout)
            }
        }
    }
}

/// Streaming state for a causal `Conv1d`: keeps the last `kernelSize − 1` input frames so that
/// feeding a sequence in chunks of any size gives the same output as one offline causal pass.
/// One output frame per input frame. Buffers grow to the largest chunk seen and are then reused.
public struct Conv1dStream: Sendable {
    public let conv: Conv1d
    private var buffer: [Float]
    private var columns: [Float]
    /// Input frames consumed so far.
    public private(set) var framesSeen = 0

    public init(_ conv: Conv1d) {
        precondition(conv.padRight == 0 && conv.padLeft == conv.kernelSize - 1, "Conv1dStream: the convolution must be causal")
        self.conv = conv
        buffer = [Float](repeating: 0, count: (conv.kernelSize - 1) * conv.inChannels)
        columns = []
    }

    /// Forgets the history (the next frame is the first of a new stream).
    public mutating func reset() {
        let n = (conv.kernelSize - 1) * conv.inChannels
        buffer.withUnsafeMutableBufferPointer { $0.baseAddress!.update(repeating: 0, count: n) }
        framesSeen = 0
    }

    /// Convolves `x` `(frames, inChannels)` → `y` `(frames, outChannels)`, continuing the stream.
    public mutating func process(_ x: Tensor, into y: inout Tensor) {
        precondition(x.rank == 2 && x.shape[1] == conv.inChannels, "Conv1dStream: input \(x.shape)")
        let n = x.shape[0]
        y.resize(rows: n, columns: conv.outChannels)
        x.withPointer { xp in y.withMutablePointer { yp in process(xp, frames: n, into: yp) } }
    }

    /// Pointer form of `process`: `frames` contiguous input frames → `frames` output frames.
    public mutating func process(_ x: UnsafePointer<Float>, frames n: Int, into y: UnsafeMutablePointer<Float>) {
        guard n > 0 else { return }
        let h = conv.kernelSize - 1, cin = conv.inChannels
        let need = (h + n) * cin
        if buffer.count < need { buffer.append(contentsOf: repeatElement(0, count: need - buffer.count)) }
        let colNeed = conv.isDepthwise ? 1 : n * (cin / conv.groups) * conv.kernelSize
        if columns.count < colNeed { columns = [Float](repeating: 0, count: colNeed) }
        let conv = self.conv
        buffer.withUnsafeMutableBufferPointer { bp in columns.withUnsafeMutableBufferPointer { cp in
            let b = bp.baseAddress!
            (b + h * cin).update(from: x, count: n * cin)
            conv.valid(UnsafePointer(b), frames: h + n, into: y, columns: cp.baseAddress!)
            // Keep the last h frames as history for the next call.
            b.update(from: b + n * cin, count: h * cin)
        } }
        framesSeen += n
    }
}
