import COpenCL
import Foundation
import Kiln

/// The OpenCL implementation of every `Backend` op, on one device.
///
///     let backend = try OpenCLBackend(spec: "opencl:0:0")
///
/// One context, one in-order queue and one program (all of `Kernels/*.cl`, built with the
/// device's `KernelConfig` and cached on disk, see `ProgramCache`). Device memory comes from
/// a pool, so steady-state training allocates nothing. Every public op may be called from
/// any thread; calls are serialised by a lock (kernel arguments live on shared objects).
public final class OpenCLBackend: Backend, @unchecked Sendable {  // mutable state is guarded by `lock`
    public let name: String
    /// The device, as `kiln devices` lists it.
    public let device: OpenCLDeviceInfo
    /// The tile and group sizes the program was built with.
    public let config: KernelConfig
    /// What launches are sized against: the device's limits, lowered where `init` was asked to.
    public let limits: DeviceLimits
    /// How the program was obtained this time and how long it took.
    public let programBuild: ProgramBuildReport
    /// Fill every scratch buffer with NaN before use, so a kernel that reads scratch it did
    /// not write shows up in results (checks and oclgrind runs; costs one fill per use).
    public let poisonsWorkspaces: Bool
    /// Run-time blocking of the packed (CPU) GEMM: tuned winners when `kiln tune` stored some
    /// for this device and driver, the defaults otherwise (see `GemmTuning`).
    public var gemmBlocking = PackedGemmBlocking.default
    /// The tuning file found at start-up (nil tuning: none, or unusable, then with a warning).
    public let tuningLoad: GemmTuning.Loaded
    /// Who runs the plain GEMMs: the tuning file's choice when CLBlast loads here, else Kiln
    /// (see `GemmProvider`; tests and `kiln check --gemm-provider` set it).
    public var gemmProvider = GemmProvider.kiln
    /// When set, every GEMM the backend runs is appended here (the tuner learns a model's shapes).
    var recordedGemms: [GemmDescriptor]?
    /// Convolutions gather their column blocks inside the packed GEMM where it runs them
    /// (`enqueueGatheredConvolution`); off, they take im2col + GEMM (tests compare the two).
    var gathersConvolutionColumns = true
    /// Filter gradients of 3-wide layers come straight from x and dy where they can
    /// (`enqueueStagedFilterGradient`); off, they take im2col + GEMM (tests compare the two).
    var stagesConvolutionFilterGradient = true
    /// 3-wide layers run their forward (and, stride-1 ones that keep their size, their input
    /// gradient) through conv_direct where they can (`directConvolutionBand`); off, they take
    /// the GEMM paths (tests compare the two).
    var convolvesDirectly = true
    /// A convolution that conv_direct runs, with a 2x2 max pool after it, pools as it stores in
    /// training too, recording each window's winner (`conv2dForwardMaxPool2x2` with winners);
    /// off, training keeps the convolution and the pool apart (tests compare the two).
    var recordsPoolWinners = true

    let context: CLContext
    let queue: CLQueue
    let pool: BufferPool
    private let program: CLProgram
    private var kernels: [String: CLKernel] = [:]
    /// Programs built apart from the ops' one (the peak probes), kept while their kernels are.
    private var adoptedPrograms: [CLProgram] = []
    let lock = NSRecursiveLock()
    /// Host copies of uploads in flight; freed once the queue has drained past them.
    private var staging: [UnsafeMutableRawPointer] = []
    private var stagingBytes = 0
    private var profile: [(event: cl_event, timing: KernelTiming)] = []

    /// Opens the device named by `spec` ("opencl" or "opencl:P:D", see `OpenCLDeviceSpec`).
    public convenience init(spec: String = "opencl", profiling: Bool = false, config: KernelConfig? = nil,
                            poisonWorkspaces: Bool = false, limits: DeviceLimits? = nil, kernelFamily: KernelFamily? = nil,
                            cacheDirectory: URL? = OpenCLBackend.defaultCacheDirectory) throws {
        try self.init(try OpenCLDeviceSpec(parsing: spec), profiling: profiling, config: config,
                      poisonWorkspaces: poisonWorkspaces, limits: limits, kernelFamily: kernelFamily,
                      cacheDirectory: cacheDirectory)
    }

