using System.Globalization;
using AicSim.Core.Errors;
using AicSim.Core.Tables;
using CsvHelper;
using YamlDotNet.Serialization;

namespace AicSim.Data.KernelData;

/// <summary>
/// AicSim's own kernel-table format: one CSV per op family in a folder (systems-data/&lt;system&gt;/&lt;backend&gt;/), latencies in
/// ms, with a provenance.yaml beside them (gpu, backend, version, library, date, tool). See docs in the README.
/// </summary>
public static class KernelTableCsv
{
    /// <summary>The files and their columns (the last column is always latency_ms).</summary>
    public static IReadOnlyDictionary<string, string[]> Files { get; } = new Dictionary<string, string[]>
    {
        ["gemm.csv"] = ["dtype", "m", "n", "k", "latency_ms"],
        ["context_attention.csv"] = ["batch", "isl", "heads", "kv_heads", "head_dim", "kv_dtype", "window", "latency_ms"],
        ["generation_attention.csv"] = ["batch", "kv_len", "heads", "kv_heads", "head_dim", "kv_dtype", "window", "latency_ms"],
        ["mla_context.csv"] = ["batch", "isl", "heads", "kv_dtype", "latency_ms"],
        ["mla_generation.csv"] = ["batch", "kv_len", "heads", "kv_dtype", "latency_ms"],
        ["mla_bmm.csv"] = ["op", "dtype", "heads", "tokens", "latency_ms"],
        ["moe.csv"] = ["dtype", "tokens", "hidden", "inter", "topk", "experts", "moe_tp", "moe_ep", "latency_ms"],
        ["collectives.csv"] = ["op", "gpus", "message_elements", "latency_ms"],
        ["memory.csv"] = ["bytes", "latency_ms"],
    };

    /// <summary>Whether a folder holds any table file.</summary>
    public static bool Exists(string directory) => Directory.Exists(directory) && Files.Keys.Any(f => File.Exists(Path.Combine(directory, f)));

    /// <summary>Reads every table file present; a bad file is an error naming the file, line and column.</summary>
    public static KernelTables Read(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var provenance = new Dictionary<string, string>();
        string provenanceFile = Path.Combine(directory, "provenance.yaml");
        if (File.Exists(provenanceFile))
        {
            Dictionary<string, string>? yaml;
            try
            {
                yaml = new DeserializerBuilder().Build().Deserialize<Dictionary<string, string>>(File.ReadAllText(provenanceFile));
            }
            catch (YamlDotNet.Core.YamlException e)
            {
                throw new AicSimException($"{provenanceFile}: {YamlProblem.Describe(e)}; provenance.yaml holds plain 'key: value' lines (gpu, backend, version, library, date, tool).");
            }

            foreach (var (k, v) in yaml ?? [])
            {
                provenance[k] = v;
            }
        }

        var t = new KernelTables { Provenance = provenance };
        var problems = new List<string>();
        void Load(string file, Action<Func<string, string>, Func<string, long>, double> add)
        {
            string path = Path.Combine(directory, file);
            if (!File.Exists(path))
            {
                return;
            }

            using var reader = CsvReader.Create(new StreamReader(path), new CsvReaderOptions { Separator = ',', TrackLineNumbers = true, FieldCountMismatch = CsvFieldCountHandling.Throw, MissingField = CsvMissingFieldHandling.ReturnEmpty });
            try
            {
                var header = reader.Headers.ToArray();
                var missing = Files[file].Where(c => !header.Contains(c)).ToArray();
                if (missing.Length > 0)
                {
                    problems.Add($"{path}: missing column(s) {string.Join(", ", missing)}; the columns are {string.Join(",", Files[file])}.");
                    return;
                }

                while (reader.Read())
                {
                    long line = reader.LineNumber;
                    string? bad = null;
                    string S(string c) => (reader.GetString(c) ?? string.Empty).Trim();
                    long L(string c)
                    {
                        if (long.TryParse(S(c), NumberStyles.Integer, CultureInfo.InvariantCulture, out long v))
                        {
                            return v;
                        }

                        bad ??= $"{c} '{S(c)}' is not a whole number";
                        return 0;
                    }

                    string ms = S("latency_ms");
                    if (!double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out double latency) || latency <= 0)
                    {
                        bad ??= $"latency_ms '{ms}' is not a positive number";
                    }

                    add(S, L, latency);
                    if (bad is not null)
                    {
                        problems.Add($"{path} line {line}: {bad}.");
                    }
                }
            }
            catch (CsvFormatException e)
            {
                problems.Add($"{path} line {reader.LineNumber}: malformed CSV ({e.Message}).");
            }
        }

