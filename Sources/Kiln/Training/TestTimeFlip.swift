extension Sequential {
    /// Test-time flip averaging: the mean of `output` (the model's outputs for the images of
    /// `rows`, as uploaded by `feeder`) and the outputs for the same images mirrored left to
    /// right. Logits are averaged (not probabilities), so a softmax model's loss and arg-max
    /// read the mean directly. The mean lands in a tensor of the model's cache; the two
    /// forward passes' outputs cross to the host, K values per image.
    func flipAveraged(_ output: Tensor, _ rows: ArraySlice<Int>, feeder: inout BatchFeeder,
                      state: CompiledState) throws -> Tensor {
        let b = state.backend
        // Read before the second pass, which reuses the layers' output tensors.
        let plain = try b.download(output)
        let mirroredInput = try feeder.uploadImages(rows, model: self, state: state, training: false, mirrored: true)
        let mirrored = try b.download(try stack.forward(mirroredInput, context(.inference)))
        let mean = try state.cache.tensor(ModelSlot.flipAveragedOutput, output.shape, on: b)
        try b.upload(zip(plain, mirrored).map { ($0 + $1) / 2 }, to: mean)
        return mean
    }
}
