import Foundation

/// A confusion matrix as a standalone SVG: one square per (actual, predicted) pair, shaded
/// by its share of the actual class's images (white 0 → blue 1), the count written inside,
/// class names on both axes (predicted along the top, turned 45°), and the per-class
/// accuracy at the end of each row.
public enum ConfusionMatrixSVG {
    static let cell = 44.0

    public static func render(_ m: ConfusionMatrix, title: String = "Confusion matrix") -> String {
        let n = m.classNames.count
        let labelWidth = 8.0 * Double(m.classNames.map(\.count).max() ?? 4) + 16
        let left = labelWidth + 24, top = labelWidth + 56
        let width = left + cell * Double(n) + 90, height = top + cell * Double(n) + 40
        var s = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
        viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(f(width / 2))" y="24" text-anchor="middle" font-size="16" font-weight="bold">\(LossCurveSVG.escape(title))</text>
        <text x="\(f(left + cell * Double(n) / 2))" y="44" text-anchor="middle">predicted</text>
        <text x="16" y="\(f(top + cell * Double(n) / 2))" text-anchor="middle" transform="rotate(-90 16 \(f(top + cell * Double(n) / 2)))">actual</text>

        """
        let accuracy = m.perClassAccuracy
        for (c, name) in m.classNames.enumerated() {
            let x = left + cell * (Double(c) + 0.5), y = top + cell * (Double(c) + 0.5)
            s += "<text x=\"\(f(x))\" y=\"\(f(top - 8))\" transform=\"rotate(-45 \(f(x)) \(f(top - 8)))\">\(LossCurveSVG.escape(name))</text>\n"
            s += "<text x=\"\(f(left - 8))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(LossCurveSVG.escape(name))</text>\n"
            let a = accuracy[c].map { String(format: "%.1f %%", 100 * $0) } ?? "-"
            s += "<text x=\"\(f(left + cell * Double(n) + 8))\" y=\"\(f(y + 4))\">\(a)</text>\n"
        }
        for (a, row) in m.counts.enumerated() {
            let rowTotal = max(row.reduce(0, +), 1)
            for (p, count) in row.enumerated() {
                let share = Double(count) / Double(rowTotal)
                let x = left + cell * Double(p), y = top + cell * Double(a)
                s += "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(cell))\" height=\"\(f(cell))\" fill=\"\(shade(share))\" stroke=\"#cccccc\"/>"
                s += "<text x=\"\(f(x + cell / 2))\" y=\"\(f(y + cell / 2 + 4))\" text-anchor=\"middle\" fill=\"\(share > 0.5 ? "white" : "black")\">\(count)</text>\n"
            }
        }
        return s + "</svg>\n"
    }

    public static func write(_ m: ConfusionMatrix, title: String = "Confusion matrix", to url: URL) throws {
        try AtomicFile.write(render(m, title: title), to: url)
    }

    /// White (0) to the loss curve's blue (1).
    private static func shade(_ t: Double) -> String {
        let (r, g, b) = (0x1f, 0x77, 0xb4)
        func mix(_ c: Int) -> Int { Int((255 - Double(255 - c) * min(max(t, 0), 1)).rounded()) }
        return String(format: "#%02x%02x%02x", mix(r), mix(g), mix(b))
    }

    private static func f(_ v: Double) -> String { String(format: "%.1f", v) }
}
