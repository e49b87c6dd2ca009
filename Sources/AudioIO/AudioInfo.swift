import CSndFile

/// What a stream holds, as read from its header (or, for a stream of unknown length, counted).
public struct AudioInfo: Sendable, Equatable, Codable {
    /// Container name, e.g. `"WAV"`, `"FLAC"`, `"OGG"`, `"AIFF"`, `"CAF"`, `"MP3"`, `"RAW"`.
    public var format: String
    /// Sample encoding, e.g. `"PCM_16"`, `"PCM_24"`, `"FLOAT"`, `"ULAW"`, `"VORBIS"`, `"OPUS"`.
    public var subtype: String
    /// Frames per second (Hz).
    public var sampleRate: Int
    /// Interleaved channels per frame.
    public var channels: Int
    /// Frames (samples per channel), or `nil` while unknown (a stream not yet read to its end).
    public var frames: Int?

    public init(format: String, subtype: String, sampleRate: Int, channels: Int, frames: Int?) {
        self.format = format
        self.subtype = subtype
        self.sampleRate = sampleRate
        self.channels = channels
        self.frames = frames
    }

    /// Length in seconds, `nil` when `frames` is unknown.
    public var duration: Double? { frames.map { Double($0) / Double(sampleRate) } }

    /// Inclusive limits a header must respect to be believed.
    public static let sampleRateRange = 1...768_000
    public static let channelRange = 1...256
}

/// Short names for libsndfile's major formats and subtypes (the ones python-soundfile uses).
enum SndfileNames {
    static func format(_ code: Int32) -> String {
        switch code & Int32(SF_FORMAT_TYPEMASK) {
        case Int32(SF_FORMAT_WAV): return "WAV"
        case Int32(SF_FORMAT_AIFF): return "AIFF"
        case Int32(SF_FORMAT_AU): return "AU"
        case Int32(SF_FORMAT_RAW): return "RAW"
        case Int32(SF_FORMAT_PAF): return "PAF"
        case Int32(SF_FORMAT_SVX): return "SVX"
        case Int32(SF_FORMAT_NIST): return "NIST"
        case Int32(SF_FORMAT_VOC): return "VOC"
        case Int32(SF_FORMAT_IRCAM): return "IRCAM"
        case Int32(SF_FORMAT_W64): return "W64"
        case Int32(SF_FORMAT_MAT4): return "MAT4"
        case Int32(SF_FORMAT_MAT5): return "MAT5"
        case Int32(SF_FORMAT_PVF): return "PVF"
        case Int32(SF_FORMAT_XI): return "XI"
        case Int32(SF_FORMAT_HTK): return "HTK"
        case Int32(SF_FORMAT_SDS): return "SDS"
        case Int32(SF_FORMAT_AVR): return "AVR"
        case Int32(SF_FORMAT_WAVEX): return "WAVEX"
        case Int32(SF_FORMAT_SD2): return "SD2"
        case Int32(SF_FORMAT_FLAC): return "FLAC"
        case Int32(SF_FORMAT_CAF): return "CAF"
        case Int32(SF_FORMAT_WVE): return "WVE"
        case Int32(SF_FORMAT_OGG): return "OGG"
        case Int32(SF_FORMAT_MPC2K): return "MPC2K"
        case Int32(SF_FORMAT_RF64): return "RF64"
        case Int32(SF_FORMAT_MPEG): return "MP3"
        default: return String(format: "0x%06x", Int(code & Int32(SF_FORMAT_TYPEMASK)))
        }
    }

    static func subtype(_ code: Int32) -> String {
        switch code & Int32(SF_FORMAT_SUBMASK) {
        case Int32(SF_FORMAT_PCM_S8): return "PCM_S8"
        case Int32(SF_FORMAT_PCM_16): return "PCM_16"
        case Int32(SF_FORMAT_PCM_24): return "PCM_24"
        case Int32(SF_FORMAT_PCM_32): return "PCM_32"
        case Int32(SF_FORMAT_PCM_U8): return "PCM_U8"
        case Int32(SF_FORMAT_FLOAT): return "FLOAT"
        case Int32(SF_FORMAT_DOUBLE): return "DOUBLE"
        case Int32(SF_FORMAT_ULAW): return "ULAW"
        case Int32(SF_FORMAT_ALAW): return "ALAW"
        case Int32(SF_FORMAT_IMA_ADPCM): return "IMA_ADPCM"
        case Int32(SF_FORMAT_MS_ADPCM): return "MS_ADPCM"
        case Int32(SF_FORMAT_GSM610): return "GSM610"
        case Int32(SF_FORMAT_VOX_ADPCM): return "VOX_ADPCM"
        case Int32(SF_FORMAT_G721_32): return "G721_32"
        case Int32(SF_FORMAT_G723_24): return "G723_24"
        case Int32(SF_FORMAT_G723_40): return "G723_40"
        case Int32(SF_FORMAT_DWVW_12): return "DWVW_12"
        case Int32(SF_FORMAT_DWVW_16): return "DWVW_16"
        case Int32(SF_FORMAT_DWVW_24): return "DWVW_24"
        case Int32(SF_FORMAT_DWVW_N): return "DWVW_N"
        case Int32(SF_FORMAT_DPCM_8): return "DPCM_8"
        case Int32(SF_FORMAT_DPCM_16): return "DPCM_16"
        case Int32(SF_FORMAT_VORBIS): return "VORBIS"
        case Int32(SF_FORMAT_OPUS): return "OPUS"
        case Int32(SF_FORMAT_ALAC_16): return "ALAC_16"
        case Int32(SF_FORMAT_ALAC_20): return "ALAC_20"
        case Int32(SF_FORMAT_ALAC_24): return "ALAC_24"
        case Int32(SF_FORMAT_ALAC_32): return "ALAC_32"
        case Int32(SF_FORMAT_MPEG_LAYER_I): return "MPEG_LAYER_I"
        case Int32(SF_FORMAT_MPEG_LAYER_II): return "MPEG_LAYER_II"
        case Int32(SF_FORMAT_MPEG_LAYER_III): return "MPEG_LAYER_III"
        default: return String(format: "0x%04x", Int(code & Int32(SF_FORMAT_SUBMASK)))
        }
    }
}
