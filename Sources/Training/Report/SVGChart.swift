import Foundation

/// Inline SVG plots for the HTML report, drawn from data with no scripts, fonts or network: each
/// function returns one `<svg>` element sized in CSS pixels.
public enum SVGChart {
    /// A series of a line chart.
    public struct Series: Sendable {
        public var name: String
        public var color: String
        public var points: [(x: Double, y: Double)]
        /// Dashed stroke (e.g. validation next to a solid training curve).
        public var dashed: Bool

        public init(name: String, color: String, points: [(x: Double, y: Double)], dashed: Bool = false) {
            self.name = name
            self.color = color
            self.points = points
            self.dashed = dashed
        }
    }

    /// Colours for series and classes (colour-blind-safe Okabe-Ito palette).
    public static let palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

    // MARK: Line chart

    /// Lines over a shared x axis with ticks, grid, axis titles and a legend.
    /// - Parameter yRange: fixed y range (e.g. 0...1 for UA); nil fits the data.
    public static func lineChart(title: String, xLabel: String, yLabel: String, series: [Series],
                                 yRange: ClosedRange<Double>? = nil, width: Int = 560, height: Int = 320) -> String {
        let plot = Frame(width: width, height: height)
        let all = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        let xs = niceRange(all.map(\.x), fallback: 0...1)
        let ys = yRange ?? niceRange(all.map(\.y), fallback: 0...1, includeZero: false)
        var svg = open(width: width, height: height, title: title)
        svg += axes(plot, x: xs, y: ys, xLabel: xLabel, yLabel: yLabel)
        for s in series {
            let pts = s.points.filter { $0.x.isFinite && $0.y.isFinite }
            guard !pts.isEmpty else { continue }
            let path = pts.map { "\(fmt(plot.x($0.x, xs))),\(fmt(plot.y($0.y, ys)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"2\"\(s.dashed ? " stroke-dasharray=\"6 4\"" : "") points=\"\(path)\"/>"
            if pts.count <= 60 {
                for p in pts {
                    svg += "<circle cx=\"\(fmt(plot.x(p.x, xs)))\" cy=\"\(fmt(plot.y(p.y, ys)))\" r=\"2.5\" fill=\"\(s.color)\"/>"
                }
            }
        }
        svg += legend(series.map { ($0.name, $0.color, $0.dashed) }, x: plot.left + plot.width - 150, y: plot.top + 6)
        return svg + "</svg>"
    }

    // MARK: Confusion matrix

    /// A heat map of `confusion[true][predicted]`: cell colour = the row-normalised fraction (recall
    /// on the diagonal), text = count and percentage of the row.
    public static func confusionMatrix(title: String, labels: [String], confusion: [[Int]], cell: Int = 58) -> String {
        let k = labels.count
        let left = 96, top = 56, width = left + k * cell + 20, height = top + k * cell + 60
        var svg = open(width: width, height: height, title: title)
        for (r, row) in confusion.enumerated() {
            let total = max(1, row.reduce(0, +))
            for (c, count) in row.enumerated() {
                let fraction = Double(count) / Double(total)
                let x = left + c * cell, y = top + r * cell
                svg += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"\(heat(fraction))\" stroke=\"#fff\"/>"
                let ink = fraction > 0.55 ? "#fff" : "#222"
                svg += text(x: Double(x) + Double(cell) / 2, y: Double(y) + Double(cell) / 2 - 2, "\(count)", size: 14, anchor: "middle", color: ink, weight: "bold")
                svg += text(x: Double(x) + Double(cell) / 2, y: Double(y) + Double(cell) / 2 + 14, "\(Int((fraction * 100).rounded()))%", size: 10, anchor: "middle", color: ink)
            }
            svg += text(x: Double(left - 6), y: Double(top + r * cell + cell / 2 + 4), labels[r], size: 12, anchor: "end")
        }
        for (c, label) in labels.enumerated() {
            let x = Double(left + c * cell + cell / 2), y = Double(top + k * cell + 14)
            svg += "<text x=\"\(fmt(x))\" y=\"\(fmt(y))\" font-size=\"12\" text-anchor=\"end\" fill=\"#222\" transform=\"rotate(-35 \(fmt(x)) \(fmt(y)))\">\(escape(label))</text>"
        }
        svg += text(x: Double(left + k * cell / 2), y: Double(top - 10), "predicted", size: 12, anchor: "middle", color: "#555")
        svg += "<text x=\"14\" y=\"\(top + k * cell / 2)\" font-size=\"12\" fill=\"#555\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(top + k * cell / 2))\">true</text>"
        return svg + "</svg>"
    }

    // MARK: Bars

