import Foundation
import Testing
@testable import Kiln
#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite struct IOLossCurveSVGTests {
    func history(_ n: Int, validation: Bool = true) -> [EpochMetrics] {
        (1...n).map { e in
            let t = Double(e)
            return EpochMetrics(epoch: e, loss: 2 / t, accuracy: 1 - 0.5 / t,
                                valLoss: validation ? 2.2 / t : nil, valAccuracy: validation ? 0.95 - 0.5 / t : nil,
                                learningRate: 1e-3, imagesPerSecond: 1000, seconds: 1)
        }
    }

    /// True when `svg` parses as XML.
    func isWellFormed(_ svg: String) -> Bool { XMLParser(data: Data(svg.utf8)).parse() }

    func count(_ needle: String, in s: String) -> Int { s.components(separatedBy: needle).count - 1 }

    @Test func twoPanelsWithCurvesLegendAndEscapedTitle() {
        let svg = LossCurveSVG.render(history(12), title: "Fashion <MNIST> & \"CNN\"")
        #expect(isWellFormed(svg))
        #expect(svg.contains("Fashion &lt;MNIST&gt; &amp; &quot;CNN&quot;"))
        #expect(count("<polyline", in: svg) == 4)  // train + validation, two panels
        #expect(count("<circle", in: svg) == 48)
        #expect(svg.contains(">Loss<") && svg.contains(">Accuracy<") && svg.contains(">validation<"))
        #expect(svg.contains(">epoch<"))
    }

    @Test func oneEpochShowsPointsWithoutLines() {
        let svg = LossCurveSVG.render(history(1, validation: false))
        #expect(isWellFormed(svg))
        #expect(count("<polyline", in: svg) == 0)
        #expect(count("<circle", in: svg) == 2)
        #expect(!svg.contains(">validation<"))
        #expect(!svg.contains("nan") && !svg.contains("inf"))
    }

    @Test func axisTicksAreNiceAndCoverTheData() {
        let axis = PlotAxis(covering: [0.23, 1.87])
        #expect(axis.step == 0.5 && axis.lo == 0 && axis.hi == 2)
        #expect(axis.ticks.map(axis.label) == ["0.0", "0.5", "1.0", "1.5", "2.0"])
        let epochs = PlotAxis(covering: [1, 2, 3], targetTicks: 6, integerStep: true)
        #expect(epochs.ticks == [1, 2, 3] && epochs.label(2) == "2")
        let single = PlotAxis(covering: [5], integerStep: true)
        #expect(single.lo < 5 && single.hi > 5)
    }

    /// Set KILN_KEEP_SVG=/some/prefix to keep the rendered files (prefix-<epochs>.svg) for a look.
    @Test(arguments: [1, 5, 60])
    func writesAFile(epochs: Int) throws {
        try withTempDirectory { dir in
            let url = dir.file("curve.svg")
            try LossCurveSVG.write(history(epochs, validation: epochs > 1), title: "run of \(epochs)", to: url)
            #expect(try String(contentsOf: url, encoding: .utf8).hasPrefix("<?xml"))
            if let prefix = ProcessInfo.processInfo.environment["KILN_KEEP_SVG"] {
                let keep = "\(prefix)-\(epochs).svg"
                try? FileManager.default.removeItem(atPath: keep)
                try FileManager.default.copyItem(at: url, to: URL(fileURLWithPath: keep))
            }
        }
    }
}
