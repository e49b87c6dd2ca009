/// Channel conversion for interleaved Float audio.
public enum Downmix {
    /// Averages the channels of interleaved `input` (`frames × channels`) into `output`
    /// (resized to `frames`). Mono input is copied.
    public static func toMono(_ input: [Float], channels: Int, into output: inout [Float]) {
        precondition(channels > 0 && input.count % channels == 0, "input must hold whole frames")
        let frames = input.count / channels
        if output.count != frames { output = [Float](repeating: 0, count: frames) }
        if channels == 1 { output.withUnsafeMutableBufferPointer { o in _ = o.initialize(from: input) }; return }
        let scale = 1 / Float(channels)
        input.withUnsafeBufferPointer { i in
            output.withUnsafeMutableBufferPointer { o in
                for f in 0..<frames {
                    var s: Float = 0
                    let base = f * channels
                    for c in 0..<channels { s += i[base + c] }
                    o[f] = s * scale
                }
            }
        }
    }

    /// Averages the channels of interleaved `input` into a new mono array.
    public static func toMono(_ input: [Float], channels: Int) -> [Float] {
        var out: [Float] = []
        toMono(input, channels: channels, into: &out)
        return out
    }
}

/// Checks that every sample is finite.
/// - Parameters:
///   - samples: interleaved samples.
///   - channels: to turn the first bad index into a frame number.
///   - firstFrame: frame index of `samples[0]` within the stream, for the message.
///   - file: named in the error.
/// - Throws: `AudioError.nonFiniteSample` at the first NaN or ±Inf.
public func validateFinite(_ samples: [Float], channels: Int = 1, firstFrame: Int = 0, file: String) throws(AudioError) {
    if let bad = samples.firstIndex(where: { !$0.isFinite }) {
        throw .nonFiniteSample(file, frame: firstFrame + bad / max(channels, 1))
    }
}
