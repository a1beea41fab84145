import Foundation
import Kiln
import Testing

@Suite struct CallbackHistoryTests {
    private func sample() -> History {
        var history = History()
        history.append(EpochMetrics(epoch: 1, loss: 0.9, accuracy: 0.6, valLoss: 0.8, valAccuracy: 0.7,
                                    learningRate: 0.1, imagesPerSecond: 100, seconds: 2))
        history.append(EpochMetrics(epoch: 2, loss: 0.5, accuracy: 0.8, valLoss: 0.85, valAccuracy: 0.75,
                                    learningRate: 0.1, imagesPerSecond: 110, seconds: 2))
        history.append(EpochMetrics(epoch: 3, loss: 0.4, accuracy: 0.85, valLoss: 0.6, valAccuracy: 0.75,
                                    learningRate: 0.01, imagesPerSecond: 120, seconds: 2))
        return history
    }

    @Test func valuesByMetric() {
        let history = sample()
        #expect(history.values(of: .loss) == [0.9, 0.5, 0.4])
        #expect(history[.valAccuracy] == [0.7, 0.75, 0.75])
        #expect(history.points(of: .valLoss).map(\.epoch) == [1, 2, 3])
        #expect(history.metrics == [.loss, .accuracy, .valLoss, .valAccuracy])
        #expect(history.metrics.map(\.rawValue) == ["loss", "accuracy", "val_loss", "val_accuracy"])
        #expect(history.last?.epoch == 3)
    }

    @Test func withoutValidationThereAreNoValidationMetrics() {
        let history = History(epochs: epochs(.loss, [1, 0.5]))
        #expect(history.metrics == [.loss, .accuracy])
        #expect(history[.valLoss] == [nil, nil])
        #expect(history.points(of: .valLoss).isEmpty)
        #expect(history.best(.valLoss) == nil)
    }

    @Test func bestUsesTheMonitorsDirection() {
        let history = sample()
        #expect(history.best(.valLoss)?.epoch == 3)
        #expect(history.best(.loss, mode: .max)?.epoch == 1)
        // ties keep the first epoch that reached the value
        #expect(history.best(.valAccuracy)?.epoch == 2)
    }

    @Test func roundTripsThroughJSON() throws {
        let history = sample()
        let data = try JSONEncoder().encode(history)
        #expect(try JSONDecoder().decode(History.self, from: data) == history)
    }
}