    /// Grouped vertical bars on a 0–1 scale: one group per label, one bar per series.
    public static func groupedBars(title: String, labels: [String], series: [(name: String, color: String, values: [Double])],
                                   yLabel: String = "", width: Int = 560, height: Int = 320) -> String {
        let plot = Frame(width: width, height: height)
        var svg = open(width: width, height: height, title: title)
        svg += yAxis(plot, y: 0...1, label: yLabel)
        let group = plot.width / Double(max(1, labels.count))
        let bar = group * 0.8 / Double(max(1, series.count))
        for (g, label) in labels.enumerated() {
            let x0 = plot.left + Double(g) * group + group * 0.1
            for (s, entry) in series.enumerated() where g < entry.values.count {
                let v = min(1, max(0, entry.values[g]))
                let y = plot.y(v, 0...1)
                svg += "<rect x=\"\(fmt(x0 + Double(s) * bar))\" y=\"\(fmt(y))\" width=\"\(fmt(bar - 1))\" height=\"\(fmt(plot.bottom - y))\" fill=\"\(entry.color)\"><title>\(escape("\(entry.name) \(label): \(String(format: "%.3f", v))"))</title></rect>"
            }
            svg += text(x: plot.left + Double(g) * group + group / 2, y: plot.bottom + 16, label, size: 11, anchor: "middle")
        }
        svg += "<line x1=\"\(fmt(plot.left))\" y1=\"\(fmt(plot.bottom))\" x2=\"\(fmt(plot.left + plot.width))\" y2=\"\(fmt(plot.bottom))\" stroke=\"#333\"/>"
        svg += legend(series.map { ($0.name, $0.color, false) }, x: plot.left + plot.width - 130, y: plot.top + 6)
        return svg + "</svg>"
    }

    // MARK: Reliability diagram

    /// Accuracy per confidence bin as bars against the diagonal of perfect calibration, with the
    /// share of predictions per bin as a light histogram at the bottom.
    public static func reliabilityDiagram(title: String, bins: [ReliabilityBin], ece: Double, width: Int = 420, height: Int = 380) -> String {
        let plot = Frame(width: width, height: height)
        var svg = open(width: width, height: height, title: title)
        svg += axes(plot, x: 0...1, y: 0...1, xLabel: "confidence (top-1 probability)", yLabel: "accuracy")
        svg += "<line x1=\"\(fmt(plot.x(0, 0...1)))\" y1=\"\(fmt(plot.y(0, 0...1)))\" x2=\"\(fmt(plot.x(1, 0...1)))\" y2=\"\(fmt(plot.y(1, 0...1)))\" stroke=\"#888\" stroke-dasharray=\"5 4\"/>"
        let total = max(1, bins.reduce(0) { $0 + $1.count })
        for b in bins {
            let x = plot.x(b.lower, 0...1), w = plot.x(b.upper, 0...1) - x
            let share = Double(b.count) / Double(total)
            let hy = plot.y(share * 0.3, 0...1)
            svg += "<rect x=\"\(fmt(x + 1))\" y=\"\(fmt(hy))\" width=\"\(fmt(w - 2))\" height=\"\(fmt(plot.bottom - hy))\" fill=\"#bbb\" opacity=\"0.6\"/>"
            guard b.count > 0 else { continue }
            let y = plot.y(b.accuracy, 0...1)
            svg += "<rect x=\"\(fmt(x + 1))\" y=\"\(fmt(y))\" width=\"\(fmt(w - 2))\" height=\"\(fmt(plot.bottom - y))\" fill=\"#0072B2\" opacity=\"0.75\"><title>\(escape(String(format: "(%.2f, %.2f]: %d predictions, accuracy %.2f, confidence %.2f", b.lower, b.upper, b.count, b.accuracy, b.meanConfidence)))</title></rect>"
        }
        svg += text(x: plot.left + 8, y: plot.top + 16, String(format: "ECE %.3f", ece), size: 13, anchor: "start", weight: "bold")
        svg += legend([("accuracy", "#0072B2", false), ("share of predictions (×0.3)", "#bbb", false)], x: plot.left + 8, y: plot.top + 24)
        return svg + "</svg>"
    }

    // MARK: Building blocks

    /// The plotting area inside the margins.
    struct Frame {
        let left = 62.0, top = 34.0
        let width: Double, height: Double
        init(width: Int, height: Int) {
            self.width = Double(width) - 62 - 18
            self.height = Double(height) - 34 - 48
        }
        var bottom: Double { top + height }
        func x(_ v: Double, _ r: ClosedRange<Double>) -> Double { left + (v - r.lowerBound) / span(r) * width }
        func y(_ v: Double, _ r: ClosedRange<Double>) -> Double { bottom - (v - r.lowerBound) / span(r) * height }
        private func span(_ r: ClosedRange<Double>) -> Double { max(r.upperBound - r.lowerBound, 1e-12) }
    }

    static func open(width: Int, height: Int, title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"Helvetica, Arial, sans-serif\">"
            + "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
            + text(x: Double(width) / 2, y: 20, title, size: 15, anchor: "middle", weight: "bold")
    }

