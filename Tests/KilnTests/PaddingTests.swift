import Testing
@testable import Kiln

@Suite struct PaddingTests {
    @Test func explicitPaddingAnswersForTheAxisAsked() {
        let p = Padding.explicit(top: 1, left: 2, bottom: 3, right: 4)
        #expect(p.amounts(.vertical, input: 9, window: 3, stride: 1) == (1, 3))
        #expect(p.amounts(.horizontal, input: 9, window: 3, stride: 1) == (2, 4))
        #expect(p.amounts2D(height: 9, width: 9, window: (3, 3), stride: (1, 1)) == (1, 2, 3, 4))
    }

    @Test func samePaddingPutsTheExtraCellAfter() {
        // 8 cells, window 3, stride 2: 4 outputs need 9 cells, the one extra goes after.
        #expect(Padding.same.amounts(.horizontal, input: 8, window: 3, stride: 2) == (0, 1))
        #expect(Padding.same.amounts(.vertical, input: 7, window: 3, stride: 1) == (1, 1))
        #expect(Padding.valid.amounts(.vertical, input: 7, window: 3, stride: 1) == (0, 0))
    }
}