    /// - Parameters:
    ///   - profiling: record an event per kernel launch; read them with `kernelTimings()`.
    ///   - config: tile and group sizes; nil chooses them from the device's limits.
    ///   - poisonWorkspaces: NaN-fill every scratch buffer before use (see `poisonsWorkspaces`).
    ///   - limits: lower limits than the device's to size everything against (a test pretends
    ///     to be a small device this way); nil: the device's own.
    ///   - kernelFamily: CPU- or GPU-shaped kernels whatever the device (and `config`) says;
    ///     nil: the config's (from the device type).
    ///   - cacheDirectory: where compiled programs are kept; nil disables the disk cache.
    public init(_ spec: OpenCLDeviceSpec, profiling: Bool = false, config: KernelConfig? = nil,
                poisonWorkspaces: Bool = false, limits: DeviceLimits? = nil, kernelFamily: KernelFamily? = nil,
                cacheDirectory: URL? = OpenCLBackend.defaultCacheDirectory) throws {
        poisonsWorkspaces = poisonWorkspaces
        let clDevice = try spec.resolve()
        device = Self.info(of: clDevice)
        name = "opencl: \(device.name) (\(device.spec))"
        // Tuned winners (kiln tune) for this device and driver; an explicit config wins.
        tuningLoad = GemmTuning.load(directory: cacheDirectory, device: device.name, driver: device.driverVersion)
        if let warning = tuningLoad.warning { StandardError.write(warning + "\n") }
        let limits = clDevice.limits.lowered(to: limits)
        self.limits = limits
        var chosen = config ?? KernelConfig.forDevice(clDevice, limits: limits).applying(tuningLoad.tuning)
        if let packed = tuningLoad.tuning?.packed { gemmBlocking = packed }
        if tuningLoad.tuning?.provider == .clblast {
            switch CLBlastLibrary.shared {
            case .success: gemmProvider = .clblast
            case .failure(let error):
                FileHandle.standardError.write(Data("warning: the tuning file names CLBlast as GEMM provider, but CLBlast \(error); using Kiln's GEMM\n".utf8))
            }
        }
        context = try CLContext(device: clDevice)
        queue = try CLQueue(context: context, profiling: profiling)
        pool = BufferPool(context: context)
        let start = DispatchTime.now().uptimeNanoseconds
        let cache = ProgramCache(directory: cacheDirectory)
        var (program, outcome) = try cache.program(context: context, source: Self.programSource, options: chosen.buildOptions)
        // A compiled kernel may allow smaller groups than the device (registers): when one
        // whose reqd_work_group_size the config fixes does not fit, choose the config again
        // for what the kernels allow and rebuild (once; an explicit config is kept, and its
        // launches fail with a clear error instead).
        if config == nil, let allowed = Self.smallestAllowedGroup(program, device: clDevice, limits: limits) {
            let fitted = KernelConfig.forDevice(clDevice, limits: DeviceLimits(
                maxWorkGroupSize: allowed, maxWorkItemSizes: limits.maxWorkItemSizes,
                localMemoryBytes: limits.localMemoryBytes, maxLaunchElements: limits.maxLaunchElements))
            chosen = fitted.applying(tuningLoad.tuning)
            (program, outcome) = try cache.program(context: context, source: Self.programSource, options: chosen.buildOptions)
        }
        if let kernelFamily { chosen.kernelFamily = kernelFamily }
        self.config = chosen
        self.program = program
        programBuild = ProgramBuildReport(
            seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9,
            fromCache: outcome == .loaded, replacedCorruptEntry: outcome == .rebuiltCorrupt)
    }

    deinit {
        for entry in profile { clReleaseEvent(entry.event) }
        clFinish(queue.id)
        for block in staging { block.deallocate() }
    }

    /// `$XDG_CACHE_HOME/kiln` or `~/.cache/kiln`.
    public static var defaultCacheDirectory: URL? { ProgramCache.defaultDirectory }

    /// Kernel files that are not ops, built on their own only when used (`measurePeak`).
    static let probeFiles: Set<String> = ["peak.cl"]

    /// `common.cl` first, then every other op kernel file by name: one program, one build.
    static var programSource: String {
        let files = EmbeddedKernels.sources.keys.filter { !probeFiles.contains($0) }.sorted { a, b in
            a == "common.cl" ? b != "common.cl" : (b == "common.cl" ? false : a < b)
        }
        return files.map { "// ---- \($0)\n" + EmbeddedKernels.sources[$0]! }.joined(separator: "\n")
    }

