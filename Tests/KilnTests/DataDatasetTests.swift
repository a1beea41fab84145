import Testing
import Kiln

@Suite struct DataDatasetTests {
    /// `n` samples of shape [1, 1, 2]; sample i holds (i, −i); labels i mod `classes` or as given.
    func make(_ n: Int, classes: Int = 3, labels: [Int]? = nil) -> Dataset {
        Dataset(images: (0..<n).flatMap { [Float($0), -Float($0)] }, sampleShape: [1, 1, 2],
                labels: labels ?? (0..<n).map { $0 % classes }, classCount: classes)
    }

    @Test func subsetCopiesSamplesInIndexOrder() {
        let d = make(5)
        let s = d.subset([4, 1, 1])
        #expect(s.images == [4, -4, 1, -1, 1, -1])
        #expect(s.labels == [1, 1, 1])
        #expect(d.subset(1..<3).images == [1, -1, 2, -2])
        #expect(d.prefix(2).count == 2 && d.prefix(nil).count == 5 && d.prefix(99).count == 5)
    }

    /// Keras: split_at = floor(n · (1 − fraction)); validation is the tail.
    @Test(arguments: [(10, 0.2, 8), (7, 0.3, 4), (5, 0.0, 5), (3, 0.5, 1)])
    func splitTakesTheLastFractionAsKeras(n: Int, fraction: Double, trainCount: Int) {
        let (train, validation) = make(n).split(validationFraction: fraction)
        #expect(train.count == trainCount)
        #expect(validation.count == n - trainCount)
        #expect(train.labels + validation.labels == make(n).labels)
        #expect(validation.images.first == (validation.count > 0 ? Float(trainCount) : nil))
    }

    @Test func classesPresentRevealsSingleClassSplit() {
        let sorted = make(6, classes: 2, labels: [0, 0, 0, 0, 1, 1])
        let (train, validation) = sorted.split(validationFraction: 0.3)
        #expect(validation.classesPresent == [1])
        #expect(train.classesPresent == [0])  // floor(6 · 0.7) = 4 samples, all class 0
        #expect(sorted.classCounts == [4, 2])
    }

    @Test func oneHotAndBatchImages() {
        let d = make(4)
        #expect(d.oneHot([2, 0]) == [0, 0, 1, 1, 0, 0])
        #expect(d.batchImages([3, 0]) == [3, -3, 0, -0])
        #expect(d.sampleSize == 2)
    }
}

@Suite struct DataBatchIteratorTests {
    @Test func everySampleOncePartialLastBatchKept() {
        let it = BatchIterator(count: 10, batchSize: 4, seed: 7)
        let batches = it.batches(epoch: 1)
        #expect(batches.map(\.count) == [4, 4, 2])
        #expect(it.batchCount == 3)
        #expect(batches.flatMap { $0 }.sorted() == Array(0..<10))
    }

    @Test func orderFixedBySeedAndEpoch() {
        let a = BatchIterator(count: 50, batchSize: 8, seed: 1)
        #expect(a.order(epoch: 3) == a.order(epoch: 3))
        #expect(a.order(epoch: 3) != a.order(epoch: 4))
        #expect(a.order(epoch: 3) != BatchIterator(count: 50, batchSize: 8, seed: 2).order(epoch: 3))
        #expect(a.order(epoch: 3) != Array(0..<50))
    }

    /// The documented recipe, spelled out: SplitMix64(seed, stream 2 + epoch·2³²) and Fisher–Yates.
    @Test func usesTheDocumentedStream() {
        var expected = Array(0..<20)
        var rng = SplitMix64(seed: 9, stream: 2 + (5 << 32))
        rng.shuffle(&expected)
        #expect(BatchIterator(count: 20, batchSize: 3, seed: 9).order(epoch: 5) == expected)
    }

    @Test func noShuffleIsSequential() {
        let it = BatchIterator(count: 5, batchSize: 2, shuffle: false)
        #expect(it.batches(epoch: 9) == [[0, 1], [2, 3], [4]])
        #expect(BatchIterator(count: 0, batchSize: 2).batches(epoch: 0).isEmpty)
    }
}
