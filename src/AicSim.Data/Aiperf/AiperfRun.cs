using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using AicSim.Core.Errors;

namespace AicSim.Data.Aiperf;

/// <summary>One measured latency or size over a run's requests, in milliseconds or tokens.</summary>
/// <param name="Avg">Mean over the requests.</param>
/// <param name="P50">Median, where the export has it.</param>
/// <param name="P90">90th percentile, where the export has it.</param>
/// <param name="P99">99th percentile, where the export has it.</param>
public sealed record MetricStats(double Avg, double? P50, double? P90, double? P99);

/// <summary>
/// What AIPerf measured in one benchmark run of a served model (its <c>profile_export_aiperf.json</c> or <c>.csv</c>): the
/// latencies AicSim predicts, and the load and sizes it needs to predict them.
/// </summary>
/// <param name="Path">The export read.</param>
/// <param name="Layout">Which export layout it was: "json", "json (draft records layout)" or "csv".</param>
/// <param name="Ttft">Time to first token, ms.</param>
/// <param name="Itl">Inter-token latency, ms: per request (latency − TTFT) / (output tokens − 1), AicSim's TPOT.</param>
/// <param name="RequestLatency">End-to-end request latency, ms, where present.</param>
/// <param name="Isl">Input tokens per request, where present.</param>
/// <param name="Osl">Output tokens per request, where present.</param>
/// <param name="Concurrency">Requests the run kept in flight (its concurrency setting), where the export records it.</param>
/// <param name="OutputTokensPerSec">Output tokens per second of the whole run, where present.</param>
/// <param name="RequestCount">Requests that completed, where present.</param>
/// <param name="ErrorCount">Requests that failed (cancelled ones included), where present.</param>
public sealed partial record AiperfRun(
    string Path,
    string Layout,
    MetricStats Ttft,
    MetricStats Itl,
    MetricStats? RequestLatency,
    MetricStats? Isl,
    MetricStats? Osl,
    int? Concurrency,
    double? OutputTokensPerSec,
    int? RequestCount,
    int? ErrorCount)
{
    /// <summary>
    /// Reads an AIPerf export: the released JSON layout (each metric a top-level key holding unit, avg and percentiles),
    /// the draft JSON layout some builds wrote (every metric under "records", keyed by tag such as "ttft"), or the CSV
    /// (a per-request statistics table, then a Metric,Value table of aggregates). <paramref name="flag"/> names the
    /// option in errors.
    /// </summary>
    public static AiperfRun Read(string path, string flag)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            // An artifact folder: AIPerf writes its summary there under fixed names.
            path = new[] { "profile_export_aiperf.json", "profile_export_aiperf.csv" }.Select(f => System.IO.Path.Combine(path, f)).FirstOrDefault(File.Exists)
                ?? throw new AicSimException($"{flag}: the folder '{path}' holds no profile_export_aiperf.json or profile_export_aiperf.csv. Pass the run's artifact folder or one of those files.");
        }

        if (!File.Exists(path))
        {
            throw new AicSimException($"{flag}: '{path}' does not exist. Pass AIPerf's profile_export_aiperf.json or profile_export_aiperf.csv from the run's artifact folder.");
        }

        string text = File.ReadAllText(path);
        return text.TrimStart().StartsWith('{') ? ReadJson(path, text, flag) : ReadCsv(path, text, flag);
    }

    private static AiperfRun ReadJson(string path, string text, string flag)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new AicSimException($"{flag}: '{path}' is not valid JSON ({e.Message}). Pass AIPerf's profile_export_aiperf.json as it wrote it.");
        }

        using (doc)
        {
            var root = doc.RootElement;
            bool draft = root.TryGetProperty("records", out var records) && records.ValueKind == JsonValueKind.Object;
            var metrics = draft ? records : root;
            MetricStats? Metric(string released, string draftTag) =>
                metrics.TryGetProperty(draft ? draftTag : released, out var m) && m.ValueKind == JsonValueKind.Object ? Stats(m, draft ? draftTag : released, path, flag) : null;

            var ttft = Metric("time_to_first_token", "ttft");
            var itl = Metric("inter_token_latency", "inter_token_latency");
            var config = root.TryGetProperty("input_config", out var c) ? c : default;
            Streaming(ttft, itl, path, flag);
            return new AiperfRun(
                path,
                draft ? "json (draft records layout)" : "json",
                ttft!,
                itl!,
                Metric("request_latency", "request_latency"),
                Metric("input_sequence_length", "input_sequence_length"),
                Metric("output_sequence_length", "output_sequence_length"),
                config.ValueKind == JsonValueKind.Object ? ConcurrencyOf(config) : null,
                Metric("output_token_throughput", "output_token_throughput")?.Avg,
                (int?)Metric("request_count", "request_count")?.Avg,
                (int?)Metric("error_request_count", "error_request_count")?.Avg);
        }
    }

    /// <summary>The run's concurrency from wherever its input_config keeps it (releases moved it), else from its command line.</summary>
    private static int? ConcurrencyOf(JsonElement config)
    {
        if (config.TryGetProperty("runtime", out var runtime) && Int(runtime, "concurrency") is int r)
        {
            return r;
        }

        if (config.TryGetProperty("loadgen", out var loadgen) && Int(loadgen, "concurrency") is int l)
        {
            return l;
        }

        if (config.TryGetProperty("phases", out var phases) && phases.ValueKind == JsonValueKind.Array)
        {
            foreach (var phase in phases.EnumerateArray())
            {
                if (Int(phase, "concurrency") is int p && (!phase.TryGetProperty("name", out var n) || n.GetString() == "profiling"))
                {
                    return p;
                }
            }
        }

        string? command = config.TryGetProperty("cli_command", out var cli) ? cli.GetString()
            : config.TryGetProperty("artifacts", out var a) && a.TryGetProperty("cli_command", out var cli2) ? cli2.GetString() : null;
        var match = command is null ? Match.Empty : ConcurrencyFlag().Match(command);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    private static int? Int(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : null;

    private static MetricStats Stats(JsonElement m, string name, string path, string flag)
    {
        double? Get(string key) => m.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
        double scale = Scale(m.TryGetProperty("unit", out var u) ? u.GetString() : null);
        double avg = Get("avg") ?? throw new AicSimException($"{flag}: '{path}': metric '{name}' has no avg. Pass the export as AIPerf wrote it.");
        return new MetricStats(avg * scale, Get("p50") * scale, Get("p90") * scale, Get("p99") * scale);
    }

    /// <summary>Latencies come back in ms; AIPerf writes ms, but a converted export may carry s, us or ns.</summary>
    private static double Scale(string? unit) => unit switch
    {
        "s" or "sec" => 1000.0,
        "us" => 1e-3,
        "ns" => 1e-6,
        _ => 1.0,
    };

    private static AiperfRun ReadCsv(string path, string text, string flag)
    {
        var stats = new Dictionary<string, MetricStats>(StringComparer.OrdinalIgnoreCase);
        var values = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        string[]? header = null;
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                header = null;
                continue;
            }

            var cells = SplitCsv(line);
            if (cells[0] == "Metric")
            {
                header = cells;
                continue;
            }

            if (header is null)
            {
                throw new AicSimException($"{flag}: '{path}' is neither AIPerf JSON nor its CSV (line '{line}' comes before any 'Metric,...' header). Pass profile_export_aiperf.json or profile_export_aiperf.csv.");
            }

            double? Cell(string column)
            {
                int i = Array.IndexOf(header, column);
                return i > 0 && i < cells.Length && double.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : null;
            }

            if (Cell("avg") is double avg)
            {
                stats[cells[0]] = new MetricStats(avg, Cell("p50"), Cell("p90"), Cell("p99"));
            }
            else if (Cell("Value") is double value)
            {
                values[cells[0]] = value;
            }
        }

        MetricStats? Stat(string name) => stats.GetValueOrDefault(name);
        var ttft = Stat("Time to First Token (ms)");
        var itl = Stat("Inter Token Latency (ms)");
        Streaming(ttft, itl, path, flag);
        return new AiperfRun(
            path,
            "csv",
            ttft!,
            itl!,
            Stat("Request Latency (ms)"),
            Stat("Input Sequence Length (tokens)"),
            Stat("Output Sequence Length (tokens)"),
            null,
            values.TryGetValue("Output Token Throughput (tokens/sec)", out double tps) ? tps : null,
            values.TryGetValue("Request Count", out double n) ? (int)n : null,
            values.TryGetValue("Error Request Count", out double errors) ? (int)errors : null);
    }

    /// <summary>Metric names may hold commas inside quotes ("Output Token Throughput Per User (tokens/sec/user)" does not, but be safe).</summary>
    private static string[] SplitCsv(string line)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        bool quoted = false;
        foreach (char ch in line)
        {
            if (ch == '"')
            {
                quoted = !quoted;
            }
            else if (ch == ',' && !quoted)
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(ch);
            }
        }

        cells.Add(cell.ToString());
        return [.. cells];
    }

    private static void Streaming(MetricStats? ttft, MetricStats? itl, string path, string flag)
    {
        if (ttft is null || itl is null)
        {
            throw new AicSimException(
                $"{flag}: '{path}' has no time to first token or inter-token latency: AIPerf measures those only on streaming runs. " +
                "Rerun aiperf profile with --streaming and pass its profile_export_aiperf.json.");
        }
    }

    [GeneratedRegex(@"--concurrency[ =]+['""]?(\d+)")]
    private static partial Regex ConcurrencyFlag();
}