    private static func info(of device: CLDevice) -> OpenCLDeviceInfo {
        // Indices for the spec string: find the device among its platform's.
        let platforms = (try? CLPlatform.all()) ?? []
        let p = platforms.firstIndex { $0.id == device.platform.id } ?? 0
        let d = (try? device.platform.devices())?.firstIndex { $0.id == device.id } ?? 0
        return OpenCLDeviceInfo(device, platformIndex: p, deviceIndex: d)
    }

    // MARK: Pool

    /// Device bytes the buffer pool holds (in use plus free for reuse). Stays constant over
    /// training steps after the first.
    public var deviceBytesAllocated: Int { pool.deviceBytesAllocated }

    /// Returns pooled blocks no tensor uses to the driver.
    public func trimPool() { pool.trim() }

    // MARK: Launching

    func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Whether `name` is launchable already (made once, or adopted).
    func hasKernel(_ name: String) -> Bool { kernels[name] != nil }

    /// Makes `names` of `program` (built apart from the ops' program) launchable by name.
    func adopt(_ names: [String], of program: CLProgram) throws {
        for name in names where kernels[name] == nil { kernels[name] = try prepared(CLKernel(program: program, name: name)) }
        adoptedPrograms.append(program)
    }

    func kernel(_ name: String) throws -> CLKernel {
        if let k = kernels[name] { return k }
        let k = try prepared(CLKernel(program: program, name: name))
        kernels[name] = k
        return k
    }

    /// `k` with its launch limits read (the device's, possibly lowered, and the compiled
    /// kernel's); throws when its local memory does not fit the device.
    private func prepared(_ k: CLKernel) throws -> CLKernel {
        let local = k.localMemoryBytes(on: context.device)
        guard local <= limits.localMemoryBytes else {
            throw OpenCLError.invalidLaunch("kernel \(k.name) uses \(local) bytes of local memory, the device has \(limits.localMemoryBytes)")
        }
        k.maxGroup = min(limits.maxWorkGroupSize, k.maxGroupSize(on: context.device))
        k.requiredGroup = k.requiredGroup(on: context.device)
        return k
    }

    /// The smallest CL_KERNEL_WORK_GROUP_SIZE among the kernels whose required group is larger
    /// than that (or than the device allows); nil when every required group fits.
    private static func smallestAllowedGroup(_ program: CLProgram, device: CLDevice, limits: DeviceLimits) -> Int? {
        var smallest: Int?
        // Only kernels the program holds (some are compiled in by one config only, e.g. the
        // packed GEMM's): asking for another is an API error.
        let present = program.kernelNames
        for name in requiredGroupKernels where present.contains(name) {
            guard let k = try? CLKernel(program: program, name: name), let required = k.requiredGroup(on: device) else { continue }
            let allowed = min(limits.maxWorkGroupSize, k.maxGroupSize(on: device))
            if required.reduce(1, *) > allowed { smallest = min(smallest ?? allowed, allowed) }
        }
        return smallest
    }

    /// The kernels whose source fixes their group (`reqd_work_group_size`): only these are
    /// created and queried at start-up (a driver may compile a kernel to answer the query).
    static let requiredGroupKernels: [String] = {
        let pattern = #/reqd_work_group_size\((?:[^()]|\([^()]*\))*\)\)\)\s*void\s+(\w+)/#
        return programSource.matches(of: pattern).map { String($0.output.1) }
    }()

    /// `local` as this kernel may run it: its required group if it has one, else clamped to
    /// the device's and the compiled kernel's limits. Throws when even that does not fit.
    private func fittedGroup(_ local: [Int], for k: CLKernel) throws -> [Int] {
        let group = k.requiredGroup == nil ? limits.clamp(local, maxGroup: k.maxGroup) : local
        let items = group.reduce(1, *)
        let withinItems = group.enumerated().allSatisfy { d, n in d >= limits.maxWorkItemSizes.count || n <= limits.maxWorkItemSizes[d] }
        guard items <= k.maxGroup && withinItems else {
            throw OpenCLError.invalidLaunch("kernel \(k.name): work-group \(group) exceeds what the device and kernel allow "
                                            + "(\(k.maxGroup) items, \(limits.maxWorkItemSizes) per dimension)")
        }
        if let required = k.requiredGroup, Array(required.prefix(group.count)) != group {
            throw OpenCLError.invalidLaunch("kernel \(k.name) requires work-group \(required), launched with \(group)")
        }
        return group
    }

