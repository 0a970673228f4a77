import Foundation
import MCPFuzzTargets
import Testing

/// Replays every committed fuzz input through the same entry functions the
/// libFuzzer harness runs, without the sanitizer: a trap here stops the test
/// run, a broken property fails the test, and every crash input must end
/// with the typed outcome recorded for it in `Fuzz/crashes/EXPECTED`.
@Suite struct FuzzRegressionTests {
    @Test(arguments: FuzzTarget.allCases)
    func corpusReplaysWithoutFailures(_ target: FuzzTarget) throws {
        let files = FuzzInputs.files("seeds", target) + FuzzInputs.files("corpus", target)
        #expect(files.count >= 5, "Fuzz/seeds/\(target.rawValue) and Fuzz/corpus/\(target.rawValue) should hold inputs")
        var outcomes: [String: Int] = [:]
        for file in files {
            do {
                outcomes["\(try target.run(try FuzzInputs.bytes(file)))", default: 0] += 1
            } catch let failure as FuzzFailure {
                Issue.record("\(file.lastPathComponent): \(failure)")
            }
        }
        // A corpus that only ever fails to parse would fuzz nothing past the parser.
        #expect(outcomes.count >= 2, "\(target.rawValue) corpus outcomes: \(outcomes)")
    }

    @Test(arguments: FuzzTarget.allCases)
    func crashInputsEndWithTheirRecordedOutcome(_ target: FuzzTarget) throws {
        let expected = try FuzzInputs.expectations("crashes")
        for file in FuzzInputs.files("crashes", target) where file.lastPathComponent != "EXPECTED" {
            let key = "\(target.rawValue)/\(file.lastPathComponent)"
            let outcome = try target.run(try FuzzInputs.bytes(file))
            #expect(expected[key] != nil, "\(key) has no line in Fuzz/crashes/EXPECTED (triage it)")
            #expect(expected[key] == "\(outcome)", "\(key)")
        }
    }

    @Test func everyRecordedInputExists() throws {
        for kind in ["crashes"] {
            for key in try FuzzInputs.expectations(kind).keys {
                let path = FuzzInputs.root.appendingPathComponent(kind).appendingPathComponent(key).path
                #expect(FileManager.default.fileExists(atPath: path), "Fuzz/\(kind)/EXPECTED names a missing \(key)")
            }
        }
    }
}
