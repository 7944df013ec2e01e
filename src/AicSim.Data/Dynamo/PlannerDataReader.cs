using AicSim.Core.Errors;
using AicSim.Data.Numpy;

namespace AicSim.Data.Dynamo;

/// <summary>
/// Reads the Dynamo profiler's measured planner data in its stacked multi-configuration layout (a folder with
/// prefill.npz and decode.npz, one row per configuration, with the gpu_type, model, framework, framework_version, tp,
/// dp and pp of each, as in the profiler's pre_swept_results): the engines it measured on real GPUs.
/// </summary>
/// <remarks>
/// Decode points are stored as x_kv_usage = context × requests / max_kv_tokens, so the request count is read back as
/// x_kv_usage × max_kv_tokens / y_context_length (whole numbers in the real files).
/// </remarks>
public static class PlannerDataReader
{
    private static readonly string[] Metadata = ["gpu_type", "model", "framework", "framework_version", "tp", "dp", "pp"];

    /// <summary>Every engine in the stacked prefill.npz/decode.npz pairs at or under <paramref name="path"/>.</summary>
    public static IReadOnlyList<MeasuredEngine> Read(string path, string field = "--planner-data")
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!Directory.Exists(path))
        {
            throw new AicSimException($"{field}: no folder at '{path}'. Give a folder holding the profiler's prefill.npz and decode.npz (its pre_swept_results layout), or a folder above such folders.");
        }

        var folders = Directory.EnumerateFiles(path, "prefill.npz", SearchOption.AllDirectories)
            .Select(f => Path.GetDirectoryName(f)!)
            .Where(d => File.Exists(Path.Combine(d, "decode.npz")))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (folders.Count == 0)
        {
            throw new AicSimException($"{field}: no folder at or under '{path}' holds both prefill.npz and decode.npz (the profiler's stacked layout with per-configuration metadata). " +
                "The planner's own raw_data.npz files carry no model or mapping, so they cannot be checked alone.");
        }

        return folders.SelectMany(ReadPair).ToList();
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

            var isl = prefill["prefill_isl"].Row(i);
            var ttft = prefill["prefill_ttft"].Row(i);
            var usage = decode["x_kv_usage"].Row(i);
            var context = decode["y_context_length"].Row(i);
            var itl = decode["z_itl"].Row(i);
            long maxKv = (long)decode["max_kv_tokens"].Row(i)[0];
            if (maxKv <= 0)
            {
                throw new AicSimException($"{source}: max_kv_tokens is {maxKv}; a decode sweep needs the engine's KV capacity.");
            }

            yield return new MeasuredEngine(
                source,
                Text(decode["gpu_type"], i),
                Text(decode["framework"], i),
                Text(decode["framework_version"], i),
                Text(decode["model"], i),
                (int)decode["tp"].Row(i)[0],
                (int)decode["dp"].Row(i)[0],
                (int)decode["pp"].Row(i)[0],
                maxKv,
                [.. isl.Zip(ttft).Where(p => p.Second > 0).Select(p => new PrefillMeasurement((int)p.First, p.Second))],
                [.. usage.Select((x, k) => new DecodeMeasurement((int)Math.Round(x * maxKv / context[k]), context[k], itl[k])).Where(d => d.Requests > 0 && d.ItlMs > 0)]);
        }
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
