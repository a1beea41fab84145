import Foundation

/// A standalone SVG of a training run that any browser opens: two panels side by side, loss
/// (left) and accuracy (right) against epoch, each with the training curve (solid, blue) and,
/// when present, the validation curve (dashed, orange), tick-labelled axes, a title, and a legend
/// above each plot (outside it, so it never hides a curve).
/// Each epoch is also a dot (up to 40 epochs), so a one-epoch run shows its point. Non-finite values are left out.
public enum LossCurveSVG {
    static let panelWidth = 480.0, height = 360.0
    static let margin = (left: 64.0, right: 20.0, top: 64.0, bottom: 48.0)
    /// Above this many epochs the dots are left out; the lines alone read better.
    static let maxDots = 40
    static let trainColor = "#1f77b4", validationColor = "#ff7f0e"

    /// The SVG document for `history` (one entry per epoch, in order).
    public static func render(_ history: [EpochMetrics], title: String = "Training") -> String {
        let loss = panel(history, name: "Loss", train: \.loss, validation: \.valLoss, x0: 0)
        let accuracy = panel(history, name: "Accuracy", train: \.accuracy, validation: \.valAccuracy, x0: panelWidth)
        return """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(2 * panelWidth))" height="\(Int(height))" \
        viewBox="0 0 \(Int(2 * panelWidth)) \(Int(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(Int(panelWidth))" y="24" text-anchor="middle" font-size="16" font-weight="bold">\(escape(title))</text>
        \(loss)\(accuracy)</svg>

        """
    }

    /// Writes `render(history, title:)` to `url` atomically.
    public static func write(_ history: [EpochMetrics], title: String = "Training", to url: URL) throws {
        try AtomicFile.write(render(history, title: title), to: url)
    }

    /// Escapes the five XML special characters.
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&apos;")
    }

    private static func panel(_ history: [EpochMetrics], name: String, train: KeyPath<EpochMetrics, Double>,
                              validation: KeyPath<EpochMetrics, Double?>, x0: Double) -> String {
        let trainPoints = points(history) { $0[keyPath: train] }
        let valPoints = points(history) { $0[keyPath: validation] }
        let xAxis = PlotAxis(covering: history.map { Double($0.epoch) }, targetTicks: 6, integerStep: true)
        let yAxis = PlotAxis(covering: (trainPoints + valPoints).map(\.y))
        let left = x0 + margin.left, right = x0 + panelWidth - margin.right
        let top = margin.top, bottom = height - margin.bottom
        func px(_ x: Double) -> Double { left + xAxis.fraction(x) * (right - left) }
        func py(_ y: Double) -> Double { bottom - yAxis.fraction(y) * (bottom - top) }
        var s = "<g>\n<text x=\"\(f(left))\" y=\"\(f(top - 12))\" font-size=\"14\" font-weight=\"bold\">\(name)</text>\n"
        for t in yAxis.ticks {
            s += "<line x1=\"\(f(left))\" y1=\"\(f(py(t)))\" x2=\"\(f(right))\" y2=\"\(f(py(t)))\" stroke=\"#e5e5e5\"/>"
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\">\(yAxis.label(t))</text>\n"
        }
        for t in xAxis.ticks {
            s += "<line x1=\"\(f(px(t)))\" y1=\"\(f(bottom))\" x2=\"\(f(px(t)))\" y2=\"\(f(bottom + 5))\" stroke=\"black\"/>"
            s += "<text x=\"\(f(px(t)))\" y=\"\(f(bottom + 18))\" text-anchor=\"middle\">\(xAxis.label(t))</text>\n"
        }
        s += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(right - left))\" height=\"\(f(bottom - top))\" fill=\"none\" stroke=\"black\"/>\n"
        s += "<text x=\"\(f((left + right) / 2))\" y=\"\(f(height - 10))\" text-anchor=\"middle\">epoch</text>\n"
        s += series(trainPoints, color: trainColor, dashed: false, px: px, py: py)
        s += series(valPoints, color: validationColor, dashed: true, px: px, py: py)
        let entries = [("train", trainColor, false)] + (valPoints.isEmpty ? [] : [("validation", validationColor, true)])
        for (i, (label, color, dashed)) in entries.reversed().enumerated() {  // right-aligned, above the plot
            let y = top - 16, x = right - 100 * Double(i + 1) + 10
            s += "<line x1=\"\(f(x))\" y1=\"\(f(y))\" x2=\"\(f(x + 24))\" y2=\"\(f(y))\" stroke=\"\(color)\" stroke-width=\"2\"\(dashed ? " stroke-dasharray=\"6 4\"" : "")/>"
            s += "<text x=\"\(f(x + 30))\" y=\"\(f(y + 4))\">\(label)</text>\n"
        }
        return s + "</g>\n"
    }

    private static func points(_ history: [EpochMetrics], _ value: (EpochMetrics) -> Double?) -> [(x: Double, y: Double)] {
        history.compactMap { m in value(m).flatMap { $0.isFinite ? (Double(m.epoch), $0) : nil } }
    }

    private static func series(_ points: [(x: Double, y: Double)], color: String, dashed: Bool,
                               px: (Double) -> Double, py: (Double) -> Double) -> String {
        guard !points.isEmpty else { return "" }
        let xy = points.map { (f(px($0.x)), f(py($0.y))) }
        let coordinates = xy.map { "\($0.0),\($0.1)" }
        var s = points.count > 1
            ? "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(dashed ? " stroke-dasharray=\"6 4\"" : "") points=\"\(coordinates.joined(separator: " "))\"/>\n"
            : ""
        for (x, y) in xy where points.count <= maxDots { s += "<circle cx=\"\(x)\" cy=\"\(y)\" r=\"3\" fill=\"\(color)\"/>" }
        return s + "\n"
    }

    /// A coordinate with one decimal.
    private static func f(_ v: Double) -> String { String(format: "%.1f", v) }
}
