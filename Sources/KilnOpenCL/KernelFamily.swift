/// Which shape of kernels the ops whose work differs between a CPU and a GPU use (im2col,
/// col2im, the dy transpose of the filter gradient, max pooling, bias add and gradient, batch
/// norm). `KernelConfig.forDevice` picks it from the device type; `kiln … --kernel-family` and
/// `OpenCLBackend(kernelFamily:)` force either on any device, so both are checked everywhere.
public enum KernelFamily: String, Hashable, Sendable, CaseIterable {
    /// A work-item walks a contiguous row (PoCL runs a group's items as a loop and vectorises
    /// along it; per-element index divisions do not vectorise); per-channel reductions one
    /// group per channel.
    case cpu
    /// One work-item per element written, consecutive items on consecutive addresses
    /// (coalesced), launches of many groups; per-channel reductions over many groups per
    /// channel, then a pass that combines them in order (deterministic, no atomics).
    case gpu
}
