import Foundation

/// A matrix drawn as a colour image with axes, ticks, labels, a colour bar and overlays:
/// spectrograms (x = time in s, y = Hz), masks, posteriorgrams, attention maps.
///
/// `values` is row-major `(rows, columns)`; column c spans x from `x.start` to `x.end`, row 0 is
/// drawn at the bottom (y = `y.start`). The plot area is resampled to `plotWidth × plotHeight`
/// pixels: each pixel shows the maximum of the cells it covers (so sparse peaks stay visible
/// when a long input is shrunk), or repeats a cell when enlarging.
///
/// ```swift
/// var h = Heatmap(title: "input", values: db, rows: 257, columns: frames,
///                 x: Axis(label: "time (s)", start: 0, end: 6.1),
///                 y: Axis(label: "frequency (Hz)", start: 0, end: 8000))
/// h.range = -80...0
/// let png = try PNG.encode(h.render())
/// ```
public struct Heatmap: Sendable {
    public var title: String
    public var values: [Float]
    public var rows: Int
    public var columns: Int
    public var x: Axis
    public var y: Axis
    /// Values mapped to the colour map's ends (clamped outside); nil = the data's min...max.
    public var range: ClosedRange<Float>?
    public var colorMap: ColorMap = .viridis
    /// Colour bar label (e.g. "dB"); nil = no colour bar.
    public var colorBar: String? = ""
    public var overlays: [Overlay] = []
    /// Plot area in pixels; nil = from the matrix size (enlarged up to `autoWidth`/`autoHeight`,
    /// shrunk to at most `maxWidth`/`maxHeight`).
    public var plotWidth: Int?
    public var plotHeight: Int?
    /// Integer scale of the title's text (labels and ticks use 1).
    public var titleScale = 2

    public static let autoWidth = 720, maxWidth = 1400, autoHeight = 220, maxHeight = 420

    public init(title: String, values: [Float], rows: Int, columns: Int, x: Axis, y: Axis) {
        precondition(values.count >= rows * columns, "Heatmap: \(values.count) values for \(rows)×\(columns)")
        self.title = title
        self.values = values
        self.rows = rows
        self.columns = columns
        self.x = x
        self.y = y
    }

    /// Something drawn over the plot, in data coordinates.
    public enum Overlay: Sendable {
        /// Labelled intervals (e.g. words, phones): a line at each boundary and the labels in a
        /// band above the plot (labels that would overlap are left out). `dotted` lines suit
        /// dense boundaries such as phones.
        case intervals([Interval], color: RGB, dotted: Bool)
        /// A polyline through (x, y) points, e.g. an alignment path.
        case path([(x: Double, y: Double)], color: RGB)
    }

    /// A labelled span of x.
    public struct Interval: Sendable {
        public var start: Double
        public var end: Double
        public var label: String
        public init(start: Double, end: Double, label: String) {
            self.start = start
            self.end = end
            self.label = label
        }
    }

