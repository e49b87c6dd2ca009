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
        // keyword = classes 3,4,5; it occurs at frames 10..<19 and 40..<52; a decoy 3,4 at 70..<76
        let runs = [(3, 10..<13), (4, 13..<16), (5, 16..<19), (3, 40..<44), (4, 44..<48), (5, 48..<52), (3, 70..<73), (4, 73..<76)]
        let lp = Self.posteriorgram(frames: 100, classes: 8, runs: runs)
        let hits = KeywordSearch(keywords: [[3, 4, 5]], threshold: 0.5).search(logPosteriors: lp, frames: 100, classes: 8)
        #expect(hits.map(\.start) == [10, 40])
        #expect(hits.map(\.end) == [19, 52])
        #expect(hits.allSatisfy { $0.score > 0.85 })
    }

    @Test func thresholdAndSeveralKeywords() {
        let runs = [(1, 5..<10), (2, 10..<15), (6, 30..<34), (7, 34..<38)]
        let lp = Self.posteriorgram(frames: 50, classes: 8, runs: runs)
        let hits = KeywordSearch(keywords: [[1, 2], [6, 7], [3, 4]], threshold: 0.6).search(logPosteriors: lp, frames: 50, classes: 8)
        #expect(hits.map(\.keyword) == [0, 1])
        #expect(KeywordSearch(keywords: [[1, 2]], threshold: 0.95).search(logPosteriors: lp, frames: 50, classes: 8).isEmpty)
    }
}
