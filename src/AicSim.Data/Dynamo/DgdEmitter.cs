using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AicSim.Core.Errors;
using AicSim.Core.Specs;

namespace AicSim.Data.Dynamo;

/// <summary>
/// Turns a base disaggregated DGD into the deployment the profiler recommends (DOMAIN.md §4): each worker's mapping in the
/// backend's own arguments, GPU resources and multinode node counts, images, the model cache, and the SLA Planner service.
/// The online path will share it.
/// </summary>
public static class DgdEmitter
{
    /// <summary>Kubernetes and Grove reject longer service names.</summary>
    public const int MaxServiceNameLength = 45;

    /// <summary>Where the planner (and the mocker) read the profile data ConfigMap.</summary>
    public const string ProfileResultsDir = "/workspace/profiling_results";

    public const string ProfileDataConfigMap = "planner-profile-data";

    /// <summary>The chosen engines and the SLA that the DGD is built for, and MTP speculative decoding if the engines use it.</summary>
    public sealed record Plan(Backend Backend, string Model, ParallelConfig Prefill, ParallelConfig Decode, int GpusPerNode, double TtftMs, double ItlMs, SpeculativeDecoding? Speculative = null);

    /// <summary>The DGD for the real backend, with the Planner.</summary>
    public static JsonObject Emit(JsonObject baseConfig, Plan plan, DeploymentOptions options)
    {
        ArgumentNullException.ThrowIfNull(baseConfig);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        var dgd = Prepare(baseConfig, options, out var services);
        var (prefill, decode) = Workers(services);
        string? frontendImage = options.Image ?? FrontendImage(services);

        foreach (var (name, worker, mapping) in new[] { (prefill.Key, prefill.Value, plan.Prefill), (decode.Key, decode.Value, plan.Decode) })
        {
            var container = Container(worker, name);
            SetImage(container, options.WorkersImage ?? options.Image);
            var args = Args(container, name);
            SetModel(args, plan.Backend, plan.Model, options.ModelCache);
            SetMapping(args, plan.Backend, mapping, plan.Speculative);
            SetGpus(worker, mapping.Gpus, plan.GpusPerNode);
            MountModelCache(worker, container, options.ModelCache);
        }

        SetImage(Container((JsonObject)services["Frontend"]!, "Frontend"), options.Image);
        services["Planner"] = Planner(plan, options, frontendImage, DynamoNamespace(services) ?? dgd["metadata"]!["name"]!.GetValue<string>());
        CheckNames(services);
        return dgd;
    }

    /// <summary>
    /// The mocker DGD: the same graph, with workers that run dynamo.mocker on the profile data instead of GPUs.
    /// </summary>
    public static JsonObject EmitMocker(JsonObject baseConfig, Plan plan, DeploymentOptions options)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        var dgd = Prepare(baseConfig, options with { ModelCache = null }, out var services);
        var (prefill, decode) = Workers(services);
        string? frontendImage = options.Image ?? FrontendImage(services);
        foreach (var (name, worker, role) in new[] { (prefill.Key, prefill.Value, "prefill"), (decode.Key, decode.Value, "decode") })
        {
            var container = Container(worker, name);
            SetImage(container, options.WorkersImage ?? options.Image);
            container["workingDir"] = "/workspace";
            container["command"] = new JsonArray("python3", "-m", "dynamo.mocker");
            container["args"] = new JsonArray(
                "--model-path", plan.Model, "--model-name", plan.Model, "--speedup-ratio", "1.0",
                "--planner-profile-data", ProfileResultsDir, role == "prefill" ? "--is-prefill-worker" : "--is-decode-worker");
            worker.Remove("resources");
            worker.Remove("multinode");
            MountProfileData(worker, container);
        }

