import Testing
import Kiln

/// Known answers for Philox4x32-10 from Random123's kat_vectors (counter, key → output).
@Suite struct PhiloxTests {
    static let vectors: [(counter: SIMD4<UInt32>, key: SIMD2<UInt32>, expected: SIMD4<UInt32>)] = [
        (SIMD4(0, 0, 0, 0), SIMD2(0, 0), SIMD4(0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8)),
        (SIMD4(.max, .max, .max, .max), SIMD2(.max, .max), SIMD4(0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd)),
        (SIMD4(0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344), SIMD2(0xa409_3822, 0x299f_31d0),
         SIMD4(0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1)),
        (SIMD4(1, 0, 0, 0), SIMD2(1, 0), SIMD4(0xac08_141b, 0xdfc5_ccbe, 0x79c0_7a47, 0xa7f6_6093)),
        (SIMD4(0, 0, 0, 0x8000_0000), SIMD2(0, 0xffff_ffff), SIMD4(0x2a46_0458, 0x0a27_09e5, 0x47bc_9115, 0x0f96_d8af)),
        (SIMD4(0x4528_21e6, 0x38d0_1377, 0xbe54_66cf, 0x34e9_0c6c), SIMD2(0, 0x8000_0000),
         SIMD4(0x94ca_5566, 0x1492_4b2f, 0x2821_4292, 0x59fa_eaee)),
    ]

    @Test(arguments: 0..<vectors.count)
    func knownAnswer(_ i: Int) {
        let v = Self.vectors[i]
        #expect(Philox4x32.block(counter: v.counter, key: v.key) == v.expected)
    }

    @Test func dropoutWordFollowsTheDocumentedCounterLayout() {
        let key = DropoutKey(seed: 7, layer: 3, step: 0x1_0000_0002)
        for element in [0, 1, 5, 4099] {
            let block = Philox4x32.block(counter: SIMD4(UInt32(element / 4), 0, 2, 1), key: SIMD2(7, 3))
            #expect(key.word(element: element) == block[element % 4])
        }
    }
}
