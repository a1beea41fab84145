import Foundation
import Testing
import Kiln
import KilnCheck

@Suite struct DataNormalizerTests {
    /// Two samples of [2, 1, 2]: channel 0 takes 1, 3, 5, 7; channel 1 is constant 4.
    let data = Dataset(images: [1, 3, 4, 4, 5, 7, 4, 4], sampleShape: [2, 1, 2], labels: [0, 1], classCount: 2)

    @Test func fitsPerChannelMeanAndPopulationStd() {
        let n = Normalizer(fitting: data)
        #expect(n.mean == [4, 4])
        #expect(abs(n.std[0] - Float(5).squareRoot()) < 1e-6)  // var = (9+1+1+9)/4
        #expect(n.std[1] == Normalizer.defaultStdFloor)  // constant channel: floored
    }

    @Test func applyStandardisesDatasetAndBatchAlike() {
        let n = Normalizer(fitting: data)
        var d = data
        n.apply(to: &d)
        let s = Float(5).squareRoot()
        let expected: [Float] = [-3 / s, -1 / s, 0, 0, 1 / s, 3 / s, 0, 0]
        #expect(Comparison(d.images, expected).maxAbsolute < 1e-6)
        var batch = data.batchImages([1])
        n.apply(toBatch: &batch)
        #expect(batch == Array(d.images[4...]))
    }

    @Test func codableRoundTrip() throws {
        let n = Normalizer(fitting: data)
        let json = try JSONEncoder().encode(n)
        #expect(try JSONDecoder().decode(Normalizer.self, from: json) == n)
        let damaged = Data(#"{"sampleShape": [3, 2, 2], "mean": [0.5], "std": [0.2]}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Normalizer.self, from: damaged) }
    }

    @Test func nonImageSamplesAreOneChannel() {
        let d = Dataset(images: [0, 2, 4, 6], sampleShape: [2], labels: [0, 0], classCount: 1)
        let n = Normalizer(fitting: d)
        #expect(n.mean == [3])
        #expect(abs(n.std[0] - Float(5).squareRoot()) < 1e-6)
    }
}