        var gemm = new List<((string, long, long), double, double)>();
        Load("gemm.csv", (s, l, ms) => gemm.Add(((s("dtype"), l("n"), l("k")), l("m"), ms)));
        Fill(t.Gemm, gemm);
        var ctx = new List<((long, long, long, string, long, long), double, double)>();
        Load("context_attention.csv", (s, l, ms) => ctx.Add(((l("heads"), l("kv_heads"), l("head_dim"), s("kv_dtype"), l("window"), l("batch")), l("isl"), ms)));
        Fill(t.ContextAttention, ctx);
        var gen = new List<((long, long, long, string, long, long), double, double)>();
        Load("generation_attention.csv", (s, l, ms) => gen.Add(((l("heads"), l("kv_heads"), l("head_dim"), s("kv_dtype"), l("window"), l("batch")), l("kv_len"), ms)));
        Fill(t.GenerationAttention, gen);
        var mlaCtx = new List<((long, string, long), double, double)>();
        Load("mla_context.csv", (s, l, ms) => mlaCtx.Add(((l("heads"), s("kv_dtype"), l("batch")), l("isl"), ms)));
        Fill(t.MlaContext, mlaCtx);
        var mlaGen = new List<((long, string, long), double, double)>();
        Load("mla_generation.csv", (s, l, ms) => mlaGen.Add(((l("heads"), s("kv_dtype"), l("batch")), l("kv_len"), ms)));
        Fill(t.MlaGeneration, mlaGen);
        var bmm = new List<((string, string, long), double, double)>();
        Load("mla_bmm.csv", (s, l, ms) => bmm.Add(((s("op"), s("dtype"), l("heads")), l("tokens"), ms)));
        Fill(t.MlaBmm, bmm);
        var moe = new List<((string, long, long, long, long, long, long), double, double)>();
        Load("moe.csv", (s, l, ms) => moe.Add(((s("dtype"), l("hidden"), l("inter"), l("topk"), l("experts"), l("moe_tp"), l("moe_ep")), l("tokens"), ms)));
        Fill(t.Moe, moe);
        var comm = new List<((string, long), double, double)>();
        Load("collectives.csv", (s, l, ms) => comm.Add(((s("op"), l("gpus")), l("message_elements"), ms)));
        Fill(t.Collectives, comm);
        Load("memory.csv", (_, l, _) => l("bytes")); // checked for well-formedness; the roofline's bandwidth comes from systems-data

        if (problems.Count > 0)
        {
            throw new AicSimException(problems);
        }

        return t;
    }

    /// <summary>Writes rows (as strings, in each file's column order) and the provenance sidecar.</summary>
    public static void Write(string directory, IReadOnlyDictionary<string, string> provenance, IReadOnlyDictionary<string, IEnumerable<string[]>> rows)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(provenance);
        ArgumentNullException.ThrowIfNull(rows);
        Directory.CreateDirectory(directory);
        foreach (var (file, records) in rows)
        {
            using var writer = CsvWriter.Create(File.Create(Path.Combine(directory, file)), new CsvWriterOptions { NewLine = "\n" });
            writer.WriteHeader(Files[file]);
            foreach (var r in records)
            {
                writer.WriteRecord(r);
            }
        }

        var serializer = new SerializerBuilder().Build();
        File.WriteAllText(Path.Combine(directory, "provenance.yaml"), serializer.Serialize(provenance));
    }

    private static void Fill<TKey>(Dictionary<TKey, MeasuredCurve> into, List<(TKey Key, double X, double Ms)> points)
        where TKey : notnull
    {
        foreach (var g in points.Where(p => p.Ms > 0).GroupBy(p => p.Key))
        {
            into[g.Key] = new MeasuredCurve(g.Select(p => (p.X, p.Ms)));
        }
    }
}