    /// Launches the kernel `arguments` describe (`kernel` overrides its name, for families of
    /// kernels with one signature) over at least `global` items in groups of `local` (rounded
    /// up; the kernels guard their bounds). Nothing is launched for an empty range. The first
    /// launch of each kernel checks the description against the compiled kernel. `flops` and
    /// `bytes`, where the caller knows them, go into the launch's `KernelTiming`.
    func launch<A: KernelArguments>(_ arguments: A, kernel name: String = A.kernelName, global: [Int], local: [Int],
                                     flops: Double? = nil, bytes: Double? = nil) throws {
        guard global.allSatisfy({ $0 > 0 }) else { return }
        let k = try kernel(name)
        let values = try arguments.flattened()
        if k.verifiedDescription != ObjectIdentifier(A.self) {
            try k.verify(values, description: "\(A.self)")
            k.verifiedDescription = ObjectIdentifier(A.self)
        }
        for argument in values {
            if let extent = argument.extent, extent > limits.maxLaunchElements {
                throw OpenCLError.invalidLaunch("kernel \(name) would index \(extent) elements of \(argument.name) in one "
                                                + "launch; the limit is \(limits.maxLaunchElements) (the op must split it)")
            }
        }
        try k.set(values)
        let group = try fittedGroup(local, for: k)
        let rounded = zip(global, group).map { ($0 + $1 - 1) / $1 * $1 }
        if let event = try queue.launch(k, global: rounded, local: group) {
            let buffers = values.count { if case .buffer = $0.value { true } else { false } }
            let timing = KernelTiming(kernel: name, seconds: 0, workItems: global.reduce(1, *),
                                      bufferArguments: buffers, flops: flops, bytes: bytes)
            profile.append((event, timing))
        }
    }

    /// One work-item per element, in element-wise groups.
    func launch<A: KernelArguments>(_ arguments: A, kernel name: String = A.kernelName, count: Int,
                                     bytes: Double? = nil) throws {
        try launch(arguments, kernel: name, global: [count], local: [config.elementwiseGroupSize], bytes: bytes)
    }

    /// One group of `reductionGroupSize` items per `groups`.
    func launch<A: KernelArguments>(_ arguments: A, kernel name: String = A.kernelName, groups: Int) throws {
        try launch(arguments, kernel: name, global: [groups * config.reductionGroupSize], local: [config.reductionGroupSize])
    }

    /// Runs `body(first, count)` over items 0 ..< `items` of `itemSize` elements each, in
    /// slices of as many whole items as one launch may index (`limits.maxLaunchElements`;
    /// at least one item). One slice on any real tensor below 2^31 elements.
    func forEachSlice(_ items: Int, itemSize: Int, _ body: (_ first: Int, _ count: Int) throws -> Void) throws {
        let perSlice = max(1, limits.maxLaunchElements / max(itemSize, 1))
        for first in stride(from: 0, to: items, by: perSlice) { try body(first, min(perSlice, items - first)) }
    }

    /// A pooled scratch buffer; it returns to the pool when the caller drops it. Safe to reuse
    /// at once: the in-order queue runs its users before the next owner's commands.
    func workspace(_ count: Int) throws -> OpenCLBuffer {
        let buffer = try OpenCLBuffer(count: count, pool: pool)
        if poisonsWorkspaces { try queue.fill(buffer.memory, with: .nan, byteOffset: 0, count: max(count, 1) * 4) }
        return buffer
    }

    // MARK: Profiling

    /// Per-launch device times since the last call (waits for the queue). Empty unless the
    /// backend was created with `profiling: true`.
    public func kernelTimings() throws -> [KernelTiming] {
        try locked {
            try queue.finish()
            defer {
                for entry in profile { clReleaseEvent(entry.event) }
                profile = []
            }
            return try profile.map { entry in
                var start: cl_ulong = 0, end: cl_ulong = 0
                try check(clGetEventProfilingInfo(entry.event, cl_profiling_info(CL_PROFILING_COMMAND_START),
                                                  8, &start, nil), "clGetEventProfilingInfo")
                try check(clGetEventProfilingInfo(entry.event, cl_profiling_info(CL_PROFILING_COMMAND_END),
                                                  8, &end, nil), "clGetEventProfilingInfo")
                var timing = entry.timing
                timing.seconds = Double(end &- start) / 1e9
                return timing
            }
        }
    }

    // MARK: Memory

    public func allocate(_ count: Int) throws -> any DeviceBuffer {
        try locked {
            let buffer = try OpenCLBuffer(count: count, pool: pool)
            try queue.fill(buffer.memory, with: 0, byteOffset: 0, count: max(count, 1) * 4)
            return buffer
        }
    }

