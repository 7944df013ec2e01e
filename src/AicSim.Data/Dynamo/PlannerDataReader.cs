using System.Text.Json.Nodes;
using AicSim.Core.Errors;
using AicSim.Data.Numpy;

namespace AicSim.Data.Dynamo;

/// <summary>
/// Reads the Dynamo profiler's measured planner data: the engines it measured on real GPUs. Two layouts: the stacked
/// multi-configuration one (a folder with prefill.npz and decode.npz, one row per configuration, with the gpu_type,
/// model, framework, framework_version, tp, dp and pp of each, as in the profiler's pre_swept_results), and the
/// planner's own (selected_prefill_interpolation/raw_data.npz and selected_decode_interpolation/raw_data.npz of one
/// profiling run), which records no engine, so the caller names it (<see cref="MeasuredEngineIdentity"/>).
/// </summary>
/// <remarks>
/// Decode points are stored as x_kv_usage = context × requests / max_kv_tokens, so the request count is read back as
/// x_kv_usage × max_kv_tokens / y_context_length (whole numbers in the real files).
/// </remarks>
public static class PlannerDataReader
{
    private static readonly string[] Metadata = ["gpu_type", "model", "framework", "framework_version", "tp", "dp", "pp"];

    /// <summary>
    /// Every engine in the stacked prefill.npz/decode.npz pairs at or under <paramref name="path"/>; where there are
    /// none, the one profiling run of the planner's own files there, as <paramref name="identity"/> names it.
    /// </summary>
    public static IReadOnlyList<MeasuredEngine> Read(string path, MeasuredEngineIdentity? identity = null, string field = "--planner-data")
    {
        ArgumentNullException.ThrowIfNull(path);
        if (File.Exists(path))
        {
            return [ReadConfigMap(path, identity, field)];
        }

        if (!Directory.Exists(path))
        {
            throw new AicSimException($"{field}: no folder at '{path}'. Give a folder holding the profiler's prefill.npz and decode.npz (its pre_swept_results layout), or a folder above such folders.");
        }

        var folders = Directory.EnumerateFiles(path, "prefill.npz", SearchOption.AllDirectories)
            .Select(f => Path.GetDirectoryName(f)!)
            .Where(d => File.Exists(Path.Combine(d, "decode.npz")))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (folders.Count > 0)
        {
            return folders.SelectMany(ReadPair).ToList();
        }

        string prefillPath = Path.Combine(path, "selected_prefill_interpolation", "raw_data.npz");
        string decodePath = Path.Combine(path, "selected_decode_interpolation", "raw_data.npz");
        if (!File.Exists(prefillPath) || !File.Exists(decodePath))
        {
            throw new AicSimException($"{field}: no folder at or under '{path}' holds both prefill.npz and decode.npz (the profiler's stacked layout), " +
                "nor is it a profiling run's output folder with selected_prefill_interpolation/raw_data.npz and selected_decode_interpolation/raw_data.npz.");
        }

        if (identity is null)
        {
            throw new AicSimException($"{field}: '{path}' holds one profiling run's raw_data.npz files, which do not record the engine: add --model, --system, --backend " +
                "and the mapping (--tp, --attention-dp) it was measured with.");
        }

        return [ReadRun(path, prefillPath, decodePath, identity)];
    }

    /// <summary>
    /// The planner-profile-data ConfigMap (alone, or the first document of a config_with_planner.yaml): the same data as
    /// the raw_data.npz files, as JSON under data.prefill_raw_data.json and data.decode_raw_data.json.
    /// </summary>
    private static MeasuredEngine ReadConfigMap(string path, MeasuredEngineIdentity? identity, string field)
    {
        var docs = YamlNodes.ParseAll(File.ReadAllText(path), path);
        var data = docs.OfType<JsonObject>()
            .Select(d => d["data"] as JsonObject)
            .FirstOrDefault(d => d?["prefill_raw_data.json"] is not null && d["decode_raw_data.json"] is not null)
            ?? throw new AicSimException($"{field}: '{path}' holds no ConfigMap with prefill_raw_data.json and decode_raw_data.json (the planner-profile-data ConfigMap of a profiling run's config_with_planner.yaml).");
        if (identity is null)
        {
            throw new AicSimException($"{field}: '{path}' holds one profiling run's planner data, which does not record the engine: add --model, --system, --backend " +
                "and the mapping (--tp, --attention-dp) it was measured with.");
        }

        JsonObject Json(string key)
        {
            try
            {
                return JsonNode.Parse(data[key]!.GetValue<string>()) as JsonObject ?? throw new AicSimException($"{path}: {key} is not a JSON object.");
            }
            catch (System.Text.Json.JsonException e)
            {
                throw new AicSimException($"{path}: {key} is not valid JSON ({e.Message}).");
            }
        }

        var prefill = Json("prefill_raw_data.json");
        var decode = Json("decode_raw_data.json");
        double[] Array(JsonObject o, string key) =>
            (o[key] as JsonArray)?.Select(v => v!.GetValue<double>()).ToArray() ?? throw new AicSimException($"{path}: missing {key}.");
        long maxKv = (long)(decode["max_kv_tokens"] is JsonArray a ? a[0]!.GetValue<double>() : decode["max_kv_tokens"]?.GetValue<double>()
            ?? throw new AicSimException($"{path}: missing max_kv_tokens."));
        return Engine(path, identity.System, identity.Backend, identity.BackendVersion, identity.Model, identity.Tp, identity.Dp, 1,
            Array(prefill, "prefill_isl"), Array(prefill, "prefill_ttft"), Array(decode, "x_kv_usage"), Array(decode, "y_context_length"), Array(decode, "z_itl"), maxKv);
    }

