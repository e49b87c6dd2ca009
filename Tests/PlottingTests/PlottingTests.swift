import Foundation
import Testing
@testable import Plotting

@Suite struct PNGTests {
    @Test func roundTripKeepsSizeAndPixels() throws {
        var c = Canvas(width: 37, height: 21, background: RGB(10, 20, 30))
        c.fill(x: 5, y: 6, width: 3, height: 2, .red)
        c.set(36, 20, RGB(1, 2, 3))
        let data = try PNG.encode(c)
        #expect(Array(data.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let back = try PNG.decode(data)
        #expect(back.width == 37 && back.height == 21)
        #expect(back == c)
        #expect(back[6, 7] == .red && back[36, 20] == RGB(1, 2, 3) && back[0, 0] == RGB(10, 20, 30))
    }

    @Test func badBytesAreOneLineErrors() {
        #expect(throws: PNGError.self) { try PNG.decode(Data("not a png at all".utf8), name: "x.png") }
        do {
            _ = try PNG.decode(Data([0x89, 0x50, 0x4E, 0x47]), name: "cut.png")
            Issue.record("a truncated PNG decoded")
        } catch {
            #expect(error.description.hasPrefix("cut.png: cannot decode PNG: "))
            #expect(!error.description.contains("\n"))
        }
        #expect(throws: PNGError.self) { try PNG.encode(Canvas(width: 0, height: 4)) }
    }
}

@Suite struct ColorMapTests {
    @Test func endpointsAreThePublishedColours() {
        #expect(ColorMap.viridis.color(0) == RGB(hex: 0x440154))
        #expect(ColorMap.viridis.color(1) == RGB(hex: 0xFDE725))
        #expect(ColorMap.viridis.color(0.5) == RGB(hex: 0x21918C))
        #expect(ColorMap.magma.color(0) == RGB(hex: 0x000004))
        #expect(ColorMap.magma.color(1) == RGB(hex: 0xFCFDBF))
        #expect(ColorMap.viridis.color(-3) == ColorMap.viridis.color(0))
        #expect(ColorMap.viridis.color(7) == ColorMap.viridis.color(1))
        #expect(ColorMap.viridis.color(.nan) == ColorMap.viridis.color(0))
        #expect(ColorMap.viridis.table.count == 256)
    }

    @Test func viridisGetsBrighterMonotonically() {
        let luma = ColorMap.viridis.table.map { 0.299 * Double($0.r) + 0.587 * Double($0.g) + 0.114 * Double($0.b) }
        for i in 1..<luma.count { #expect(luma[i] >= luma[i - 1] - 0.5) }
    }
}

@Suite struct FontTests {
    @Test func everyGlyphButSpaceHasInk() {
        for ch in BitmapFont.characters where ch != " " {
            let rows = try! #require(BitmapFont.glyph(ch))
            #expect(rows.count == 8 && rows.contains { $0 != 0 }, "glyph \(ch) is empty")
            #expect(rows.allSatisfy { $0 < 32 })
        }
        let needed = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.,:;-+()%/=α×"
        for ch in needed { #expect(BitmapFont.glyph(ch) != nil, "missing \(ch)") }
    }

    @Test func textDrawsInkWithinItsBox() {
        var c = Canvas(width: 80, height: 30)
        let w = c.text("Hz 8000", x: 2, y: 3, color: .black, scale: 2)
        #expect(w == BitmapFont.width(of: "Hz 8000", scale: 2))
        var inked = 0
        for y in 0..<30 { for x in 0..<80 where c[x, y] == .black {
            inked += 1
            #expect(x >= 2 && x < 2 + w && y >= 3 && y < 3 + 16)
        } }
        #expect(inked > 50)
        var v = Canvas(width: 20, height: 40)
        v.text("Hz", x: 2, y: 30, vertical: true)
        #expect(v.pixels.contains(0))
    }
}

@Suite struct HeatmapTests {
    func gradient(rows: Int, columns: Int) -> [Float] {
        (0..<(rows * columns)).map { Float($0 % columns) / Float(columns - 1) }
    }

    @Test func autoSizeShrinksLongInputsAndEnlargesSmallOnes() {
        #expect(Heatmap.autoSize(60_000, target: 720, limit: 1400) == 1400)
        #expect(Heatmap.autoSize(900, target: 720, limit: 1400) == 900)
        #expect(Heatmap.autoSize(100, target: 720, limit: 1400) == 700)
        #expect(Heatmap.autoSize(0, target: 720, limit: 1400) == 720)
    }

    @Test func plotAreaShowsTheColourMapAndFigureDecodes() throws {
        var h = Heatmap(title: "test", values: gradient(rows: 10, columns: 50), rows: 10, columns: 50,
                        x: Axis(label: "time (s)", start: 0, end: 0.5), y: Axis(label: "Hz", start: 0, end: 8000))
        h.plotWidth = 200
        h.plotHeight = 100
        h.range = 0...1
        let canvas = h.render()
        #expect(canvas.width > 200 && canvas.height > 100)
        let decoded = try PNG.decode(try PNG.encode(canvas))
        #expect(decoded.width == canvas.width && decoded.height == canvas.height)
        // Somewhere in the image: the low and the high ends of viridis.
        var colours = Set<RGB>()
        for y in 0..<canvas.height { for x in 0..<canvas.width { colours.insert(canvas[x, y]) } }
        #expect(colours.contains(ColorMap.viridis.color(0)) && colours.contains(ColorMap.viridis.color(1)))
    }

    @Test func shrinkingKeepsIsolatedPeaks() {
        var values = [Float](repeating: 0, count: 4 * 10_000)
        values[2 * 10_000 + 7_777] = 1
        var h = Heatmap(title: "", values: values, rows: 4, columns: 10_000,
                        x: Axis(label: "", start: 0, end: 100), y: Axis(label: "", start: 0, end: 4))
        h.plotWidth = 500
        h.plotHeight = 4
        h.range = 0...1
        h.colorBar = nil
        let canvas = h.render()
        var found = 0
        for y in 0..<canvas.height { for x in 0..<canvas.width where canvas[x, y] == ColorMap.viridis.color(1) { found += 1 } }
        #expect(found == 1)
    }

    @Test func overlaysDrawTheirColours() {
        var h = Heatmap(title: "words", values: [Float](repeating: 0, count: 100), rows: 10, columns: 10,
                        x: Axis(label: "time (s)", start: 0, end: 1), y: Axis(label: "", start: 0, end: 10))
        h.range = 0...1
        h.overlays = [.intervals([.init(start: 0.1, end: 0.5, label: "hello"), .init(start: 0.5, end: 0.9, label: "world")], color: .white, dotted: false),
                      .path([(0, 0), (1, 10)], color: .red)]
        let canvas = h.render()
        var seen = Set<RGB>()
        for y in 0..<canvas.height { for x in 0..<canvas.width { seen.insert(canvas[x, y]) } }
        #expect(seen.contains(.white) && seen.contains(.red))
    }

    @Test func niceTicks() {
        let t = Axis.niceTicks(from: 0, to: 8000, count: 4)
        #expect(t.map(\.text) == ["0", "2000", "4000", "6000", "8000"])
        let s = Axis.niceTicks(from: 1.23, to: 1.9, count: 3)
        #expect(s.map(\.text) == ["1.4", "1.6", "1.8"])
    }
}
