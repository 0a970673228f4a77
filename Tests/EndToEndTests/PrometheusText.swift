/// A scraped `/metrics` page in the Prometheus text format, parsed into samples.
struct PrometheusText: Sendable {
    /// One `name{labels} value` line.
    struct Sample: Sendable {
        let name: String
        let labels: [String: String]
        let value: Double
    }

    let samples: [Sample]
    let text: String

    /// Parses every non-comment line; a line that does not parse fails the parse.
    init(_ text: String) throws {
        self.text = text
        var samples = [Sample]()
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.isEmpty {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                throw DeploymentError("not a sample line: \(line)")
            }
            let series = line[..<space]
            guard let brace = series.firstIndex(of: "{") else {
                samples.append(Sample(name: String(series), labels: [:], value: value))
                continue
            }
            guard series.hasSuffix("}") else { throw DeploymentError("unclosed labels: \(line)") }
            var labels = [String: String]()
            for pair in series[series.index(after: brace)..<series.index(before: series.endIndex)].split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[1].hasPrefix("\""), parts[1].hasSuffix("\"") else { throw DeploymentError("bad label: \(line)") }
                labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
            }
            samples.append(Sample(name: String(series[..<brace]), labels: labels, value: value))
        }
        self.samples = samples
    }

    /// The value of the series with exactly these labels (the `le` of a bucket included), if present.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// Whether a histogram has `_bucket` lines (ending with `le="+Inf"`), `_sum` and `_count` for these labels.
    func hasHistogram(_ name: String, _ labels: [String: String] = [:]) -> Bool {
        let buckets = samples.filter { $0.name == name + "_bucket" && $0.labels.filter { $0.key != "le" } == labels }
        return buckets.count > 1 && buckets.contains { $0.labels["le"] == "+Inf" }
            && value(name + "_sum", labels) != nil && value(name + "_count", labels) != nil
    }

    /// Scrapes `url` until `condition` holds or `timeout` passes; returns the last scrape.
    static func scrape(_ url: String, timeout: Duration = .seconds(30), until condition: (PrometheusText) -> Bool = { _ in true }) async throws -> PrometheusText {
        let deadline = ContinuousClock.now + timeout
        while true {
            let (status, body) = try await HTTP.get(url)
            guard status == 200 else { throw DeploymentError("GET \(url) answered \(status)") }
            let page = try PrometheusText(body)
            if condition(page) || ContinuousClock.now >= deadline { return page }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
