import Foundation

/// One word of a transcript: as the user wrote it (surrounding punctuation removed) and its phonemes.
public struct TranscriptWord: Equatable, Sendable {
    /// The word as written, without leading/trailing punctuation ("Hello," → "Hello").
    public var text: String
    /// Its phonemes (espeak-ng mnemonics). Empty when espeak does not pronounce it (e.g. an emoji):
    /// the aligner still gives such a word a time span, with low confidence.
    public var phones: [String]
}

/// Errors a transcript can cause.
public enum TranscriptError: Error, CustomStringConvertible, Equatable {
    case empty
    case notUTF8(String)

    public var description: String {
        switch self {
        case .empty: return "the transcript has no words"
        case .notUTF8(let file): return "\(file): transcript is not valid UTF-8 text"
        }
    }
}

/// Splits a transcript into words and gives each its phonemes.
///
/// Words are split at white space. Leading and trailing punctuation and symbols are stripped
/// ("(hello)," → "hello", "U.S.A." → "U.S.A"); inner apostrophes, hyphens and dots stay.
/// Tokens made only of punctuation ("—", "...") are not words and are dropped. Every remaining
/// word is kept in order, exactly once: numbers and abbreviations are expanded by the
/// phonemizer, never removed.
public struct Transcript: Sendable {
    public let words: [TranscriptWord]

    public init(_ text: String, phonemizer: Phonemizer) throws {
        var words: [TranscriptWord] = []
        let english = phonemizer.voice.lowercased().hasPrefix("en")
        for token in Self.tokens(of: text) {
            let word = Self.stripPunctuation(token)
            guard !word.isEmpty else { continue }
            let weak = english ? Self.englishWeakForms[word.lowercased()] : nil
            words.append(TranscriptWord(text: word, phones: weak ?? phonemizer.phonemes(of: word)))
        }
        guard !words.isEmpty else { throw TranscriptError.empty }
        if english {  // "the" before a vowel: DH IY
            for k in words.indices.dropLast() where words[k].text.lowercased() == "the" {
                if let first = words[k + 1].phones.first?.first, Self.espeakVowelStarts.contains(first) {
                    words[k].phones = ["D", "i:"]
                }
            }
        }
        self.words = words
    }

    /// The articles as connected English speech says them: said alone, libespeak-ng gives "a"
    /// its letter name (`eI`, EY), which a reading almost never has; inside a sentence it says
    /// `a#` (AH), as CMUdict (pocketsphinx, the silver labels) and festival's voices do. And "the"
    /// before a word that starts with a vowel is `D i:` (DH IY), as festival's and flite's
    /// post-lexical rule says it (libespeak-ng alone: `D @2`, DH AH). Every other word keeps
    /// libespeak-ng's phonemes said alone.
    static let englishWeakForms: [String: [String]] = ["a": ["a#"], "an": ["a#", "n"]]

    /// First characters of libespeak-ng's vowel mnemonics (no consonant mnemonic starts so).
    static let espeakVowelStarts: Set<Character> = ["a", "e", "i", "o", "u", "A", "E", "I", "O", "U", "V", "@", "0", "3"]

    /// Reads a transcript file; rejects bytes that are not UTF-8.
    public init(contentsOf url: URL, phonemizer: Phonemizer) throws {
        let data = try Data(contentsOf: url)
        guard let text = String(data: data, encoding: .utf8) else { throw TranscriptError.notUTF8(url.path) }
        try self.init(text, phonemizer: phonemizer)
    }

    /// The white-space-separated pieces of `text`, split on Unicode scalars: a scalar such as
    /// U+0605 (a prepended concatenation mark) joins the following space into one `Character`, so
    /// a split on `Character.isWhitespace` would leave a space inside a word.
    public static func tokens(of text: String) -> [String] {
        text.unicodeScalars.split(whereSeparator: { $0.properties.isWhitespace }).map { String(String.UnicodeScalarView($0)) }
    }

    static func stripPunctuation(_ token: String) -> String {
        let scalars = Array(token.unicodeScalars)
        func isEdge(_ s: Unicode.Scalar) -> Bool {
            CharacterSet.punctuationCharacters.contains(s) || CharacterSet.symbols.contains(s)
                || CharacterSet.controlCharacters.contains(s)
        }
        var lo = 0, hi = scalars.count
        while lo < hi, isEdge(scalars[lo]) { lo += 1 }
        while hi > lo, isEdge(scalars[hi - 1]) { hi -= 1 }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[lo..<hi])
        return String(out)
    }
}
