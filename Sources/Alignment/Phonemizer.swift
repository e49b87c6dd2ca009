import CEspeak
import Foundation

/// Errors from turning text into phonemes.
public enum PhonemizerError: Error, CustomStringConvertible, Equatable {
    case initialisationFailed
    case unknownVoice(String)

    public var description: String {
        switch self {
        case .initialisationFailed: return "libespeak-ng could not be initialised (is espeak-ng-data installed?)"
        case .unknownVoice(let v): return "libespeak-ng has no voice '\(v)'"
        }
    }
}

/// Text → phonemes through libespeak-ng (`espeak_TextToPhonemes`), one word at a time.
///
/// Phonemes are espeak-ng's ASCII mnemonics (Kirshenbaum-like: `h @ l oU`) with stress and
/// syllable marks removed. Numbers, abbreviations and unknown words are expanded by espeak's
/// own rules ("1984" → the phonemes of "nineteen eighty-four"), so no word is dropped.
///
/// libespeak-ng keeps global state, so every call goes through one process-wide lock.
/// ```swift
/// let g2p = try Phonemizer(voice: "en-us")
/// g2p.phonemes(of: "hello")   // ["h", "@", "l", "oU"]
/// ```
public final class Phonemizer: @unchecked Sendable {
    /// The espeak-ng voice (language) used, e.g. `en-us`.
    public let voice: String

    private static let lock = NSLock()
    nonisolated(unsafe) private static var initialised = false
    nonisolated(unsafe) private static var currentVoice: String?

    /// Marks espeak writes inside a phoneme string that are not phonemes: primary and secondary
    /// stress, syllable and word-boundary marks.
    private static let nonPhonemeMarks: Set<Character> = ["'", ",", "%", "=", "|"]

    public init(voice: String = "en-us") throws {
        self.voice = voice
        try Self.lock.withLock {
            if !Self.initialised {
                // 0x8000 = espeakINITIALIZE_DONT_EXIT: report errors instead of calling exit().
                let rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nil, 0x8000)
                guard rate > 0 else { throw PhonemizerError.initialisationFailed }
                Self.initialised = true
            }
            try Self.select(voice)
        }
    }

    private static func select(_ voice: String) throws {
        guard currentVoice != voice else { return }
        guard espeak_SetVoiceByName(voice) == EE_OK else { throw PhonemizerError.unknownVoice(voice) }
        currentVoice = voice
    }

    /// The phonemes of one word (or any short text: its words' phonemes are concatenated).
    /// Returns an empty array for text espeak does not pronounce (punctuation, symbols).
    public func phonemes(of text: String) -> [String] {
        let raw: String = Self.lock.withLock {
            try? Self.select(voice)
            var out = ""
            text.withCString { cText in
                var cursor: UnsafeRawPointer? = UnsafeRawPointer(cText)
                // Phonemes separated by '_' (bits 8–23 of phonememode carry the separator).
                let mode = Int32(UInt8(ascii: "_")) << 8
                while let current = cursor, current.load(as: UInt8.self) != 0 {
                    var ptr: UnsafeRawPointer? = current
                    guard let result = espeak_TextToPhonemes(&ptr, espeakCHARS_UTF8, mode) else { break }
                    out += String(cString: result) + " "
                    if ptr == current { break }
                    cursor = ptr
                }
            }
            return out
        }
        return Self.split(raw)
    }

    static func split(_ raw: String) -> [String] {
        var phones: [String] = []
        for word in raw.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            for piece in word.split(separator: "_") {
                let cleaned = String(piece.filter { !nonPhonemeMarks.contains($0) })
                if !cleaned.isEmpty { phones.append(cleaned) }
            }
        }
        return phones
    }
}
