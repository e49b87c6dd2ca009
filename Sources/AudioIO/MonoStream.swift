/// The sample rate every model in attend takes, in Hz.
public let modelSampleRate = 16_000

/// Any reader's audio as mono Float at one rate (16 kHz by default), chunk by chunk:
/// channels are averaged, then libsoxr resamples (skipped when the rate already matches).
/// The reader stays available (`original`) so results can be written back at the input's
/// own rate and channel count.
///
/// ```swift
/// let stream = try MonoStream(path: "talk.ogg")
/// while let chunk = try stream.next() { feed(chunk) }   // 16 kHz mono chunks
/// ```
/// Memory is bounded by `chunkFrames`, whatever the input's length. Not thread-safe.
public final class MonoStream {
    /// The underlying reader (its `info.frames` is filled in once a stream has ended).
    public let reader: AudioFileReader
    /// Output rate in Hz.
    public let sampleRate: Int
    /// Input frames read per step.
    public let chunkFrames: Int
    private let resampler: Resampler?
    private var interleaved: [Float] = []
    private var mono: [Float] = []
    private var ended = false

    /// Format of the input as read.
    public var original: AudioInfo { reader.info }

    public init(reader: AudioFileReader, sampleRate: Int = modelSampleRate, chunkFrames: Int = 16_384) throws(AudioError) {
        precondition(chunkFrames > 0 && sampleRate > 0)
        self.reader = reader
        self.sampleRate = sampleRate
        self.chunkFrames = chunkFrames
        resampler = reader.info.sampleRate == sampleRate ? nil :
            try Resampler(inputRate: Double(reader.info.sampleRate), outputRate: Double(sampleRate),
                          channels: 1, name: reader.name)
    }

    /// Opens `path` (`"-"` for stdin) and streams it at `sampleRate`.
    public convenience init(path: String, raw: RawPCMFormat? = nil, sampleRate: Int = modelSampleRate,
                            chunkFrames: Int = 16_384) throws(AudioError) {
        try self.init(reader: AudioFileReader(path: path, raw: raw), sampleRate: sampleRate, chunkFrames: chunkFrames)
    }

    /// The next chunk of mono samples at `sampleRate` (never empty), or nil at the end.
    public func next() throws(AudioError) -> [Float]? {
        var out: [Float] = []
        return try next(into: &out) ? out : nil
    }

    /// Replaces `output` with the next chunk (never empty); false at the end. Reusing `output`
    /// avoids allocating per chunk.
    public func next(into output: inout [Float]) throws(AudioError) -> Bool {
        while !ended {
            let got = try reader.read(into: &interleaved, maxFrames: chunkFrames)
            if got == 0 {
                ended = true
                output = try resampler?.flush() ?? []
                return !output.isEmpty
            }
            if let resampler {
                Downmix.toMono(interleaved, channels: reader.info.channels, into: &mono)
                try resampler.process(mono, into: &output)
            } else {
                Downmix.toMono(interleaved, channels: reader.info.channels, into: &output)
            }
            if !output.isEmpty { return true }
        }
        return false
    }
}

/// Reads a whole file as mono Float at 16 kHz. For short files only: the result is held in
/// memory (4 bytes per output sample); use `MonoStream` for long inputs.
public func readMono16k(path: String, raw: RawPCMFormat? = nil) throws(AudioError) -> [Float] {
    let stream = try MonoStream(path: path, raw: raw)
    var all: [Float] = []
    while let chunk = try stream.next() { all += chunk }
    return all
}
