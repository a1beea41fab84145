import Testing
@testable import KilnOpenCL

@Suite("Device selection and listing")
struct DeviceSpecTests {
    @Test func parsesTheTwoForms() throws {
        #expect(try OpenCLDeviceSpec(parsing: "opencl").selection == .firstGPUElseAny)
        #expect(try OpenCLDeviceSpec(parsing: "opencl:1:2").selection == .index(platform: 1, device: 2))
        #expect(try OpenCLDeviceSpec(parsing: "opencl:1:2").description == "opencl:1:2")
    }

    @Test(arguments: ["cpu", "cuda:0", "opencl:0", "opencl:a:b", "opencl:-1:0", "opencl:0:0:0", "", "OpenCL"])
    func rejectsMalformedSpecs(_ text: String) {
        let error = #expect(throws: OpenCLError.self) { try OpenCLDeviceSpec(parsing: text) }
        guard case .invalidSpec(let message) = error else {
            Issue.record("expected invalidSpec, got \(String(describing: error))")
            return
        }
        #expect(message.contains("opencl:P:D") || message.contains("opencl:0:1"))
    }

    @Test func missingPlatformIndexSaysWhatWasFound() throws {
        let platforms = try OpenCLDeviceList.platforms()
        let error = #expect(throws: OpenCLError.self) { try OpenCLDeviceSpec(parsing: "opencl:\(platforms.count):0").resolve() }
        let message = error?.description ?? ""
        #expect(message.contains("platform \(platforms.count) does not exist"))
        #expect(message.contains("found \(platforms.count)"))
        #expect(platforms.allSatisfy { message.contains($0.name) })
    }

    @Test func missingDeviceIndexSaysWhatWasFound() throws {
        let devices = try #require(OpenCLDeviceList.platforms().first).devices
        let error = #expect(throws: OpenCLError.self) { try OpenCLDeviceSpec(parsing: "opencl:0:\(devices.count)").resolve() }
        let message = error?.description ?? ""
        #expect(message.contains("device \(devices.count) does not exist on platform 0"))
        #expect(devices.allSatisfy { message.contains($0.name) })
    }

    @Test func noPlatformMessageNamesAnICD() {
        #expect(OpenCLError.noPlatform.description == "no OpenCL platform found: install an ICD such as pocl-opencl-icd")
    }

    @Test func listsPlatformsAndDevices() throws {
        let platforms = try OpenCLDeviceList.platforms()
        let device = try #require(platforms.first?.devices.first)
        #expect(!device.name.isEmpty && device.name != "?")
        #expect(device.spec == "opencl:0:0")
        #expect(device.computeUnits > 0 && device.globalMemoryBytes > 0 && device.maxWorkGroupSize > 0)
        #expect(device.openCLVersion.hasPrefix("OpenCL"))
        #expect(["GPU", "CPU", "accelerator", "other"].contains(device.type))
        // "opencl" picks the first GPU, else the first device.
        let chosen = try OpenCLDeviceSpec(parsing: "opencl").resolve()
        let all = platforms.flatMap(\.devices)
        let expected = all.first { $0.type == "GPU" } ?? all[0]
        #expect(chosen.name == expected.name)
    }
}
