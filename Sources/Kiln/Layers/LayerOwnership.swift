import Foundation

/// Which model each layer instance belongs to. A layer binds to one model's arenas, so the same
/// instance in a second model (or twice in one) would silently share or rebind its weights:
/// that is an error when the model is made. A model is known by its `ParameterDeclarations`;
/// both sides are held weakly, so a layer whose model is gone may join another.
final class LayerOwnership: @unchecked Sendable {
    static let shared = LayerOwnership()

    private struct Claim {
        weak var layer: AnyObject?
        weak var owner: ParameterDeclarations?
    }

    private let lock = NSLock()
    private var claims: [ObjectIdentifier: Claim] = [:]
    /// Dead claims are swept when the table reaches this size, which then doubles past the
    /// live ones: sweeping at a fixed size made every claim of a model with more than 4096
    /// layers sweep the whole table (a 200,000-layer model file took minutes to build).
    private var sweepAt = 4096

    /// Records `layer` as part of the model `owner`; `place` names it in messages.
    /// - Throws: `LayerError` when the instance already belongs to a live model.
    func claim(_ layer: any Layer, for owner: ParameterDeclarations, place: String) throws {
        lock.lock()
        defer { lock.unlock() }
        let id = ObjectIdentifier(layer)
        if let claim = claims[id], claim.layer === layer, let current = claim.owner {
            let fix = "make a new \(layer.typeName)(...) for each place it is used"
            if current === owner { throw LayerError("\(place) appears twice in the model; \(fix)") }
            throw LayerError("\(place) already belongs to another model; \(fix)")
        }
        if claims.count >= sweepAt {
            claims = claims.filter { $0.value.layer != nil && $0.value.owner != nil }
            sweepAt = max(4096, 2 * claims.count)
        }
        claims[id] = Claim(layer: layer, owner: owner)
    }
}
