extension BenchRunner {
    /// Warns of keys outside the documented layout left by the run (``BenchSystem/undocumentedKeys(examples:maxRounds:)``).
    func auditKeys() async {
        do {
            let (count, examples) = try await system.undocumentedKeys()
            guard count > 0 else { return }
            report.warnings.append(
                "\(count) keys outside the documented layout (DESIGN §4, §10) after the run, e.g. \(examples.joined(separator: ", ")): a process made them")
        } catch {
            report.warnings.append("the key audit after the run failed: \(error)")
        }
    }
}
