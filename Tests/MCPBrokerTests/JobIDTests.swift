import MCPBroker
import Testing

/// Job ids come from OpenSSL's random generator (no system call per id): they
/// must stay well-formed, never repeat across threads, and carry 128 bits that
/// vary in every digit.
@Suite("Job ids")
struct JobIDTests {
    @Test("ids made on four tasks at once are well-formed and distinct")
    func distinctAcrossThreads() async {
        let perTask = 10_000
        let ids = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<4 { group.addTask { (0..<perTask).map { _ in JobID.make() } } }
            var all: [String] = []
            for await batch in group { all += batch }
            return all
        }
        #expect(ids.count == 4 * perTask)
        #expect(ids.allSatisfy(JobID.isValid))
        #expect(Set(ids).count == ids.count)
    }

    @Test("every one of the 32 digits takes most of the 16 values (no constant or zero-filled part)")
    func everyDigitVaries() {
        let ids = (0..<2_000).map { _ in Array(JobID.make().utf8) }
        for position in 0..<32 {
            let seen = Set(ids.map { $0[position] })
            #expect(seen.count == 16, "digit \(position) took only \(seen.count) values")
        }
    }
}
