import Kiln
import Foundation

/// The backend-agnostic op check behind `kiln check` and the cross-backend tests: every op
/// of `Backend`, forward and backward, on shape classes chosen to catch indexing slips
/// (batch 1, odd sizes, channel counts that are not multiples of any tile, every stride and
/// padding kind), each compared with the CPU reference under a stated tolerance.
///
///     let rows = try OpCheckSuite.run(reference: CPUBackend(), candidate: device)
///     print(OpCheckSuite.report(rows)); exit(rows.allSatisfy(\.passed) ? 0 : 1)
public enum OpCheckSuite {
    /// Every case, or those whose op starts with one of `only` (e.g. ["conv2d", "gemm"]).
    /// `small` keeps only the tiny shapes (for slow simulators such as oclgrind).
    public static func cases(small: Bool = false, only: [String] = []) -> [OpCheckCase] {
        let large = !small
        let all = gemmCases(large: large) + convolutionCases(large: large) + convolutionPoolCases(large: large)
            + poolingCases(large: large)
            + localResponseNormCases(large: large)
            + batchNormCases(large: large) + dropoutCases(large: large) + activationCases(large: large)
            + lossCases(large: large) + optimizerCases(large: large)
        return only.isEmpty ? all : all.filter { c in only.contains { c.op.hasPrefix($0) } }
    }

    /// Runs every case (or `cases`) and returns one row per case.
    public static func run(reference: any Backend, candidate: any Backend,
                           cases: [OpCheckCase] = OpCheckSuite.cases()) throws -> [OpCheckResult] {
        try cases.map { try $0.run(reference: reference, candidate: candidate) }
    }

    /// A plain-text table of the rows, failures last-line summarised.
    public static func report(_ rows: [OpCheckResult]) -> String {
        let opWidth = rows.map(\.op.count).max() ?? 2
        let shapeWidth = rows.map(\.shape.count).max() ?? 5
        func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
        var lines = [pad("op", opWidth) + "  " + pad("shape", shapeWidth) + "  max abs    max rel    result"]
        for r in rows {
            lines.append(pad(r.op, opWidth) + "  " + pad(r.shape, shapeWidth) + "  "
                         + pad(OpTolerance.format(r.maxAbsolute), 9) + "  " + pad(OpTolerance.format(r.maxRelative), 9)
                         + "  " + (r.passed ? "ok" : "FAIL " + r.detail))
        }
        let failed = rows.filter { !$0.passed }.count
        lines.append(failed == 0 ? "all \(rows.count) checks passed" : "\(failed) of \(rows.count) checks FAILED")
        return lines.joined(separator: "\n")
    }
}

/// The layers' `same` padding along one axis (the extra row or column at the bottom or right).
func samePadding(_ size: Int, kernel: Int, stride: Int) -> (Int, Int) {
    Padding.same.amounts(.vertical, input: size, window: kernel, stride: stride)
}