    /// Draws the figure.
    public func render() -> Canvas {
        let pw = plotWidth ?? Self.autoSize(columns, target: Self.autoWidth, limit: Self.maxWidth)
        let ph = plotHeight ?? Self.autoSize(rows, target: Self.autoHeight, limit: Self.maxHeight)
        let ch = BitmapFont.cellHeight
        let yTicks = y.resolvedTicks(pixels: ph, spacing: 40)
        let xTicks = x.resolvedTicks(pixels: pw, spacing: 80)
        let tickWidth = yTicks.map { BitmapFont.width(of: $0.text) }.max() ?? 0
        let bands = overlays.filter { if case .intervals = $0 { return true } else { return false } }.count
        let left = 6 + ch + 4 + tickWidth + 5
        let top = 6 + ch * titleScale + 6 + bands * (ch + 3)
        let (lo, hi) = valueRange()
        let barLabels = colorBar == nil ? [] : [Self.short(hi), Self.short((lo + hi) / 2), Self.short(lo)]
        let right = colorBar == nil ? 12 : 12 + 12 + 4 + (barLabels.map { BitmapFont.width(of: $0) }.max() ?? 0) + 6 + ch + 6
        let bottom = 5 + ch + 4 + ch + 6
        let titleWidth = BitmapFont.width(of: title, scale: titleScale)
        var canvas = Canvas(width: max(left + pw + right, left + titleWidth + 6), height: top + ph + bottom)

        canvas.text(title, x: left, y: 6, color: .black, scale: titleScale)
        drawMatrix(into: &canvas, x0: left, y0: top, width: pw, height: ph, lo: lo, hi: hi)
        canvas.stroke(x: left - 1, y: top - 1, width: pw + 2, height: ph + 2, .gray)

        // x ticks and label
        for t in xTicks {
            guard let px = pixel(t.value, axis: x, length: pw) else { continue }
            canvas.fill(x: left + px, y: top + ph + 1, width: 1, height: 4, .gray)
            let w = BitmapFont.width(of: t.text)
            canvas.text(t.text, x: min(max(left + px - w / 2, 0), canvas.width - w), y: top + ph + 6, color: .black)
        }
        canvas.text(x.label, x: left + (pw - BitmapFont.width(of: x.label)) / 2, y: top + ph + 6 + ch + 3, color: .black)
        // y ticks and label (skipping labels closer than a text line)
        var lastY = Int.max
        for t in yTicks {
            guard let py = pixel(t.value, axis: y, length: ph) else { continue }
            let yy = top + ph - 1 - py
            canvas.fill(x: left - 5, y: yy, width: 4, height: 1, .gray)
            guard abs(lastY - yy) >= ch else { continue }
            lastY = yy
            canvas.text(t.text, x: left - 6 - BitmapFont.width(of: t.text), y: yy - 3, color: .black)
        }
        canvas.text(y.label, x: 6, y: top + (ph + BitmapFont.width(of: y.label)) / 2, color: .black, vertical: true)

        var band = 0
        for overlay in overlays {
            switch overlay {
            case .intervals(let items, let color, let dotted):
                drawIntervals(items, color: color, dotted: dotted, into: &canvas, left: left, top: top, pw: pw, ph: ph,
                              bandY: top - (bands - band) * (ch + 3))
                band += 1
            case .path(let points, let color):
                var previous: (x: Int, y: Int)?
                for p in points {
                    let px = left + Int(((p.x - x.start) / (x.end - x.start) * Double(pw)).rounded(.down))
                    let py = top + ph - 1 - Int(((p.y - y.start) / (y.end - y.start) * Double(ph)).rounded(.down))
                    let q = (x: min(max(px, left), left + pw - 1), y: min(max(py, top), top + ph - 1))
                    if let previous { canvas.line(from: previous, to: q, color, thickness: 2) }
                    previous = q
                }
            }
        }

        if let label = colorBar {
            let bx = left + pw + 12, bw = 12
            for row in 0..<ph {
                canvas.fill(x: bx, y: top + row, width: bw, height: 1, colorMap.color(Float(ph - 1 - row) / Float(max(1, ph - 1))))
            }
            canvas.stroke(x: bx - 1, y: top - 1, width: bw + 2, height: ph + 2, .gray)
            for (i, text) in barLabels.enumerated() {
                let yy = top + [0, ph / 2, ph - 1][i]
                canvas.fill(x: bx + bw + 1, y: yy, width: 3, height: 1, .gray)
                canvas.text(text, x: bx + bw + 5, y: min(max(yy - 3, top - 3), top + ph - 7), color: .black)
            }
            let lx = bx + bw + 5 + (barLabels.map { BitmapFont.width(of: $0) }.max() ?? 0) + 5
            canvas.text(label, x: lx, y: top + (ph + BitmapFont.width(of: label)) / 2, color: .black, vertical: true)
        }
        return canvas
    }

