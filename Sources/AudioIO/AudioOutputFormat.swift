import CSndFile

/// File formats `AudioFileWriter` writes.
public enum AudioOutputFormat: String, CaseIterable, Sendable, Codable {
    /// WAV, 16-bit signed PCM.
    case wav16
    /// WAV, 24-bit signed PCM.
    case wav24
    /// WAV, 32-bit IEEE float (no clipping).
    case wavFloat
    /// FLAC, 16-bit.
    case flac16
    /// FLAC, 24-bit.
    case flac24

    var sndfileFormat: Int32 {
        switch self {
        case .wav16: return Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        case .wav24: return Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_24)
        case .wavFloat: return Int32(SF_FORMAT_WAV | SF_FORMAT_FLOAT)
        case .flac16: return Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16)
        case .flac24: return Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_24)
        }
    }

    /// The same encoding as headerless little-endian PCM (for streaming WAV to a pipe).
    var rawBodyFormat: Int32? {
        switch self {
        case .wav16: return Int32(SF_FORMAT_RAW | SF_FORMAT_PCM_16 | SF_ENDIAN_LITTLE)
        case .wav24: return Int32(SF_FORMAT_RAW | SF_FORMAT_PCM_24 | SF_ENDIAN_LITTLE)
        case .wavFloat: return Int32(SF_FORMAT_RAW | SF_FORMAT_FLOAT | SF_ENDIAN_LITTLE)
        case .flac16, .flac24: return nil
        }
    }

    var bitsPerSample: Int {
        switch self {
        case .wav16, .flac16: return 16
        case .wav24, .flac24: return 24
        case .wavFloat: return 32
        }
    }

    /// Picks a format from a path's extension: `.flac` → `flac24`, anything else → `wav16`
    /// (`wavFloat` is never guessed: ask for it).
    public static func guess(path: String) -> AudioOutputFormat {
        path.lowercased().hasSuffix(".flac") ? .flac24 : .wav16
    }
}
