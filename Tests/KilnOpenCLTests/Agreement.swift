import Testing

/// Expects `got` to agree with `want` within `relative` of want's largest magnitude: two
/// paths that add the same terms in another order. `want` must not be all zero (any `got`
/// would pass), and `got` must hold no NaN (outputs are poisoned before a kernel runs, so a
/// NaN is a value it did not write).
func expectAgreement(_ got: [Float], _ want: [Float], within relative: Float = 1e-5, _ label: String,
                     sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(got.count == want.count, "\(label): \(got.count) values, want \(want.count)", sourceLocation: sourceLocation)
    #expect(!got.contains { $0.isNaN }, "\(label): NaN", sourceLocation: sourceLocation)
    let scale = want.map(abs).max() ?? 0
    #expect(scale > 0, "\(label): the reference is all zero", sourceLocation: sourceLocation)
    let worst = zip(got, want).map { abs($0 - $1) }.max() ?? .nan
    #expect(worst <= relative * scale, "\(label): max difference \(worst) of \(scale)", sourceLocation: sourceLocation)
}
