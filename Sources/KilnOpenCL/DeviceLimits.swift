/// The limits every launch is sized against: the device's, or lower ones a caller asks for
/// (`OpenCLBackend(limits:)`), so a test on a large device runs exactly what a small one
/// would get: the work-group and tile sizes `KernelConfig` chooses, the clamping of each
/// launch's group, the local-memory check, and the splitting of large launches.
public struct DeviceLimits: Hashable, Sendable {
    /// CL_DEVICE_MAX_WORK_GROUP_SIZE: work-items in one group.
    public var maxWorkGroupSize: Int
    /// CL_DEVICE_MAX_WORK_ITEM_SIZES: work-items along each dimension of a group.
    public var maxWorkItemSizes: [Int]
    /// CL_DEVICE_LOCAL_MEM_SIZE: `__local` bytes one group may use.
    public var localMemoryBytes: Int
    /// Elements one launch may address past any tensor argument's base. Kernels index in
    /// 32-bit `int` (fast on every GPU) relative to a 64-bit (`long`) offset, so every op
    /// splits work larger than this into several launches; 2^31 − 1 on every device.
    public var maxLaunchElements: Int

    public init(maxWorkGroupSize: Int, maxWorkItemSizes: [Int] = [], localMemoryBytes: Int,
                maxLaunchElements: Int = Int(Int32.max)) {
        precondition(maxWorkGroupSize >= 1 && localMemoryBytes >= 0 && maxLaunchElements >= 1, "invalid device limits")
        self.maxWorkGroupSize = maxWorkGroupSize
        self.maxWorkItemSizes = maxWorkItemSizes
        self.localMemoryBytes = localMemoryBytes
        self.maxLaunchElements = min(maxLaunchElements, Int(Int32.max))
    }

    /// Each limit the lower of the two (item sizes dimension by dimension).
    public func lowered(to other: DeviceLimits?) -> DeviceLimits {
        guard let other else { return self }
        let items = maxWorkItemSizes.isEmpty ? other.maxWorkItemSizes
            : other.maxWorkItemSizes.isEmpty ? maxWorkItemSizes
            : zip(maxWorkItemSizes, other.maxWorkItemSizes).map { min($0, $1) }
        return DeviceLimits(maxWorkGroupSize: min(maxWorkGroupSize, other.maxWorkGroupSize), maxWorkItemSizes: items,
                            localMemoryBytes: min(localMemoryBytes, other.localMemoryBytes),
                            maxLaunchElements: min(maxLaunchElements, other.maxLaunchElements))
    }

    /// `local` made to fit: each dimension within its item limit, then the largest halved
    /// (rounding up) until the group fits `maxGroup` work-items. Kernels guard their bounds,
    /// and the launch rounds the global size up to the new group, so any group is correct.
    func clamp(_ local: [Int], maxGroup: Int) -> [Int] {
        var group = local.enumerated().map { d, n in
            max(1, d < maxWorkItemSizes.count ? min(n, maxWorkItemSizes[d]) : n)
        }
        while group.reduce(1, *) > maxGroup, let d = group.indices.max(by: { group[$0] < group[$1] }), group[d] > 1 {
            group[d] = (group[d] + 1) / 2
        }
        return group
    }
}
