import Foundation
import Testing
@testable import Alignment

@Suite struct TranscriptTests {
    let g2p: Phonemizer
    init() throws { g2p = try Phonemizer(voice: "en-us") }

    @Test func wordsKeepOrderAndLoseOnlyEdgePunctuation() throws {
        let t = try Transcript("  \"Hello,\" she said — don't   (stop) U.S.A. ... end.", phonemizer: g2p)
        #expect(t.words.map(\.text) == ["Hello", "she", "said", "don't", "stop", "U.S.A", "end"])
        #expect(t.words.allSatisfy { !$0.phones.isEmpty })
    }

    @Test func knownWordPhonemes() {
        #expect(g2p.phonemes(of: "hello") == ["h", "@", "l", "oU"])
        #expect(g2p.phonemes(of: "world") == ["w", "3:", "l", "d"])
    }

    /// "a" and "an" get their connected-speech phonemes in English (said alone, libespeak-ng
    /// gives the letter name `eI`), "the" before a vowel DH IY; other words and other languages
    /// keep libespeak-ng's own.
    @Test func englishArticlesAreWeak() throws {
        #expect(g2p.phonemes(of: "a") == ["eI"])
        let t = try Transcript("A cat, an owl and a", phonemizer: g2p)
        #expect(t.words.map(\.phones) == [["a#"], g2p.phonemes(of: "cat"), ["a#", "n"], g2p.phonemes(of: "owl"),
                                           g2p.phonemes(of: "and"), ["a#"]])
        let the = try Transcript("The owl, the cat and the 8 hens", phonemizer: g2p)
        #expect(the.words.map(\.phones)[0] == ["D", "i:"] && the.words.map(\.phones)[5] == ["D", "i:"])  // owl, eight
        #expect(the.words[2].phones == g2p.phonemes(of: "the") && g2p.phonemes(of: "the") == ["D", "@2"])
        let spanish = try Phonemizer(voice: "es")
        let es = try Transcript("a casa", phonemizer: spanish)
        #expect(es.words[0].phones == spanish.phonemes(of: "a") && es.words[0].phones != ["a#"])
    }

    @Test func numbersAreExpandedNotDropped() {
        let four = g2p.phonemes(of: "4")
        #expect(four == g2p.phonemes(of: "four"))
        #expect(g2p.phonemes(of: "1984").count > 10)
    }

    @Test func emptyOrPunctuationOnlyTranscriptIsAnError() {
        #expect(throws: TranscriptError.empty) { try Transcript("  ... — !! ", phonemizer: g2p) }
        #expect(throws: TranscriptError.empty) { try Transcript("", phonemizer: g2p) }
    }

    @Test func otherScriptsStillGetWords() throws {
        let t = try Transcript("東京 مرحبا Привет", phonemizer: g2p)
        #expect(t.words.map(\.text) == ["東京", "مرحبا", "Привет"])
    }

    @Test func nonUTF8FileIsRejected() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("attend-bad-\(UUID()).txt")
        try Data([0x68, 0x69, 0xFF, 0xFE, 0x20]).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: TranscriptError.notUTF8(url.path)) { try Transcript(contentsOf: url, phonemizer: g2p) }
    }
}
