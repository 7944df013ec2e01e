using System.Text.Json.Nodes;
using AicSim.Core.Errors;
using AicSim.Data.Profiles;

namespace AicSim.Data.Dynamo;

/// <summary>
/// Reads and validates a DynamoGraphDeploymentRequest (nvidia.com/v1alpha1). The checks mirror the CRD (required fields,
/// the backend enum, known fields) plus what the operator enforces: deployment.model and engine.backend come from
/// spec.model and spec.backend, and the spec is immutable once profiling has started. Every problem names its field.
/// </summary>
public static class DgdrReader
{
    private static readonly string[] SpecKeys = ["autoApply", "backend", "deploymentOverrides", "enableGpuDiscovery", "model", "profilingConfig", "useMocker"];
    private static readonly string[] ProfilingKeys = ["config", "configMapRef", "outputPVC", "profilerImage", "resources", "tolerations"];
    private static readonly string[] OverrideKeys = ["annotations", "labels", "name", "namespace", "workersImage"];
    private static readonly string[] Backends = ["vllm", "sglang", "trtllm"];

    public static DgdrRequest Read(string path, CrdValidator? schema = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new AicSimException($"--dgdr: no file at '{path}'.");
        }

        return Parse(YamlNodes.ParseObject(File.ReadAllText(path), path), path, schema);
    }

    public static DgdrRequest Parse(JsonObject doc, string source, CrdValidator? schema = null)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var problems = new List<string>();
        var warnings = new List<string>();
        if (schema is not null)
        {
            problems.AddRange(schema.Problems(doc).Select(p => $"{source}: {p} (CRD schema)"));
        }

        if (doc["apiVersion"]?.ToString() != "nvidia.com/v1alpha1" || doc["kind"]?.ToString() != "DynamoGraphDeploymentRequest")
        {
            problems.Add($"{source}: apiVersion/kind must be nvidia.com/v1alpha1 DynamoGraphDeploymentRequest; found {doc["apiVersion"]} {doc["kind"]}.");
        }

        string? name = doc["metadata"]?["name"]?.ToString();
        if (string.IsNullOrWhiteSpace(name))
        {
            problems.Add($"{source}: metadata.name is required.");
        }

        var spec = doc["spec"] as JsonObject;
        if (spec is null)
        {
            problems.Add($"{source}: spec is required.");
            throw new AicSimException(problems);
        }

        Unknown(spec, SpecKeys, $"{source}: spec", problems);
        string? model = spec["model"]?.ToString();
        string? backend = spec["backend"]?.ToString();
        if (string.IsNullOrWhiteSpace(model))
        {
            problems.Add($"{source}: spec.model is required (a Hugging Face id such as Qwen/Qwen3-32B).");
        }

        if (string.IsNullOrWhiteSpace(backend))
        {
            problems.Add($"{source}: spec.backend is required: one of {string.Join(", ", Backends)}.");
        }
        else if (!Backends.Contains(backend))
        {
            problems.Add($"{source}: spec.backend '{backend}' is not one of {string.Join(", ", Backends)}.{NameSuggester.Hint(backend, Backends)}");
        }

        var profiling = spec["profilingConfig"] as JsonObject;
        ProfileOptions options = new();
        (string, string)? configMapRef = null;
        if (profiling is null)
        {
            problems.Add($"{source}: spec.profilingConfig is required (with profilerImage and config).");
        }
        else
        {
            Unknown(profiling, ProfilingKeys, $"{source}: spec.profilingConfig", problems);
            if (string.IsNullOrWhiteSpace(profiling["profilerImage"]?.ToString()))
            {
                problems.Add($"{source}: spec.profilingConfig.profilerImage is required by the CRD.");
            }

            if (profiling["config"] is JsonObject config)
            {
                try
                {
                    options = ProfileConfigReader.Read(config, $"{source}: spec.profilingConfig.config");
                    CheckOperatorOwned(config, model, backend, source, problems);
                }
                catch (AicSimException e)
                {
                    problems.AddRange(e.Problems);
                }
            }
            else if (profiling["config"] is not null)
            {
                problems.Add($"{source}: spec.profilingConfig.config must be a mapping.");
            }

            if (profiling["configMapRef"] is JsonObject cm)
            {
                configMapRef = (cm["name"]?.ToString() ?? string.Empty, cm["key"]?.ToString() ?? "disagg.yaml");
                warnings.Add($"profilingConfig.configMapRef {configMapRef.Value.Item1}/{configMapRef.Value.Item2} lives in the cluster; pass that file with --config to use it (the built-in base config is used otherwise).");
            }
        }

        var overrides = spec["deploymentOverrides"] as JsonObject;
        if (overrides is not null)
        {
            Unknown(overrides, OverrideKeys, $"{source}: spec.deploymentOverrides", problems);
        }

        string? state = doc["status"]?["state"]?.ToString();
        if (state is not null and not "Pending" and not "")
        {
            problems.Add($"{source}: status.state is {state}: the spec of a DGDR is immutable once profiling starts. Submit a new DGDR without a status (or delete and recreate it).");
        }

        if (problems.Count > 0)
        {
            throw new AicSimException(problems);
        }

        if (options.UseAiConfigurator == false)
        {
            warnings.Add("sweep.useAiConfigurator is false (online profiling on real GPUs); aicsim profile runs its offline model instead — the online path is not built yet.");
        }

        return new DgdrRequest
        {
            Name = name!,
            Namespace = doc["metadata"]?["namespace"]?.ToString(),
            Options = options with
            {
                Model = model,
                Backend = backend,
                Origins = new Dictionary<string, string>(options.Origins, StringComparer.Ordinal) { [nameof(ProfileOptions.Model)] = $"{source}: spec.model", [nameof(ProfileOptions.Backend)] = $"{source}: spec.backend" },
            },
            UseMocker = spec["useMocker"]?.GetValue<bool>() ?? false,
            AutoApply = spec["autoApply"]?.GetValue<bool>() ?? false,
            WorkersImage = overrides?["workersImage"]?.ToString(),
            DgdName = overrides?["name"]?.ToString(),
            DgdNamespace = overrides?["namespace"]?.ToString(),
            DgdLabels = Strings(overrides?["labels"]),
            DgdAnnotations = Strings(overrides?["annotations"]),
            ConfigMapRef = configMapRef,
            Document = doc,
            Warnings = warnings,
        };
    }

    // The operator fills deployment.model and engine.backend from spec.model and spec.backend; a different value there is a mistake.
    private static void CheckOperatorOwned(JsonObject config, string? model, string? backend, string source, List<string> problems)
    {
        foreach (var (section, value) in config)
        {
            if (value is not JsonObject fields)
            {
                continue;
            }

            foreach (var (key, v) in fields)
            {
                string s = ProfileConfigReader.Snake(section) + "." + ProfileConfigReader.Snake(key);
                if (s == "deployment.model" && v?.ToString() != model)
                {
                    problems.Add($"{source}: spec.profilingConfig.config.{section}.{key} is '{v}' but spec.model is '{model}'. The operator sets it from spec.model: remove it from config.");
                }
                else if (s == "engine.backend" && v?.ToString() != backend)
                {
                    problems.Add($"{source}: spec.profilingConfig.config.{section}.{key} is '{v}' but spec.backend is '{backend}'. The operator sets it from spec.backend: remove it from config.");
                }
            }
        }
    }

    private static void Unknown(JsonObject obj, string[] known, string where, List<string> problems)
    {
        foreach (var (key, _) in obj)
        {
            if (!known.Contains(key))
            {
                problems.Add($"{where}.{key}: unknown field. Known fields: {string.Join(", ", known)}.{NameSuggester.Hint(key, known)}");
            }
        }
    }

    private static Dictionary<string, string> Strings(JsonNode? node) =>
        node is JsonObject o ? o.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? string.Empty) : [];
}
