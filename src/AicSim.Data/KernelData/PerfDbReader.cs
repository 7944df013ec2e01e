using AicSim.Core.Errors;
using AicSim.Core.Tables;
using Parquet.Serialization;

namespace AicSim.Data.KernelData;

/// <summary>
/// Reads aiconfigurator's measured kernel database (&lt;root&gt;/&lt;system&gt;/&lt;family&gt;/&lt;backend&gt;/&lt;version&gt;/*.parquet,
/// latencies in ms, message sizes in elements) into <see cref="KernelTables"/>, choosing per family the version nearest
/// the requested backend version.
/// </summary>
public static class PerfDbReader
{
    /// <summary>What was loaded from where.</summary>
    public sealed record Report(IReadOnlyDictionary<string, string> VersionsByFamily, IReadOnlyDictionary<string, int> RowsByTable);

    public static (KernelTables Tables, Report Report) Load(string root, string system, string backend, string? version = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(backend);
        string dir = Directory.Exists(Path.Combine(root, system)) ? Path.Combine(root, system) : root;
        if (!Directory.Exists(Path.Combine(dir, "gemm")))
        {
            throw new AicSimException($"--perf-db: '{root}' has no {system}/gemm folder. Point it at aiconfigurator's systems/data folder (holding <system>/<family>/<backend>/<version>/) or at one system's folder.");
        }

        var versions = new Dictionary<string, string>();
        var rows = new Dictionary<string, int>();
        var provenance = new Dictionary<string, string> { ["source"] = "aiconfigurator perf database", ["path"] = dir, ["system"] = system, ["backend"] = backend };
        var tables = new KernelTables { Provenance = provenance };

        string? Folder(string family, string framework)
        {
            string f = Path.Combine(dir, family, framework);
            if (!Directory.Exists(f))
            {
                return null;
            }

            var available = Directory.EnumerateDirectories(f).Select(Path.GetFileName).OfType<string>().ToList();
            if (available.Count == 0)
            {
                return null;
            }

            string chosen = BackendVersions.Nearest(available, framework == "nccl" ? null : version);
            versions[$"{family}/{framework}"] = chosen;
            return Path.Combine(f, chosen);
        }

        IEnumerable<IDictionary<string, object>> Rows(string? folder, string file)
        {
            if (folder is null || !File.Exists(Path.Combine(folder, file)))
            {
                return [];
            }

            string path = Path.Combine(folder, file);
            using var stream = File.OpenRead(path);
            var data = ParquetSerializer.DeserializeUntypedAsync(stream).GetAwaiter().GetResult().Data;
            rows[Path.GetRelativePath(dir, path)] = data.Count;
            return data;
        }

        string gemm = Folder("gemm", backend) ?? string.Empty;
        Add(tables.Gemm, Rows(gemm, "gemm_perf.parquet"), r => (S(r, "gemm_dtype"), L(r, "m"), L(r, "n"), L(r, "k")), k => (k.Item1, k.Item3, k.Item4), k => k.Item2);

        string? attention = Folder("attention", backend);
        var context = Rows(attention, "context_attention_perf.parquet").Where(r => S(r, "attn_dtype") == "bfloat16");
        Add(tables.ContextAttention, context, r => (L(r, "num_heads"), L(r, "num_key_value_heads"), L(r, "head_dim"), S(r, "kv_cache_dtype"), L(r, "window_size"), L(r, "batch_size"), L(r, "isl")), k => (k.Item1, k.Item2, k.Item3, k.Item4, k.Item5, k.Item6), k => k.Item7);
        var generation = Rows(attention, "generation_attention_perf.parquet").Where(r => S(r, "attn_dtype") == "bfloat16");
        Add(tables.GenerationAttention, generation, r => (L(r, "num_heads"), L(r, "num_key_value_heads"), L(r, "head_dim"), S(r, "kv_cache_dtype"), L(r, "window_size"), L(r, "batch_size"), L(r, "isl") + L(r, "step")), k => (k.Item1, k.Item2, k.Item3, k.Item4, k.Item5, k.Item6), k => k.Item7);

        string? mla = Folder("mla", backend);
        Add(tables.MlaContext, Rows(mla, "context_mla_perf.parquet").Where(r => S(r, "mla_dtype") == "bfloat16"), r => (L(r, "num_heads"), S(r, "kv_cache_dtype"), L(r, "batch_size"), L(r, "isl")), k => (k.Item1, k.Item2, k.Item3), k => k.Item4);
        Add(tables.MlaGeneration, Rows(mla, "generation_mla_perf.parquet").Where(r => S(r, "mla_dtype") == "bfloat16"), r => (L(r, "num_heads"), S(r, "kv_cache_dtype"), L(r, "batch_size"), L(r, "isl") + L(r, "step")), k => (k.Item1, k.Item2, k.Item3), k => k.Item4);

        Add(tables.MlaBmm, Rows(Folder("mla_bmm", backend), "mla_bmm_perf.parquet"), r => (S(r, "op_name"), S(r, "bmm_dtype"), L(r, "num_heads"), L(r, "num_tokens")), k => (k.Item1, k.Item2, k.Item3), k => k.Item4);

        // Uniform routing is what the model assumes; other distributions only where no balanced measurement exists.
        var moe = Rows(Folder("moe", backend), "moe_perf.parquet").ToList();
        var balanced = moe.Where(r => S(r, "distribution") == "balanced").ToList();
        Add(tables.Moe, balanced.Count > 0 ? balanced : moe, r => (S(r, "moe_dtype"), L(r, "hidden_size"), L(r, "inter_size"), L(r, "topk"), L(r, "num_experts"), L(r, "moe_tp_size"), L(r, "moe_ep_size"), L(r, "num_tokens")), k => (k.Item1, k.Item2, k.Item3, k.Item4, k.Item5, k.Item6, k.Item7), k => k.Item8);

        // NCCL first, then the backend's custom all-reduce, which the framework uses where it applies.
        Add(tables.Collectives, Rows(Folder("comm", "nccl"), "nccl_perf.parquet"), r => (S(r, "op_name"), L(r, "num_gpus"), L(r, "message_size")), k => (k.Item1, k.Item2), k => k.Item3);
        var custom = new Dictionary<(string, long), MeasuredCurve>();
        Add(custom, Rows(Folder("comm", backend), "custom_allreduce_perf.parquet"), r => (S(r, "op_name"), L(r, "num_gpus"), L(r, "message_size")), k => (k.Item1, k.Item2), k => k.Item3);
        foreach (var (key, curve) in custom)
        {
            tables.Collectives[key] = curve;
        }

        if (tables.IsEmpty)
        {
            throw new AicSimException($"--perf-db: no {backend} tables under '{dir}'. Families present: {string.Join(", ", Directory.EnumerateDirectories(dir).Select(Path.GetFileName))}.");
        }

        provenance["versions"] = string.Join(", ", versions.Select(v => $"{v.Key} {v.Value}"));
        return (tables, new Report(versions, rows));
    }

    private static void Add<TRow, TKey>(Dictionary<TKey, MeasuredCurve> into, IEnumerable<IDictionary<string, object>> rows, Func<IDictionary<string, object>, TRow> read, Func<TRow, TKey> key, Func<TRow, long> x)
        where TKey : notnull
    {
        foreach (var group in rows.Select(r => (Row: read(r), Ms: D(r, "latency"))).GroupBy(p => key(p.Row)))
        {
            into[group.Key] = new MeasuredCurve(group.Select(p => ((double)x(p.Row), p.Ms)));
        }
    }

    private static string S(IDictionary<string, object> r, string c) => r.TryGetValue(c, out var v) ? v?.ToString() ?? string.Empty : string.Empty;

    private static long L(IDictionary<string, object> r, string c) => r.TryGetValue(c, out var v) && v is not null ? Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture) : 0;

    private static double D(IDictionary<string, object> r, string c) => r.TryGetValue(c, out var v) && v is not null ? Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture) : 0;
}
