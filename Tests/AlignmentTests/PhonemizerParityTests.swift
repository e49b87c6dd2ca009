import Foundation
import Testing
@testable import Alignment

/// The Swift phonemizer must give training's phonemes (Training/attend/phonemes.py) word for word.
@Test func phonemizerMatchesTrainingPhonemes() throws {
    let url = try #require(Bundle.module.url(forResource: "Fixtures/phonemes", withExtension: "tsv"))
    let g2p = try Phonemizer(voice: "en-us")
    let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
    #expect(lines.count > 40)
    for line in lines {
        let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
        let word = String(parts[0])
        let expected = parts[1].split(separator: " ").map(String.init)
        #expect(g2p.phonemes(of: word) == expected, "word \(word)")
        #expect(Transcript.stripPunctuation(word) == word)
    }
}
