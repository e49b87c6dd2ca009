import Foundation

/// A phone's time span, in seconds from the start of the audio.
public struct PhoneTiming: Equatable, Sendable {
    public var phone: String
    public var start: Double
    public var end: Double

    public init(phone: String, start: Double, end: Double) {
        self.phone = phone
        self.start = start
        self.end = end
    }
}

/// A word's time span (seconds), its confidence in [0, 1] and its phones.
public struct WordTiming: Equatable, Sendable {
    public var word: String
    public var start: Double
    public var end: Double
    public var confidence: Double
    public var phones: [PhoneTiming]

    public init(word: String, start: Double, end: Double, confidence: Double, phones: [PhoneTiming] = []) {
        self.word = word
        self.start = start
        self.end = end
        self.confidence = confidence
        self.phones = phones
    }
}

/// The alignment of one audio file: what `attend align` writes.
public struct AlignmentResult: Equatable, Sendable {
    /// The audio's path (or `-` for stdin) as the user gave it.
    public var audio: String
    /// Duration of the audio in seconds.
    public var duration: Double
    /// The transcript's words, in order, each exactly once.
    public var words: [WordTiming]

    public init(audio: String, duration: Double, words: [WordTiming]) {
        self.audio = audio
        self.duration = duration
        self.words = words
    }
}

/// Output formats of `attend align` (`--format`).
public enum AlignmentFormat: String, CaseIterable, Sendable {
    /// `{"audio", "duration", "words": [{"word", "start", "end", "confidence", "phones": [{"phone", "start", "end"}]}]}`
    case json
    /// Praat TextGrid (long text format) with interval tiers `words` and `phones`; gaps are empty intervals.
    case textgrid
    /// SubRip: one cue per word.
    case srt
    /// WebVTT: one cue per word.
    case vtt
    /// NIST CTM: `<file> 1 <start> <duration> <word> <confidence>` per word.
    case ctm
    /// Audacity label track: `start<TAB>end<TAB>word` per word.
    case audacity
    /// Tab-separated values with a header: `word start end confidence`.
    case tsv

    /// The usual file extension for this format.
    public var fileExtension: String {
        switch self {
        case .json: return "json"
        case .textgrid: return "TextGrid"
        case .srt: return "srt"
        case .vtt: return "vtt"
        case .ctm: return "ctm"
        case .audacity: return "txt"
        case .tsv: return "tsv"
        }
    }

    /// The format an output path's extension names, if any (case-insensitive).
    public init?(pathExtension ext: String) {
        let lower = ext.lowercased()
        guard let match = Self.allCases.first(where: { $0.fileExtension.lowercased() == lower }) else { return nil }
        self = match
    }
}
