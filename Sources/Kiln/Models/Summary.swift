import Foundation

extension Sequential {
    /// A Keras-like table: each layer with its output shape and parameter count, then the
    /// trainable and non-trainable totals (batch-norm running statistics are non-trainable).
    public func summary() -> String {
        var rows: [(String, String, Int)] = []
        func visit(_ layer: any Layer, name: String, output: Shape?) {
            let own = declarations.parameters.filter { owner(of: $0.name) == name }.reduce(0) { $0 + $1.shape.count }
                + declarations.buffers.filter { owner(of: $0.name) == name }.reduce(0) { $0 + $1.shape.count }
            let title = "\(name) \(layer.typeName)" + (layer.configuration.isEmpty ? "" : " (\(layer.configuration))")
            rows.append((title, output.map { "[None, " + $0.dims.map(String.init).joined(separator: ", ") + "]" } ?? "", own))
            if let container = layer as? any ContainerLayer {
                for child in container.children { visit(child.layer, name: "\(name).\(child.name)", output: nil) }
            }
        }
        for (i, layer) in layers.enumerated() { visit(layer, name: String(i), output: stack.shapes[i + 1]) }

        let w0 = max(30, rows.map(\.0.count).max() ?? 0) + 2, w1 = 22
        let rule = String(repeating: "─", count: w0 + w1 + 12)
        func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s + " " : s + String(repeating: " ", count: w - s.count) }
        var out = "Model: \(name ?? "Sequential"), input \(inputShape)\n"
        if let note { out += note + "\n" }
        out += rule + "\n"
        out += pad("Layer", w0) + pad("Output shape", w1) + "Param #\n" + rule + "\n"
        for r in rows { out += pad(r.0, w0) + pad(r.1, w1) + "\(r.2)\n" }
        out += rule + "\n"
        out += "Total params: \(parameterCount + bufferCount)\n"
        out += "Trainable params: \(parameterCount)\n"
        out += "Non-trainable params: \(bufferCount)\n"
        return out
    }

    /// The layer path that declared a parameter: "3.body.0.weight" → "3.body.0".
    private func owner(of name: String) -> String {
        String(name[..<(name.lastIndex(of: ".") ?? name.endIndex)])
    }
}