    static func axes(_ plot: Frame, x: ClosedRange<Double>, y: ClosedRange<Double>, xLabel: String, yLabel: String) -> String {
        var svg = yAxis(plot, y: y, label: yLabel)
        for t in ticks(x) {
            let px = plot.x(t, x)
            svg += "<line x1=\"\(fmt(px))\" y1=\"\(fmt(plot.bottom))\" x2=\"\(fmt(px))\" y2=\"\(fmt(plot.bottom + 5))\" stroke=\"#333\"/>"
            svg += text(x: px, y: plot.bottom + 18, tickLabel(t), size: 11, anchor: "middle")
        }
        svg += "<line x1=\"\(fmt(plot.left))\" y1=\"\(fmt(plot.bottom))\" x2=\"\(fmt(plot.left + plot.width))\" y2=\"\(fmt(plot.bottom))\" stroke=\"#333\"/>"
        svg += text(x: plot.left + plot.width / 2, y: plot.bottom + 38, xLabel, size: 12, anchor: "middle", color: "#444")
        return svg
    }

    static func yAxis(_ plot: Frame, y: ClosedRange<Double>, label: String) -> String {
        var svg = ""
        for t in ticks(y) {
            let py = plot.y(t, y)
            svg += "<line x1=\"\(fmt(plot.left))\" y1=\"\(fmt(py))\" x2=\"\(fmt(plot.left + plot.width))\" y2=\"\(fmt(py))\" stroke=\"#e4e4e4\"/>"
            svg += text(x: plot.left - 6, y: py + 4, tickLabel(t), size: 11, anchor: "end")
        }
        svg += "<line x1=\"\(fmt(plot.left))\" y1=\"\(fmt(plot.top))\" x2=\"\(fmt(plot.left))\" y2=\"\(fmt(plot.bottom))\" stroke=\"#333\"/>"
        let cy = plot.top + plot.height / 2
        svg += "<text x=\"16\" y=\"\(fmt(cy))\" font-size=\"12\" fill=\"#444\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(fmt(cy)))\">\(escape(label))</text>"
        return svg
    }

    static func legend(_ entries: [(String, String, Bool)], x: Double, y: Double) -> String {
        var svg = ""
        for (i, (name, color, dashed)) in entries.enumerated() {
            let yy = y + Double(i) * 16
            svg += "<line x1=\"\(fmt(x))\" y1=\"\(fmt(yy + 6))\" x2=\"\(fmt(x + 18))\" y2=\"\(fmt(yy + 6))\" stroke=\"\(color)\" stroke-width=\"3\"\(dashed ? " stroke-dasharray=\"5 3\"" : "")/>"
            svg += text(x: x + 24, y: yy + 10, name, size: 11, anchor: "start")
        }
        return svg
    }

    static func text(x: Double, y: Double, _ content: String, size: Int, anchor: String, color: String = "#222", weight: String = "normal") -> String {
        "<text x=\"\(fmt(x))\" y=\"\(fmt(y))\" font-size=\"\(size)\" text-anchor=\"\(anchor)\" fill=\"\(color)\" font-weight=\"\(weight)\">\(escape(content))</text>"
    }

    /// White → dark blue for 0 → 1.
    static func heat(_ fraction: Double) -> String {
        let f = min(1, max(0, fraction))
        let (r, g, b) = (255 - f * (255 - 8), 255 - f * (255 - 48), 255 - f * (255 - 107))
        return String(format: "#%02x%02x%02x", Int(r), Int(g), Int(b))
    }

    /// A range covering `values` with round ends (padded 5% when not anchored).
    static func niceRange(_ values: [Double], fallback: ClosedRange<Double>, includeZero: Bool = false) -> ClosedRange<Double> {
        guard var low = values.min(), var high = values.max() else { return fallback }
        if includeZero { low = min(low, 0) }
        if high - low < 1e-9 { low -= 0.5; high += 0.5 }
        let step = tickStep(high - low)
        return (floor(low / step) * step)...(ceil(high / step) * step)
    }

    /// 1, 2 or 5 × 10^k giving about five intervals.
    static func tickStep(_ span: Double) -> Double {
        let raw = span / 5
        let magnitude = pow(10, floor(log10(raw)))
        let normalised = raw / magnitude
        return (normalised < 1.5 ? 1 : normalised < 3.5 ? 2 : normalised < 7.5 ? 5 : 10) * magnitude
    }

    static func ticks(_ range: ClosedRange<Double>) -> [Double] {
        let step = tickStep(range.upperBound - range.lowerBound)
        var t = ceil(range.lowerBound / step - 1e-9) * step
        var result: [Double] = []
        while t <= range.upperBound + step * 1e-6 { result.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
        return result
    }

    static func tickLabel(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e6 { return String(Int(v)) }
        return String(format: abs(v) < 0.01 ? "%.3g" : "%.2f", v).replacingOccurrences(of: #"0+$"#, with: "", options: .regularExpression)
    }

    static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }

    /// Escapes text for HTML/SVG content and attributes.
    public static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}
