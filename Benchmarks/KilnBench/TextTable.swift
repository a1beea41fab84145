/// A plain-text table: a header row, a rule, and columns padded to their widest cell
/// (first column left-aligned, the rest right-aligned, as numbers read best).
struct TextTable {
    let header: [String]
    var rows: [[String]] = []

    init(_ header: [String]) { self.header = header }

    mutating func add(_ cells: [String]) {
        precondition(cells.count == header.count, "row has \(cells.count) cells, header \(header.count)")
        rows.append(cells)
    }

    var rendered: String {
        let all = [header] + rows
        let widths = header.indices.map { c in all.map { $0[c].count }.max()! }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return c == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}