    public func upload(_ values: [Float], to tensor: Tensor) throws {
        precondition(values.count == tensor.count, "upload of \(values.count) values into \(tensor.shape)")
        guard !values.isEmpty else { return }
        try locked {
            // The write is asynchronous, so it reads from a host copy that lives until the
            // queue drains (the next download), or until too much is pending.
            let bytes = values.count * 4
            let copy = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
            values.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: bytes) }
            staging.append(copy)
            stagingBytes += bytes
            try queue.write(memory(tensor), byteOffset: tensor.offset * 4, bytes: copy, count: bytes)
            if stagingBytes > 256 << 20 { try drain() }
        }
    }

    public func download(_ tensor: Tensor) throws -> [Float] {
        try locked {
            var values = [Float](repeating: 0, count: tensor.count)
            if !values.isEmpty {
                try values.withUnsafeMutableBytes {
                    try queue.read(memory(tensor), byteOffset: tensor.offset * 4, into: $0.baseAddress!, count: $0.count)
                }
            }
            try drain()
            return values
        }
    }

    /// Waits for the queue and frees the upload copies.
    private func drain() throws {
        try queue.finish()
        for block in staging { block.deallocate() }
        staging = []
        stagingBytes = 0
    }

    /// Writes `destination` from `source` (same count; they may not overlap), for ops that
    /// hold the lock (the identity activation).
    func enqueueCopy(_ source: Tensor, to destination: Tensor) throws {
        guard source.count > 0 else { return }
        try queue.copy(memory(source), byteOffset: source.offset * 4, to: memory(destination),
                       destinationOffset: destination.offset * 4, count: source.count * 4)
    }

    public func fill(_ tensor: Tensor, with value: Float) throws {
        guard tensor.count > 0 else { return }
        try locked { try queue.fill(memory(tensor), with: value, byteOffset: tensor.offset * 4, count: tensor.count * 4) }
    }

    // MARK: Arguments

    func memory(_ tensor: Tensor) -> CLMemory {
        guard let buffer = tensor.buffer as? OpenCLBuffer else {
            preconditionFailure("tensor of \(type(of: tensor.buffer)) passed to the OpenCL backend")
        }
        return buffer.memory
    }

    /// A tensor as a kernel argument: its buffer and element offset, all of it in reach of
    /// the launch (32-bit indexing: at most `limits.maxLaunchElements` elements).
    func arg(_ tensor: Tensor) -> KernelTensor {
        KernelTensor(memory: memory(tensor), offset: tensor.offset, extent: tensor.count)
    }

    /// Elements `first ..< first + count` of `tensor` as a kernel argument (one slice of a
    /// split launch).
    func arg(_ tensor: Tensor, from first: Int, count: Int) -> KernelTensor {
        KernelTensor(memory: memory(tensor), offset: tensor.offset + first, extent: count)
    }

    /// A tensor whose kernel indexes it in 64-bit arithmetic: no per-launch limit.
    func wide(_ tensor: Tensor) -> KernelTensor {
        KernelTensor(memory: memory(tensor), offset: tensor.offset, extent: nil)
    }
}

/// How the backend got its program.
public struct ProgramBuildReport: Hashable, Sendable {
    /// Wall time of building (or loading) the program.
    public var seconds: Double
    /// True when the driver binary came from the disk cache.
    public var fromCache: Bool
    /// True when a cache entry existed but was unusable and has been rebuilt.
    public var replacedCorruptEntry: Bool
}

/// One kernel launch's device time (from profiling events) and what it was asked to do.
public struct KernelTiming: Hashable, Sendable {
    public var kernel: String
    public var seconds: Double
    /// Work-items requested (before rounding up to whole work-groups).
    public var workItems: Int
    /// How many buffers the launch was given (for traffic estimates of element-wise kernels).
    public var bufferArguments: Int
    /// Floating-point operations, where the op knows them (GEMM: from its descriptor).
    public var flops: Double?
    /// Bytes the launch must read and write at least once, where the op knows them.
    public var bytes: Double?

    public init(kernel: String, seconds: Double, workItems: Int = 0, bufferArguments: Int = 0,
                flops: Double? = nil, bytes: Double? = nil) {
        self.kernel = kernel; self.seconds = seconds; self.workItems = workItems
        self.bufferArguments = bufferArguments; self.flops = flops; self.bytes = bytes
    }
}