    private static MeasuredEngine ReadRun(string folder, string prefillPath, string decodePath, MeasuredEngineIdentity id)
    {
        var prefill = Npz.Read(prefillPath);
        var decode = Npz.Read(decodePath);
        Require(prefill, prefillPath, ["prefill_isl", "prefill_ttft"]);
        Require(decode, decodePath, ["x_kv_usage", "y_context_length", "z_itl", "max_kv_tokens"]);
        return Engine(folder, id.System, id.Backend, id.BackendVersion, id.Model, id.Tp, id.Dp, 1,
            prefill["prefill_isl"].Row(0), prefill["prefill_ttft"].Row(0), decode["x_kv_usage"].Row(0), decode["y_context_length"].Row(0), decode["z_itl"].Row(0),
            (long)decode["max_kv_tokens"].Row(0)[0]);
    }

    private static IEnumerable<MeasuredEngine> ReadPair(string folder)
    {
        string prefillPath = Path.Combine(folder, "prefill.npz");
        string decodePath = Path.Combine(folder, "decode.npz");
        var prefill = Npz.Read(prefillPath);
        var decode = Npz.Read(decodePath);
        Require(prefill, prefillPath, ["prefill_isl", "prefill_ttft", .. Metadata]);
        Require(decode, decodePath, ["x_kv_usage", "y_context_length", "z_itl", "max_kv_tokens", .. Metadata]);
        int configs = Rows(prefill["prefill_ttft"]);
        if (Rows(decode["z_itl"]) != configs)
        {
            throw new AicSimException($"{folder}: prefill.npz holds {configs} configurations and decode.npz {Rows(decode["z_itl"])}; they must be the same engines in the same order.");
        }

        for (int i = 0; i < configs; i++)
        {
            string source = $"{folder} (configuration {i + 1} of {configs})";
            foreach (string key in Metadata)
            {
                if (Text(prefill[key], i) != Text(decode[key], i))
                {
                    throw new AicSimException($"{source}: prefill.npz and decode.npz disagree on {key} ('{Text(prefill[key], i)}' against '{Text(decode[key], i)}').");
                }
            }

            yield return Engine(
                source,
                Text(decode["gpu_type"], i),
                Text(decode["framework"], i),
                Text(decode["framework_version"], i),
                Text(decode["model"], i),
                (int)decode["tp"].Row(i)[0],
                (int)decode["dp"].Row(i)[0],
                (int)decode["pp"].Row(i)[0],
                prefill["prefill_isl"].Row(i),
                prefill["prefill_ttft"].Row(i),
                decode["x_kv_usage"].Row(i),
                decode["y_context_length"].Row(i),
                decode["z_itl"].Row(i),
                (long)decode["max_kv_tokens"].Row(i)[0]);
        }
    }

    private static MeasuredEngine Engine(string source, string system, string backend, string version, string model, int tp, int dp, int pp,
        double[] isl, double[] ttft, double[] usage, double[] context, double[] itl, long maxKv)
    {
        if (maxKv <= 0)
        {
            throw new AicSimException($"{source}: max_kv_tokens is {maxKv}; a decode sweep needs the engine's KV capacity.");
        }

        if (isl.Length != ttft.Length || usage.Length != context.Length || usage.Length != itl.Length)
        {
            throw new AicSimException($"{source}: the arrays of a sweep differ in length (prefill {isl.Length} ISLs, {ttft.Length} TTFTs; decode {usage.Length}, {context.Length}, {itl.Length}).");
        }

        return new MeasuredEngine(source, system, backend, version, model, tp, dp, pp, maxKv,
            [.. isl.Zip(ttft).Where(p => p.Second > 0).Select(p => new PrefillMeasurement((int)p.First, p.Second))],
            [.. usage.Select((x, k) => new DecodeMeasurement((int)Math.Round(x * maxKv / context[k]), context[k], itl[k])).Where(d => d.Requests > 0 && d.ItlMs > 0)]);
    }

    private static void Require(IReadOnlyDictionary<string, NpyArray> arrays, string path, IEnumerable<string> keys)
    {
        var missing = keys.Where(k => !arrays.ContainsKey(k)).ToList();
        if (missing.Count > 0)
        {
            throw new AicSimException($"{path}: missing {string.Join(", ", missing)}; the stacked planner-data layout has one row per configuration and these arrays.");
        }
    }

    // Configurations: the first dimension of a stacked (configurations, points) array; a 1-D array is one configuration.
    private static int Rows(NpyArray a) => a.Shape.Count == 1 ? 1 : a.Shape[0];

    private static string Text(NpyArray a, int row) =>
        a.Strings is { } s ? s[row] : a.Row(row)[0].ToString(System.Globalization.CultureInfo.InvariantCulture);
}
