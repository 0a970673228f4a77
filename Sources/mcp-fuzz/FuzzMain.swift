// The libFuzzer harness (built by `make fuzz` with `-sanitize=fuzzer,address
// -DMCP_FUZZING`) and, in ordinary builds, a small replayer that runs files
// through the same entry functions.
import Foundation
import MCPFuzzTargets

#if MCP_FUZZING
/// The target this process fuzzes, named by `MCP_FUZZ_TARGET` (read once).
let selectedTarget: FuzzTarget = {
    guard let name = getenv("MCP_FUZZ_TARGET").map({ String(cString: $0) }), let target = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("mcp-fuzz: set MCP_FUZZ_TARGET to one of: \(names)\n".utf8))
        exit(2)
    }
    return target
}()

/// libFuzzer's entry point: one input. A broken property aborts, which libFuzzer records as a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    do {
        _ = try selectedTarget.run(bytes)
    } catch {
        FileHandle.standardError.write(Data("mcp-fuzz: property violated: \(error)\n".utf8))
        abort()
    }
    return 0
}

/// libFuzzer's driver (compiler-rt), run from our own entry point: SwiftPM links
/// executables with `main` aliased to `mcp_fuzz_main`, so libFuzzer's `main` is never used.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// The process entry point in the fuzz build.
@_cdecl("mcp_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return runFuzzerDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) }
}
#else
/// `mcp-fuzz TARGET FILE…`: runs files through a target without libFuzzer and prints each outcome.
@main
struct FuzzReplay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name), arguments.count > 1 else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
            print("usage: mcp-fuzz \(names) FILE…  (replays inputs; `make fuzz` builds the libFuzzer harness)")
            exit(2)
        }
        guard FuzzTarget.isAvailable else {
            print("mcp-fuzz: the fuzz targets exist only in debug builds and the fuzz build")
            exit(2)
        }
        var failed = false
        for path in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                print("\(path): cannot read")
                failed = true
                continue
            }
            let bytes = Array(data)
            do {
                print("\(path): \(try target.run(bytes))")
            } catch {
                print("\(path): FAILED \(error)")
                failed = true
            }
        }
        exit(failed ? 1 : 0)
    }
}
#endif
