using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using AicSim.Core.Errors;

namespace AicSim.Data.Profiles;

/// <summary>
/// Reads profile_sla's config block — a DGDR's <c>profilingConfig.config</c> or a --profile-config file — in camelCase or
/// snake_case. Every unknown key is an error that names it and lists the known keys of its section.
/// </summary>
public static class ProfileConfigReader
{
    private static readonly Dictionary<string, string[]> Sections = new(StringComparer.Ordinal)
    {
        ["sla"] = ["isl", "osl", "ttft", "itl"],
        ["hardware"] = ["min_num_gpus_per_engine", "max_num_gpus_per_engine", "num_gpus_per_node", "gpu_type"],
        ["sweep"] = ["use_ai_configurator", "aic_system", "aic_hf_id", "aic_backend_version", "prefill_interpolation_granularity", "decode_interpolation_granularity", "force_rerun"],
        ["deployment"] = ["namespace", "model", "dgd_image", "model_cache", "service_name"],
        ["engine"] = ["backend", "config", "max_context_length", "is_moe_model"],
        ["planner"] = [],
        ["output_dir"] = [],
    };

    /// <summary>camelCase → snake_case; snake_case and kebab-case stay as they are.</summary>
    public static string Snake(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var sb = new StringBuilder(key.Length + 4);
        for (int i = 0; i < key.Length; i++)
        {
            char c = key[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && key[i - 1] != '_')
                {
                    sb.Append('_');
                }

                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c == '-' ? '_' : c);
            }
        }

        return sb.ToString();
    }

    public static ProfileOptions Read(JsonObject config, string source)
    {
        ArgumentNullException.ThrowIfNull(config);
        var problems = new List<string>();
        var o = new ProfileOptions();
        var planner = new List<(string, string)>();
        foreach (var (rawSection, node) in config)
        {
            string section = Snake(rawSection);
            if (!Sections.TryGetValue(section, out var keys))
            {
                problems.Add($"{source}: unknown section '{rawSection}'. Known sections: {string.Join(", ", Sections.Keys)}.{NameSuggester.Hint(section, Sections.Keys)}");
                continue;
            }

            if (section == "output_dir")
            {
                o = o with { OutputDir = node?.ToString() };
                continue;
            }

            if (node is not JsonObject fields)
            {
                problems.Add($"{source}: '{rawSection}' must be a mapping of keys to values.");
                continue;
            }

            foreach (var (rawKey, value) in fields)
            {
                string key = Snake(rawKey);
                string where = $"{source}: {rawSection}.{rawKey}";
                if (section == "planner")
                {
                    // The planner takes planner_* keys (or bare ones) and passes them through as --name=value.
                    string name = key.StartsWith("planner_", StringComparison.Ordinal) ? key["planner_".Length..] : key;
                    planner.Add((name.Replace('_', '-'), Text(value)));
                    continue;
                }

                if (!keys.Contains(key))
                {
                    problems.Add($"{where}: unknown key. Known keys of '{section}': {string.Join(", ", keys)}.{NameSuggester.Hint(key, keys)}");
                    continue;
                }

                try
                {
                    o = Apply(o, section, key, value, where);
                }
                catch (FormatException e)
                {
                    problems.Add($"{where}: {e.Message}");
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new AicSimException(problems);
        }

        return o with { PlannerArgs = planner };
    }

    private static ProfileOptions Apply(ProfileOptions o, string section, string key, JsonNode? v, string where) => (section, key) switch
    {
        ("sla", "isl") => o with { Isl = Int(v) },
        ("sla", "osl") => o with { Osl = Int(v) },
        ("sla", "ttft") => o with { Ttft = Real(v) },
        ("sla", "itl") => o with { Itl = Real(v) },
        ("hardware", "min_num_gpus_per_engine") => o with { MinGpus = Int(v) },
        ("hardware", "max_num_gpus_per_engine") => o with { MaxGpus = Int(v) },
        ("hardware", "num_gpus_per_node") => o with { GpusPerNode = Int(v) },
        ("hardware", "gpu_type") => o.System is not null ? o : From(o with { System = GpuType(Text(v)) }, nameof(o.System), where),
        ("sweep", "use_ai_configurator") => o with { UseAiConfigurator = Bool(v) },
        ("sweep", "aic_system") => From(o with { System = Text(v) }, nameof(o.System), where),
        ("sweep", "aic_hf_id") => From(o with { Model = Text(v) }, nameof(o.Model), where),
        ("sweep", "aic_backend_version") => o with { AicBackendVersion = Text(v) },
        ("sweep", "prefill_interpolation_granularity") => o with { PrefillGranularity = Int(v) },
        ("sweep", "decode_interpolation_granularity") => o with { DecodeGranularity = Int(v) },
        ("deployment", "namespace") => o with { Namespace = Text(v) },
        ("deployment", "model") => o.Model is not null ? o : From(o with { Model = Text(v) }, nameof(o.Model), where),
        ("deployment", "dgd_image") => o with { DgdImage = Text(v) },
        ("deployment", "model_cache") => ModelCache(o, v, where),
        ("engine", "backend") => From(o with { Backend = Text(v) }, nameof(o.Backend), where),
        ("engine", "config") => o with { Config = Text(v) },
        ("engine", "max_context_length") => o with { MaxContextLength = Int(v) },
        _ => o,
    };

    private static ProfileOptions From(ProfileOptions o, string option, string where) =>
        o with { Origins = new Dictionary<string, string>(o.Origins, StringComparer.Ordinal) { [option] = where } };

    private static ProfileOptions ModelCache(ProfileOptions o, JsonNode? v, string where)
    {
        if (v is not JsonObject cache)
        {
            throw new FormatException("must be a mapping with pvcName, pvcPath and mountPath.");
        }

        foreach (var (k, _) in cache)
        {
            if (Snake(k) is not ("pvc_name" or "pvc_path" or "mount_path"))
            {
                throw new FormatException($"unknown key '{k}' in {where}; use pvcName, pvcPath, mountPath.");
            }
        }

        string? Get(string snake) => cache.FirstOrDefault(p => Snake(p.Key) == snake).Value?.ToString();
        return o with { ModelCachePvcName = Get("pvc_name"), ModelCachePvcPath = Get("pvc_path"), ModelCacheMountPath = Get("mount_path") };
    }

    // DGDR hardware.gpuType names such as "h200_sxm" or "H200".
    private static string GpuType(string value) => value.Contains('_', StringComparison.Ordinal) ? value.ToLowerInvariant() : value.ToLowerInvariant() + "_sxm";

    private static string Text(JsonNode? v) => v switch
    {
        null => string.Empty,
        JsonValue j when j.TryGetValue(out string? s) => s,
        _ => v.ToJsonString(),
    };

    private static int Int(JsonNode? v) =>
        v is JsonValue j && (j.TryGetValue(out long l) ? l : j.TryGetValue(out string? s) && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long p) ? p : (long?)null) is long n && n is >= int.MinValue and <= int.MaxValue
            ? (int)n
            : throw new FormatException($"'{v?.ToJsonString()}' is not a whole number.");

    private static double Real(JsonNode? v) =>
        v is JsonValue j && (j.TryGetValue(out double d) ? d : j.TryGetValue(out long l) ? l : j.TryGetValue(out string? s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double p) ? p : (double?)null) is double x
            ? x
            : throw new FormatException($"'{v?.ToJsonString()}' is not a number.");

    private static bool Bool(JsonNode? v) =>
        v is JsonValue j && j.TryGetValue(out bool b) ? b : throw new FormatException($"'{v?.ToJsonString()}' is not true or false.");

    /// <summary>Reads a --profile-config file (YAML or JSON).</summary>
    public static ProfileOptions ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new AicSimException($"--profile-config: no file at '{path}'.");
        }

        var node = Dynamo.YamlNodes.ParseObject(File.ReadAllText(path), path);
        return Read(node, path);
    }

    /// <summary>For tests and callers holding JSON text.</summary>
    public static ProfileOptions ReadJson(string json, string source) =>
        Read(JsonNode.Parse(json) as JsonObject ?? throw new AicSimException($"{source}: expected a JSON object."), source);
}
