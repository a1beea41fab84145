import Foundation
import Testing
import Kiln

@Suite struct IOMetricsLogTests {
    let epochs = [
        EpochMetrics(epoch: 1, loss: 0.75, accuracy: 0.5, learningRate: 0.001, imagesPerSecond: 1200, seconds: 2.5),
        EpochMetrics(epoch: 2, loss: 0.5, accuracy: 0.8125, valLoss: 0.625, valAccuracy: 0.75,
                     learningRate: 1e-4, imagesPerSecond: 1250.5, seconds: 2),
    ]

    func lines(_ url: URL) throws -> [String] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    @Test func csvHasHeaderAndEmptyCellsForMissingValidation() throws {
        try withTempDirectory { dir in
            let url = dir.file("metrics.csv")
            let log = try MetricsLog(url: url)
            for m in epochs { try log.log(m) }
            #expect(try lines(url) == [
                "epoch,loss,accuracy,val_loss,val_accuracy,learning_rate,images_per_second,seconds",
                "1,0.75,0.5,,,0.001,1200,2.5",
                "2,0.5,0.8125,0.625,0.75,0.0001,1250.5,2",
                "",
            ])
        }
    }

    @Test func jsonLinesParseBackWithNulls() throws {
        try withTempDirectory { dir in
            let url = dir.file("metrics.JSONL")
            let log = try MetricsLog(url: url)
            for m in epochs { try log.log(m) }
            let rows = try lines(url).dropLast().map {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
            }
            #expect(rows.count == 2)
            #expect(rows[0]["val_loss"] is NSNull)
            #expect((rows[1]["val_accuracy"] as? Double) == 0.75)
            #expect((rows[1]["epoch"] as? Int) == 2)
        }
    }

    @Test func eachEpochIsOnDiskBeforeTheNext() throws {
        try withTempDirectory { dir in
            let url = dir.file("m.csv")
            let log = try MetricsLog(url: url)
            try log.log(epochs[0])
            #expect(try lines(url).count == 3)  // header, epoch 1, final newline: readable mid-run
            withExtendedLifetime(log) {}
        }
    }

    @Test func appendKeepsEarlierLinesAndOneHeader() throws {
        try withTempDirectory { dir in
            let url = dir.file("m.csv")
            try MetricsLog(url: url).log(epochs[0])
            try MetricsLog(url: url, append: true).log(epochs[1])
            #expect(try lines(url).filter { $0.hasPrefix("epoch,") }.count == 1)
            #expect(try lines(url).count == 4)
            try MetricsLog(url: url).log(epochs[1])  // not appending: starts afresh
            #expect(try lines(url).count == 3)
        }
    }

    @Test func nonFiniteValuesAndBadExtension() throws {
        var m = epochs[0]
        m.loss = .nan
        #expect(MetricsLog.line(m, format: .csv).hasPrefix("1,nan,"))
        #expect(MetricsLog.line(m, format: .jsonl).contains("\"loss\":null"))
        expectError(containing: ["m.txt", ".csv or .jsonl"]) {
            _ = try MetricsLog(url: URL(fileURLWithPath: "/tmp/m.txt"))
        }
    }
}
