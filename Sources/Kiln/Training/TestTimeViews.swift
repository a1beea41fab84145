/// The views that test-time averaging scores each image by: the image itself; with `flip`
/// also its mirror image; with `shift` s > 0 each of those moved s pixels right, left, down
/// and up as well (zero fill, as the training shifts fill). 1, 2, 5 or 10 views, in that
/// order: for each flip (off, then on), the unmoved view first.
public struct TestTimeViews: Sendable {
    public let flip: Bool
    public let shift: Int

    public init(flip: Bool, shift: Int) {
        self.flip = flip
        self.shift = shift
    }

    /// The views in the order above.
    public var views: [(flip: Bool, dx: Int, dy: Int)] {
        let moves = shift > 0 ? [(0, 0), (shift, 0), (-shift, 0), (0, shift), (0, -shift)] : [(0, 0)]
        return (flip ? [false, true] : [false]).flatMap { f in moves.map { (f, $0.0, $0.1) } }
    }

    /// True when the image alone is scored (no flip, no shift above 0).
    public var isIdentity: Bool { !flip && shift <= 0 }

    /// How a score was taken, for a report line: "" for the image alone, else ", logits
    /// averaged with the mirror images'" or ", logits averaged over N views (…)".
    public var summary: String {
        if isIdentity { return "" }
        if shift <= 0 { return ", logits averaged with the mirror images'" }
        return ", logits averaged over \(views.count) views (\(flip ? "mirror images, " : "")shifts of \(shift) pixel\(shift == 1 ? "" : "s"))"
    }

    /// The views for images of `sampleShape`; throws unless `shift` is ≥ 0 and leaves some of
    /// such an image in view.
    public init(flip: Bool, shift: Int, sampleShape: Shape) throws {
        guard shift >= 0 else { throw TrainingError.invalidArgument("test-time shift must be ≥ 0 pixels, got \(shift)") }
        guard shift == 0 || (sampleShape.rank == 3 && shift < min(sampleShape[1], sampleShape[2])) else {
            throw TrainingError.invalidArgument(sampleShape.rank == 3
                ? "a test-time shift of \(shift) pixels moves a \(sampleShape[1])x\(sampleShape[2]) image out of view"
                : "test-time shifts need [C, H, W] samples, got \(sampleShape)")
        }
        self.init(flip: flip, shift: shift)
    }
}

extension Sequential {
    /// Test-time averaging: the mean of `output` (the model's outputs for the images of `rows`,
    /// as uploaded by `feeder`) and the outputs for the other views of the same images. Logits
    /// are averaged (not probabilities), so a softmax model's loss and arg-max read the mean
    /// directly. The mean lands in a tensor of the model's cache; each pass's outputs cross
    /// to the host, K values per image.
    func viewAveraged(_ output: Tensor, _ rows: ArraySlice<Int>, views: TestTimeViews, feeder: inout BatchFeeder,
                      state: CompiledState) throws -> Tensor {
        let b = state.backend
        // Read before the next pass, which reuses the layers' output tensors.
        var sum = try b.download(output)
        let all = views.views
        for view in all.dropFirst() {
            let input = try feeder.uploadImages(rows, model: self, state: state, training: false, view: view)
            let moved = try b.download(try stack.forward(input, context(.inference)))
            for i in sum.indices { sum[i] += moved[i] }
        }
        let mean = try state.cache.tensor(ModelSlot.viewAveragedOutput, output.shape, on: b)
        let count = Float(all.count)
        try b.upload(sum.map { $0 / count }, to: mean)
        return mean
    }
}
