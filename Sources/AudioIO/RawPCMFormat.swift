import CSndFile

/// Sample encodings accepted for headerless PCM (`--raw`). Names follow ffmpeg/sox:
/// signedness, bits, byte order.
public enum RawSampleFormat: String, CaseIterable, Sendable, Codable {
    case s16le, s16be, s24le, s32le, f32le, u8

    var sndfileFormat: Int32 {
        let sub: Int32
        var endian = Int32(SF_ENDIAN_LITTLE)
        switch self {
        case .s16le: sub = Int32(SF_FORMAT_PCM_16)
        case .s16be: sub = Int32(SF_FORMAT_PCM_16); endian = Int32(SF_ENDIAN_BIG)
        case .s24le: sub = Int32(SF_FORMAT_PCM_24)
        case .s32le: sub = Int32(SF_FORMAT_PCM_32)
        case .f32le: sub = Int32(SF_FORMAT_FLOAT)
        case .u8: sub = Int32(SF_FORMAT_PCM_U8)
        }
        return Int32(SF_FORMAT_RAW) | sub | endian
    }
}

/// A user's description of headerless PCM: encoding, rate (Hz) and interleaved channel count.
public struct RawPCMFormat: Sendable, Equatable, Codable {
    public var sample: RawSampleFormat
    public var sampleRate: Int
    public var channels: Int

    public init(sample: RawSampleFormat, sampleRate: Int, channels: Int) {
        self.sample = sample
        self.sampleRate = sampleRate
        self.channels = channels
    }

    /// Checks the rate and channel count against `AudioInfo`'s limits.
    /// - Parameter file: named in the error.
    public func validate(file: String) throws(AudioError) {
        guard AudioInfo.sampleRateRange.contains(sampleRate) else {
            throw .badRawFormat(file, reason: "sample rate \(sampleRate) Hz is outside 1...768000")
        }
        guard AudioInfo.channelRange.contains(channels) else {
            throw .badRawFormat(file, reason: "channel count \(channels) is outside 1...256")
        }
    }
}