    /// The colour scale's ends.
    public func valueRange() -> (Float, Float) {
        if let range { return (range.lowerBound, range.upperBound) }
        var lo = Float.infinity, hi = -Float.infinity
        for v in values[0..<(rows * columns)] where v.isFinite { lo = min(lo, v); hi = max(hi, v) }
        if !lo.isFinite { return (0, 1) }
        return hi > lo ? (lo, hi) : (lo, lo + 1)
    }

    static func autoSize(_ cells: Int, target: Int, limit: Int) -> Int {
        guard cells > 0 else { return target }
        if cells >= limit { return limit }
        if cells >= target { return cells }
        return cells * max(1, target / cells)
    }

    /// A colour-bar label: integers as such, else two significant digits (three above 1).
    static func short(_ v: Float) -> String {
        let a = abs(v)
        if v == v.rounded() && a < 1e6 || a >= 100 { return String(format: "%.0f", v) }
        if a >= 1 { return String(format: "%.1f", v) }
        return String(format: "%.2g", v)
    }

    /// Pixel offset of `value` along an axis of `length` pixels, or nil outside it.
    private func pixel(_ value: Double, axis: Axis, length: Int) -> Int? {
        let span = axis.end - axis.start
        guard span != 0 else { return nil }
        let f = (value - axis.start) / span
        guard f >= -1e-9, f <= 1 + 1e-9 else { return nil }
        return min(length - 1, max(0, Int((f * Double(length)).rounded(.down))))
    }

    private func drawMatrix(into canvas: inout Canvas, x0: Int, y0: Int, width pw: Int, height ph: Int, lo: Float, hi: Float) {
        guard rows > 0, columns > 0 else { return }
        let scale = 1 / (hi - lo)
        let colStart = (0...pw).map { $0 * columns / pw }
        let rowStart = (0...ph).map { $0 * rows / ph }
        var column = [Float](repeating: 0, count: rows)
        values.withUnsafeBufferPointer { v in
            for px in 0..<pw {
                let c0 = colStart[px], c1 = max(c0 + 1, colStart[px + 1])
                for r in 0..<rows {
                    var m = -Float.infinity
                    for c in c0..<c1 { m = max(m, v[r * columns + c]) }
                    column[r] = m
                }
                for py in 0..<ph {
                    let r0 = rowStart[py], r1 = max(r0 + 1, rowStart[py + 1])
                    var m = -Float.infinity
                    for r in r0..<r1 { m = max(m, column[r]) }
                    canvas.set(x0 + px, y0 + ph - 1 - py, colorMap.color((m - lo) * scale))
                }
            }
        }
    }

    private func drawIntervals(_ items: [Interval], color: RGB, dotted: Bool, into canvas: inout Canvas,
                               left: Int, top: Int, pw: Int, ph: Int, bandY: Int) {
        func px(_ v: Double) -> Int { left + Int(((v - x.start) / (x.end - x.start) * Double(pw)).rounded(.down)) }
        for item in items {
            for edge in [px(item.start), px(item.end)] where edge >= left && edge < left + pw {
                for yy in stride(from: top, to: top + ph, by: dotted ? 3 : 1) { canvas.set(edge, yy, color) }
                canvas.fill(x: edge, y: bandY, width: 1, height: BitmapFont.cellHeight, .lightGray)
            }
        }
        var labelEnd = Int.min
        for item in items {
            let a = px(item.start), b = px(item.end)
            guard b >= left, a < left + pw else { continue }
            let w = BitmapFont.width(of: item.label)
            let mid = (max(a, left) + min(b, left + pw - 1)) / 2
            let lx = max(left, mid - w / 2)
            guard lx > labelEnd + 2, lx + w <= left + pw + 40 else { continue }
            canvas.text(item.label, x: lx, y: bandY + 1, color: .black)
            labelEnd = lx + w
        }
    }
}
