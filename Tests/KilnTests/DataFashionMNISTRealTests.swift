import Foundation
import Testing
import Kiln

/// Reads the real Fashion-MNIST installed by Debian's dataset-fashion-mnist package.
@Suite struct DataFashionMNISTRealTests {
    static let installed = FileManager.default.fileExists(atPath: FashionMNIST.defaultDirectory.path)

    @Test(.enabled(if: installed, "Fashion-MNIST not installed at /usr/share/datasets/fashion-mnist (apt-get install dataset-fashion-mnist)"),
          arguments: [(DatasetSplit.train, 60_000), (.test, 10_000)])
    func loadsRealData(split: DatasetSplit, expectedCount: Int) throws {
        let data = try FashionMNIST.load(split: split)
        #expect(data.count == expectedCount)
        #expect(data.sampleShape == [1, 28, 28])
        #expect(data.classesPresent == Array(0..<10))
        #expect(data.classCounts.allSatisfy { $0 == expectedCount / 10 })  // the set is balanced
        #expect(data.images.min() == 0 && data.images.max() == 1)
    }
}
