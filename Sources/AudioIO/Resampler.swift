import CSoxr

/// Streaming sample-rate conversion with libsoxr at high quality (`SOXR_HQ`: 20-bit, steep
/// low-pass at ~0.913 of the lower Nyquist frequency).
///
/// Push interleaved chunks of any size with `process`, then call `flush` once at the end.
/// The total output over all calls is exactly `round(inputFrames × outputRate / inputRate)`
/// frames, aligned with the input (libsoxr's filter delay is compensated).
///
/// ```swift
/// let r = try Resampler(inputRate: 44_100, outputRate: 16_000, channels: 1)
/// var out = try r.process(chunk1) + r.process(chunk2)
/// out += try r.flush()
/// ```
/// Not thread-safe; one resampler per stream.
public final class Resampler {
    public let inputRate: Double
    public let outputRate: Double
    public let channels: Int
    /// Named in errors.
    public let name: String
    private let soxr: soxr_t
    private var framesIn = 0
    private var framesOut = 0
    private var scratch: [Float] = []
    private var flushed = false

    /// - Parameters:
    ///   - inputRate, outputRate: Hz, both positive.
    ///   - channels: interleaved channels per frame.
    public init(inputRate: Double, outputRate: Double, channels: Int, name: String = "resampler") throws(AudioError) {
        precondition(inputRate > 0 && outputRate > 0 && channels > 0)
        self.inputRate = inputRate
        self.outputRate = outputRate
        self.channels = channels
        self.name = name
        var io = soxr_io_spec_t(itype: SOXR_FLOAT32_I, otype: SOXR_FLOAT32_I, scale: 1, e: nil, flags: 0)
        var quality = soxr_quality_spec(UInt(SOXR_HQ), 0)
        var error: soxr_error_t?
        let handle = soxr_create(inputRate, outputRate, UInt32(channels), &error, &io, &quality, nil)
        guard let handle, error == nil else {
            throw .resampleFailed(name, message: error.map { String(cString: $0) } ?? "soxr_create failed")
        }
        soxr = handle
    }

    deinit { soxr_delete(soxr) }

    /// Output frames owed for `frames` input frames in total.
    public func expectedOutputFrames(forInputFrames frames: Int) -> Int {
        Int((Double(frames) * outputRate / inputRate).rounded())
    }

    /// Feeds interleaved input; returns whatever output is ready (possibly empty).
    public func process(_ input: [Float]) throws(AudioError) -> [Float] {
        var out: [Float] = []
        try process(input, into: &out)
        return out
    }

    /// Feeds interleaved input and replaces `output`'s contents with the output that is ready.
    /// Reusing `output` (and its capacity) across calls avoids allocating per chunk.
    public func process(_ input: [Float], into output: inout [Float]) throws(AudioError) {
        precondition(!flushed, "process after flush")
        precondition(input.count % channels == 0, "input must hold whole frames")
        let frames = input.count / channels
        framesIn += frames
        output.removeAll(keepingCapacity: true)
        try input.withUnsafeBufferPointer { (buf) throws(AudioError) in
            try run(buf.baseAddress, frames: frames, into: &output)
        }
    }

    /// Drains the filter at the end of the input; returns the last output frames. Call once.
    public func flush() throws(AudioError) -> [Float] {
        precondition(!flushed, "flush called twice")
        flushed = true
        var out: [Float] = []
        try run(nil, frames: 0, into: &out)
        let owed = expectedOutputFrames(forInputFrames: framesIn) - framesOut
        if owed > 0 { out += [Float](repeating: 0, count: owed * channels); framesOut += owed }
        return out
    }

    private func run(_ input: UnsafePointer<Float>?, frames: Int, into out: inout [Float]) throws(AudioError) {
        let target = expectedOutputFrames(forInputFrames: framesIn)
        var offset = 0
        while true {
            let capacity = max(Int(Double(frames - offset) * outputRate / inputRate) + 64, 4096)
            if scratch.count < capacity * channels { scratch = [Float](repeating: 0, count: capacity * channels) }
            var idone = 0, odone = 0
            let err: soxr_error_t? = scratch.withUnsafeMutableBufferPointer { o in
                if let input {
                    return soxr_process(soxr, input + offset * channels, frames - offset, &idone,
                                        o.baseAddress, capacity, &odone)
                }
                return soxr_process(soxr, nil, 0, nil, o.baseAddress, capacity, &odone)
            }
            if let err { throw .resampleFailed(name, message: String(cString: err)) }
            offset += idone
            let keep = min(odone, max(target - framesOut, 0))
            if keep > 0 { out.append(contentsOf: scratch[0..<keep * channels]); framesOut += keep }
            let inputLeft = input != nil && offset < frames
            if !inputLeft && odone < capacity { break }
        }
    }
}