        services["Planner"] = Planner(plan, options, frontendImage, DynamoNamespace(services) ?? dgd["metadata"]!["name"]!.GetValue<string>());
        CheckNames(services);
        return dgd;
    }

    /// <summary>GPUs per pod and pods per engine: limits.gpu = min(gpus, per node); multinode.nodeCount = ceil(gpus / per node).</summary>
    public static (int GpusPerPod, int Nodes) Placement(int gpus, int gpusPerNode)
    {
        int nodes = (gpus + gpusPerNode - 1) / gpusPerNode;
        return (nodes > 1 ? gpusPerNode : gpus, nodes);
    }

    /// <summary>
    /// Refuses a base config the emitter cannot build on (not a v1alpha1 DGD, no services, no Frontend, a service name
    /// Kubernetes rejects) — before the sweep, so a bad --config fails at once.
    /// </summary>
    public static void CheckBase(JsonObject baseConfig)
    {
        ArgumentNullException.ThrowIfNull(baseConfig);
        if (baseConfig["apiVersion"]?.GetValue<string>() != "nvidia.com/v1alpha1" || baseConfig["kind"]?.GetValue<string>() != "DynamoGraphDeployment")
        {
            throw new AicSimException(
                $"--config: the base config must be a nvidia.com/v1alpha1 DynamoGraphDeployment; it is {baseConfig["apiVersion"]} {baseConfig["kind"]}. " +
                "(v1beta1 DGDs with spec.components are not read yet: convert it or leave --config out for the built-in base.)");
        }

        var services = baseConfig["spec"]?["services"] as JsonObject
            ?? throw new AicSimException("--config: the DGD has no spec.services.");
        if (!services.ContainsKey("Frontend"))
        {
            throw new AicSimException("--config: the DGD has no Frontend service.");
        }

        var (prefill, decode) = Workers(services);
        foreach (var (name, worker) in new[] { prefill, decode })
        {
            if (worker["extraPodSpec"]?["mainContainer"]?["args"] is not JsonArray)
            {
                throw new AicSimException($"--config: service {name} has no extraPodSpec.mainContainer.args to set the model and mapping in.");
            }
        }

        CheckNames(services);
    }

    private static JsonObject Prepare(JsonObject baseConfig, DeploymentOptions options, out JsonObject services)
    {
        CheckBase(baseConfig);
        var dgd = (JsonObject)baseConfig.DeepClone();

        services = (JsonObject)dgd["spec"]!["services"]!;
        var metadata = dgd["metadata"] as JsonObject ?? new JsonObject();
        dgd["metadata"] = metadata;
        if (options.Name is not null)
        {
            metadata["name"] = options.Name;
        }

        if (options.Namespace is not null)
        {
            metadata["namespace"] = options.Namespace;
        }

        AddAll(metadata, "labels", options.Labels);
        AddAll(metadata, "annotations", options.Annotations);
        return dgd;
    }

    private static void AddAll(JsonObject metadata, string field, IReadOnlyDictionary<string, string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        var map = metadata[field] as JsonObject ?? new JsonObject();
        foreach (var (k, v) in values)
        {
            map[k] = v;
        }

        metadata[field] = map;
    }

    private static (KeyValuePair<string, JsonObject> Prefill, KeyValuePair<string, JsonObject> Decode) Workers(JsonObject services)
    {
        KeyValuePair<string, JsonObject> Find(string role)
        {
            var found = services.Where(s => s.Value is JsonObject o && o["subComponentType"]?.GetValue<string>() == role).ToList();
            return found.Count == 1
                ? new(found[0].Key, (JsonObject)found[0].Value!)
                : throw new AicSimException($"--config: expected one service with subComponentType: {role}, found {found.Count}. The planner finds workers by that field.");
        }

        return (Find("prefill"), Find("decode"));
    }

    private static JsonObject Container(JsonObject service, string name)
    {
        var pod = service["extraPodSpec"] as JsonObject ?? new JsonObject();
        service["extraPodSpec"] = pod;
        var container = pod["mainContainer"] as JsonObject ?? throw new AicSimException($"--config: service {name} has no extraPodSpec.mainContainer.");
        return container;
    }

    private static JsonArray Args(JsonObject container, string name)
    {
        if (container["args"] is not JsonArray args)
        {
            throw new AicSimException($"--config: service {name} has no mainContainer.args to set the model and mapping in.");
        }

        return args;
    }

    private static string? FrontendImage(JsonObject services) => services["Frontend"]?["extraPodSpec"]?["mainContainer"]?["image"]?.GetValue<string>();

    private static string? DynamoNamespace(JsonObject services) => services["Frontend"]?["dynamoNamespace"]?.GetValue<string>();

    private static void SetImage(JsonObject container, string? image)
    {
        if (image is not null)
        {
            container["image"] = image;
        }
    }

    private static void SetModel(JsonArray args, Backend backend, string model, ModelCache? cache)
    {
        string flag = backend == Backend.Vllm ? "--model" : "--model-path";
        string path = cache?.ModelPath ?? model;
        SetValue(args, flag, path);
        if (backend != Backend.Vllm || cache is not null)
        {
            SetValue(args, "--served-model-name", model);
        }
    }

    /// <summary>
    /// The mapping in each backend's own arguments (DOMAIN.md §4), and MTP speculative decoding where asked. MTP goes to
    /// prefill and decode workers alike: the prefill worker runs the draft module over the prompt so that the decode
    /// worker receives its state with the KV cache. vLLM: --speculative-config {"method": "mtp", ...}; SGLang: EAGLE
    /// over the model's own MTP module, one draft per step (topk 1) and n + 1 tokens verified; TensorRT-LLM:
    /// speculative_config {decoding_type: MTP, num_nextn_predict_layers: n} in the engine arguments.
    /// </summary>
    private static void SetMapping(JsonArray args, Backend backend, ParallelConfig p, SpeculativeDecoding? mtp)
    {
        bool dep = p.AttentionDp > 1;
        bool experts = p.MoeEp > 1;
        switch (backend)
        {
            case Backend.Vllm:
                Remove(args, "--tensor-parallel-size", true);
                Remove(args, "--data-parallel-size", true);
                Remove(args, "--enable-expert-parallel", false);
                Append(args, "--tensor-parallel-size", Str(p.Tp));
                if (experts || dep)
                {
                    Append(args, "--data-parallel-size", Str(p.AttentionDp));
                    Append(args, "--enable-expert-parallel");
                }

                Remove(args, "--speculative-config", true);
                if (mtp is not null)
                {
                    Append(args, "--speculative-config", JsonSerializer.Serialize(new Dictionary<string, object> { ["method"] = "mtp", ["num_speculative_tokens"] = mtp.DraftTokens }));
                }

                break;
            case Backend.Sglang:
                foreach (var flag in new[] { "--tp", "--tp-size", "--dp", "--dp-size", "--ep", "--ep-size" })
                {
                    Remove(args, flag, true);
                }

                Remove(args, "--enable-dp-attention", false);
                int gpus = p.Tp * p.AttentionDp;
                Append(args, "--tp", Str(gpus));
                if (dep)
                {
                    Append(args, "--dp", Str(p.AttentionDp));
                }

                if (experts)
                {
                    Append(args, "--ep", Str(p.MoeEp));
                }

                if (dep)
                {
                    Append(args, "--enable-dp-attention");
                }

                foreach (var flag in new[] { "--speculative-algorithm", "--speculative-num-steps", "--speculative-eagle-topk", "--speculative-num-draft-tokens" })
                {
                    Remove(args, flag, true);
                }

                if (mtp is not null)
                {
                    Append(args, "--speculative-algorithm", "EAGLE");
                    Append(args, "--speculative-num-steps", Str(mtp.DraftTokens));
                    Append(args, "--speculative-eagle-topk", "1");
                    Append(args, "--speculative-num-draft-tokens", Str(mtp.DraftTokens + 1));
                }

                break;
            default:
                Remove(args, "--override-engine-args", true);
                var engine = new Dictionary<string, object>
                {
                    ["tensor_parallel_size"] = p.Tp * p.AttentionDp,
                    ["moe_expert_parallel_size"] = p.MoeEp,
                    ["moe_tensor_parallel_size"] = p.MoeTp,
                    ["enable_attention_dp"] = dep,
                };
                if (mtp is not null)
                {
                    engine["speculative_config"] = new Dictionary<string, object> { ["decoding_type"] = "MTP", ["num_nextn_predict_layers"] = mtp.DraftTokens };
                }

                Append(args, "--override-engine-args", JsonSerializer.Serialize(engine));
                break;
        }
    }

    private static void SetGpus(JsonObject worker, int gpus, int gpusPerNode)
    {
        var (perPod, nodes) = Placement(gpus, gpusPerNode);
        worker["resources"] = new JsonObject
        {
            ["limits"] = new JsonObject { ["gpu"] = Str(perPod) },
            ["requests"] = new JsonObject { ["gpu"] = Str(perPod) },
        };
        if (nodes > 1)
        {
            worker["multinode"] = new JsonObject { ["nodeCount"] = nodes };
        }
        else
        {
            worker.Remove("multinode");
        }
    }

    private static void MountModelCache(JsonObject worker, JsonObject container, ModelCache? cache)
    {
        if (cache is null)
        {
            return;
        }

        AddVolume(worker, container, "model-cache", new JsonObject { ["claimName"] = cache.PvcName }, "persistentVolumeClaim", cache.MountPath, readOnly: false);
    }

    private static void MountProfileData(JsonObject service, JsonObject container) =>
        AddVolume(service, container, ProfileDataConfigMap, new JsonObject { ["name"] = ProfileDataConfigMap }, "configMap", ProfileResultsDir, readOnly: true);

    private static void AddVolume(JsonObject service, JsonObject container, string name, JsonObject source, string sourceKind, string mountPath, bool readOnly)
    {
        var pod = (JsonObject)service["extraPodSpec"]!;
        var volumes = pod["volumes"] as JsonArray ?? [];
        pod["volumes"] = volumes;
        if (!volumes.Any(v => v?["name"]?.GetValue<string>() == name))
        {
            volumes.Add(new JsonObject { ["name"] = name, [sourceKind] = source });
        }

        var mounts = container["volumeMounts"] as JsonArray ?? [];
        container["volumeMounts"] = mounts;
        if (!mounts.Any(m => m?["name"]?.GetValue<string>() == name))
        {
            var mount = new JsonObject { ["name"] = name, ["mountPath"] = mountPath };
            if (readOnly)
            {
                mount["readOnly"] = true;
            }

            mounts.Add(mount);
        }
    }

    private static JsonObject Planner(Plan plan, DeploymentOptions options, string? image, string dynamoNamespace)
    {
        var args = new JsonArray(
            $"--environment=kubernetes",
            $"--backend={Backends.Name(plan.Backend)}",
            $"--ttft={Str(plan.TtftMs)}",
            $"--itl={Str(plan.ItlMs)}",
            $"--namespace={dynamoNamespace}");
        foreach (var (name, value) in options.PlannerArgs)
        {
            args.Add($"--{name}={value}");
        }

        args.Add($"--prefill-engine-num-gpu={plan.Prefill.Gpus}");
        args.Add($"--decode-engine-num-gpu={plan.Decode.Gpus}");
        args.Add($"--profile-results-dir={ProfileResultsDir}");

        var container = new JsonObject
        {
            ["image"] = image ?? BaseConfigs.DefaultImage(plan.Backend),
            ["workingDir"] = "/workspace/components/src/dynamo/planner",
            ["command"] = new JsonArray("python3", "-m", "planner_sla"),
            ["args"] = args,
        };
        var planner = new JsonObject
        {
            ["dynamoNamespace"] = dynamoNamespace,
            ["componentType"] = "planner",
            ["replicas"] = 1,
            ["extraPodSpec"] = new JsonObject { ["mainContainer"] = container },
        };
        MountProfileData(planner, container);
        return planner;
    }

    private static void CheckNames(JsonObject services)
    {
        var tooLong = services.Select(s => s.Key).Where(k => k.Length > MaxServiceNameLength).ToList();
        if (tooLong.Count > 0)
        {
            throw new AicSimException(tooLong.Select(n =>
                $"service name '{n}' has {n.Length} characters; Kubernetes rejects more than {MaxServiceNameLength}. Rename it in --config.").ToList());
        }
    }

    private static void SetValue(JsonArray args, string flag, string value)
    {
        int i = IndexOf(args, flag);
        if (i >= 0 && i + 1 < args.Count)
        {
            args[i + 1] = value;
        }
        else
        {
            Append(args, flag, value);
        }
    }

    private static void Remove(JsonArray args, string flag, bool hasValue)
    {
        for (int i = args.Count - 1; i >= 0; i--)
        {
            string? a = args[i]?.ToString();
            if (a == flag)
            {
                if (hasValue && i + 1 < args.Count)
                {
                    args.RemoveAt(i + 1);
                }

                args.RemoveAt(i);
            }
            else if (a is not null && a.StartsWith(flag + "=", StringComparison.Ordinal))
            {
                args.RemoveAt(i);
            }
        }
    }

    private static int IndexOf(JsonArray args, string flag)
    {
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i]?.ToString() == flag)
            {
                return i;
            }
        }

        return -1;
    }

    private static void Append(JsonArray args, params string[] items)
    {
        foreach (var item in items)
        {
            args.Add(item);
        }
    }

    private static string Str(double value) => value.ToString(CultureInfo.InvariantCulture);
}
