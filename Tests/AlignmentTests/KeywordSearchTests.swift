import Foundation
import Testing
@testable import Alignment

@Suite struct KeywordSearchTests {
    /// A posteriorgram of `frames` frames over `classes` classes where `runs` says which class
    /// dominates (posterior 0.9) on which frames; the rest share the remainder.
    static func posteriorgram(frames: Int, classes: Int, runs: [(Int, Range<Int>)], background: Int = 0) -> [Float] {
        var lp = [Float](repeating: 0, count: frames * classes)
        for t in 0..<frames {
            let top = runs.first { $0.1.contains(t) }?.0 ?? background
            for j in 0..<classes { lp[t * classes + j] = logf(j == top ? 0.9 : 0.1 / Float(classes - 1)) }
        }
        return lp
    }

    @Test func findsEachOccurrenceAndNothingElse() {
        // keyword = classes 3,4,5; it occurs at frames 10..<25 and 40..<58; a decoy 3,4 at 70..<80
        let runs = [(3, 10..<15), (4, 15..<20), (5, 20..<25), (3, 40..<46), (4, 46..<52), (5, 52..<58), (3, 70..<75), (4, 75..<80)]
        let lp = Self.posteriorgram(frames: 100, classes: 8, runs: runs)
        let hits = KeywordSearch(keywords: [[3, 4, 5]], threshold: 0.5).search(logPosteriors: lp, frames: 100, classes: 8)
        #expect(hits.map(\.start) == [10, 40])
        #expect(hits.map(\.end) == [25, 58])
        #expect(hits.allSatisfy { $0.score > 0.99 })
    }

    @Test func thresholdAndSeveralKeywords() {
        let runs = [(1, 5..<10), (2, 10..<15), (6, 30..<35), (7, 35..<40)]
        let lp = Self.posteriorgram(frames: 50, classes: 8, runs: runs)
        let hits = KeywordSearch(keywords: [[1, 2], [6, 7], [3, 4]], threshold: 0.6).search(logPosteriors: lp, frames: 50, classes: 8)
        #expect(hits.map(\.keyword) == [0, 1])
        // keyword 3,4 never occurs: its best path pays the gap to the best class on every frame
        let absent = KeywordSearch(keywords: [[3, 4]], threshold: 0).search(logPosteriors: lp, frames: 50, classes: 8)
        #expect(!absent.isEmpty && absent.allSatisfy { $0.score < 0.05 })
    }

    /// Phones must last `minFrames` frames: the same keyword said in 2 frames per phone (a blip
    /// of noise that looks like it) scores far lower than when each phone lasts 5 frames, and
    /// not at all below `minFrames`.
    @Test func phonesShorterThanTheMinimumDurationDoNotMakeAHit() {
        let runs = [(1, 10..<12), (2, 12..<14), (3, 14..<16), (1, 40..<45), (2, 45..<50), (3, 50..<55)]
        let lp = Self.posteriorgram(frames: 70, classes: 8, runs: runs)
        let hits = KeywordSearch(keywords: [[1, 2, 3]], threshold: 0.5).search(logPosteriors: lp, frames: 70, classes: 8)
        #expect(hits.map(\.start) == [40] && hits.map(\.end) == [55])
        let oneFrame = KeywordSearch(keywords: [[1, 2, 3]], threshold: 0.5, minFrames: 1).search(logPosteriors: lp, frames: 70, classes: 8)
        #expect(oneFrame.map(\.start) == [10, 40])
    }
}
