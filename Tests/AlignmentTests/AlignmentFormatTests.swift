import Foundation
import Testing
@testable import Alignment

@Suite struct AlignmentFormatTests {
    let result = AlignmentResult(audio: "dir/my clip.wav", duration: 2.5, words: [
        WordTiming(word: "Hello", start: 0.31, end: 0.72, confidence: 0.91,
                   phones: [PhoneTiming(phone: "h", start: 0.31, end: 0.4), PhoneTiming(phone: "@", start: 0.4, end: 0.72)]),
        WordTiming(word: "say \"hi\"", start: 0.8, end: 1.2349, confidence: 0.5),
    ])

    @Test func jsonHasTheDocumentedSchema() throws {
        let text = result.rendered(as: .json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["audio"] as? String == "dir/my clip.wav")
        #expect(object["duration"] as? Double == 2.5)
        let words = try #require(object["words"] as? [[String: Any]])
        #expect(words.map { $0["word"] as? String } == ["Hello", "say \"hi\""])
        #expect(words[1]["end"] as? Double == 1.235)
        #expect(words[0]["confidence"] as? Double == 0.91)
        let phones = try #require(words[0]["phones"] as? [[String: Any]])
        #expect(phones.map { $0["phone"] as? String } == ["h", "@"])
        #expect(Set(words[0].keys) == ["word", "start", "end", "confidence", "phones"])
        #expect(text.hasPrefix("{\"audio\":"))
    }

    @Test func srtAndVttCuesUseTheirClockFormats() {
        let srt = result.rendered(as: .srt)
        #expect(srt.hasPrefix("1\n00:00:00,310 --> 00:00:00,720\nHello\n\n2\n00:00:00,800 --> 00:00:01,235\n"))
        let vtt = result.rendered(as: .vtt)
        #expect(vtt.hasPrefix("WEBVTT\n\n00:00:00.310 --> 00:00:00.720\nHello\n\n"))
        #expect(AlignmentResult.clock(3725.5, vtt: false) == "01:02:05,500")
    }

    @Test func textGridTiersCoverTheWholeDuration() {
        let tg = result.rendered(as: .textgrid)
        #expect(tg.contains("size = 2"))
        #expect(tg.contains("intervals: size = 5"))  // gap, Hello, gap, say "hi", tail gap
        #expect(tg.contains("text = \"say \"\"hi\"\"\""))
        let spans = AlignmentResult.fill([(0.31, 0.72, "a"), (0.8, 1.2349, "b")], duration: 2.5)
        #expect(spans.first?.0 == 0 && spans.last?.1 == 2.5)
        for (a, b) in zip(spans, spans.dropFirst()) { #expect(a.1 == b.0) }
    }

    @Test func ctmAudacityAndTsvLines() {
        #expect(result.rendered(as: .ctm).hasPrefix("my_clip 1 0.31 0.41 Hello 0.910\n"))
        #expect(result.rendered(as: .audacity).hasPrefix("0.31\t0.72\tHello\n"))
        let tsv = result.rendered(as: .tsv).split(separator: "\n")
        #expect(tsv.first == "word\tstart\tend\tconfidence")
        #expect(tsv.count == 3)
    }

    @Test func secondsFormatting() {
        #expect(AlignmentResult.seconds(0) == "0")
        #expect(AlignmentResult.seconds(1.2) == "1.2")
        #expect(AlignmentResult.seconds(12.3456) == "12.346")
        #expect(AlignmentFormat(pathExtension: "TEXTGRID") == .textgrid)
    }
}
