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
    ///
    /// The text reaches libespeak-ng in runs of one script (``espeakRuns(_:)``): Debian's
    /// libespeak-ng 1.51 reads freed memory on characters of many scripts it hands to another
    /// language (found by fuzzing: `೫`, `ᇥ`, `t'֏`, `t'৳`), so only Latin-side text and a few
    /// scripts that survive an exhaustive scan are passed on; other characters get no phones.
    public func phonemes(of text: String) -> [String] {
        Self.espeakRuns(text).flatMap { Self.split(rawPhonemes(of: $0)) }
    }

    /// Apostrophes and their Latin-side look-alikes (typographic, modifier letter, prime).
    static let apostrophes: Set<Unicode.Scalar> = ["'", "\u{2018}", "\u{2019}", "\u{201B}", "\u{02BC}", "\u{02B9}",
                                                   "\u{2032}", "`", "\u{00B4}"]

    /// Which run a character belongs to: 0 = Latin side (ASCII, Latin-1, Latin Extended A/B,
    /// IPA and spacing modifiers, combining diacritics, Latin Extended Additional, general
    /// punctuation and currency signs), 1… = one of the other scripts passed to libespeak-ng,
    /// nil = not passed on (a run boundary). Letters and marks only outside the Latin side:
    /// other scripts' digits, signs and unassigned points are what crash libespeak-ng 1.51.
    static func script(of scalar: Unicode.Scalar) -> Int? {
        let v = scalar.value
        switch v {
        case 0..<0x370, 0x1E00..<0x1F00, 0x2000..<0x20D0:
            return v < 0x20 && v != 0x09 ? nil : 0
        default: break
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .otherLetter, .nonspacingMark, .spacingMark: break
        default: return nil
        }
        switch v {
        case 0x370..<0x400: return 1        // Greek
        case 0x400..<0x530: return 2        // Cyrillic (+ supplement)
        case 0x5D0..<0x5F0: return 3        // Hebrew letters
        case 0x620..<0x64B: return 4        // Arabic letters
        case 0x4E00..<0xA000: return 5      // CJK unified ideographs
        default: return nil
        }
    }

    /// The most scalars one libespeak-ng call is given (see ``espeakRuns(_:)``).
    static let longestRun = 64

    /// `text` cut into runs of one script (``script(of:)``), dropping what libespeak-ng is not
    /// given and the apostrophes of non-Latin runs, so no call holds an apostrophe next to another
    /// script's letter. Latin text (the usual case) is one run, as written, unless it is longer
    /// than ``longestRun`` scalars.
    public static func espeakRuns(_ text: String) -> [String] {
        var runs: [String] = []
        var current = String.UnicodeScalarView()
        var script: Int? = 0
        func cut() {
            if !current.isEmpty { runs.append(String(current)) }
            current = String.UnicodeScalarView()
        }
        // A run is cut every 64 scalars: libespeak-ng 1.51 smashes its stack on some tokens of a
        // few hundred characters (FuzzTranscript, 2026-12-06: `b'S.A.` + 220 digits).
        func append(_ scalar: Unicode.Scalar) {
            if current.count >= Self.longestRun { cut() }
            current.append(scalar)
        }
        for scalar in text.unicodeScalars {
            if apostrophes.contains(scalar) {
                if script == 0 { append(scalar) }
                continue
            }
            guard let s = Self.script(of: scalar) else {
                cut()
                script = nil
                continue
            }
            if s != script { cut() }
            script = s
            append(scalar)
        }
        cut()
        return runs
    }

    private func rawPhonemes(of text: String) -> String {
        Self.lock.withLock {
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
