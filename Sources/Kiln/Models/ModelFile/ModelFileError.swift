/// A model file that cannot be read: `path` is the JSON path of the fault
/// ("layers[3].kernelSize"), empty for the document itself.
public struct ModelFileError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var message: String
    public init(path: String, message: String) { self.path = path; self.message = message }
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}
