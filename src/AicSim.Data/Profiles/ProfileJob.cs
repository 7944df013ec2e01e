using System.Globalization;
using System.Text.Json.Nodes;
using AicSim.Core.Errors;
using AicSim.Core.Profiling;
using AicSim.Core.Specs;
using AicSim.Data.Dynamo;
using AicSim.Data.Models;
using AicSim.Data.Systems;

namespace AicSim.Data.Profiles;

/// <summary>
/// A whole `aicsim profile` run without the terminal: resolve the options, run the profiler, and build every document
/// (base DGD, DGD with planner, mocker DGD, ConfigMap, summary, and for a DGDR its output ConfigMap and status).
/// </summary>
public sealed class ProfileJob(ModelCatalog models, SystemCatalog systems)
{
    /// <summary>Defaults: the Dynamo guide's AI Configurator sample (Qwen3-32B, TensorRT-LLM, H200, ISL 3000, OSL 150, TTFT 500 ms, ITL 30 ms).</summary>
    public static ProfileOptions Defaults { get; } = new()
    {
        Model = "Qwen/Qwen3-32B",
        Backend = "trtllm",
        System = "h200_sxm",
        Isl = 3000,
        Osl = 150,
        Ttft = 500,
        Itl = 30,
        PrefillGranularity = 16,
        DecodeGranularity = 6,
        OutputDir = "profiling_results",
    };

    /// <summary>What a run produced.</summary>
    public sealed record Outcome(
        ProfileResult Result,
        ProfileOutputWriter.Documents Documents,
        IReadOnlyList<string> Warnings,
        IReadOnlyList<string> Log,
        IReadOnlyDictionary<string, string> ExtraFiles,
        Calibration.AccuracyView? Accuracy = null);

    /// <summary>Turns options (defaults already merged) into a profiler request; reports every bad option at once.</summary>
    public ProfileRequest Resolve(ProfileOptions o) => Resolve(o, out _);

    /// <summary>As <see cref="Resolve(ProfileOptions)"/>, also saying where the latencies come from.</summary>
    public ProfileRequest Resolve(ProfileOptions o, out string sourceDescription)
    {
        ArgumentNullException.ThrowIfNull(o);
        return Resolve(o, Calibration.CalibrationFile.Resolve(o.Calibration), out sourceDescription);
    }

    private ProfileRequest Resolve(ProfileOptions o, Core.Calibration.CalibrationSet calibration, out string sourceDescription)
    {
        var problems = new List<string>();
        var fields = new SpecFields(o.FieldOf(nameof(o.Model), "--model"), o.FieldOf(nameof(o.System), "--system"), o.FieldOf(nameof(o.Backend), "--backend"));
        var specs = SpecResolver.Resolve(models, systems, o.Model, o.System, o.Backend ?? "trtllm", o.GemmQuant, o.MoeQuant, o.KvQuant, problems, fields);
        Need(o.Isl, "--isl (sla.isl)", problems);
        Need(o.Osl, "--osl (sla.osl)", problems);
        if (o.Ttft is not > 0)
        {
            problems.Add($"--ttft (sla.ttft) must be a positive number of milliseconds; it is {o.Ttft?.ToString(CultureInfo.InvariantCulture) ?? "missing"}.");
        }

        if (o.Itl is not > 0)
        {
            problems.Add($"--itl (sla.itl) must be a positive number of milliseconds; it is {o.Itl?.ToString(CultureInfo.InvariantCulture) ?? "missing"}.");
        }

        if (o.MinGpus is < 1 || o.MaxGpus is < 1 || (o.MinGpus is int a && o.MaxGpus is int b && a > b))
        {
            problems.Add($"--min-num-gpus {o.MinGpus} and --max-num-gpus {o.MaxGpus} must be 1 or more, min ≤ max.");
        }

        if (o.GpusPerNode is < 1)
        {
            problems.Add($"--num-gpus-per-node {o.GpusPerNode} must be 1 or more.");
        }

        if (o.Mtp is < 1 or > SpeculativeDecoding.MaxDraftTokens)
        {
            problems.Add($"--mtp is {o.Mtp}; draft 1 to {SpeculativeDecoding.MaxDraftTokens} tokens per step, or leave it out for plain decoding.");
        }

        if (o.MtpAcceptance is < 0 or > 1 || (o.MtpAcceptance is double accept && double.IsNaN(accept)))
        {
            problems.Add($"--mtp-acceptance is {o.MtpAcceptance?.ToString(CultureInfo.InvariantCulture)}; it is a probability, from 0 to 1 (0.85 by default).");
        }

        if (o.MtpAcceptance is not null && o.Mtp is null)
        {
            problems.Add("--mtp-acceptance is given without --mtp; add --mtp N (tokens drafted per step) or leave --mtp-acceptance out.");
        }

        if (o.Mtp is not null && specs is not null && SpeculativeDecoding.Unsupported(specs.Model, "--mtp") is string noMtp)
        {
            problems.Add(noMtp);
        }

        if (problems.Count > 0 || specs is null)
        {
            throw new AicSimException(problems);
        }

        var (model, system, backend, quant) = specs;
        var speculative = o.Mtp is int draft ? new SpeculativeDecoding(draft, o.MtpAcceptance ?? SpeculativeDecoding.DefaultAcceptance) : null;
        var group = calibration.Find(system.Name, Backends.Name(backend));
        var (estimator, source) = KernelData.PerfSource.Create(o.PerfSource ?? "auto", o.PerfDb, o.AicBackendVersion, system, backend, Core.Calibration.CalibrationSet.Efficiency(group));
        sourceDescription = source;
        return new ProfileRequest
        {
            Estimator = estimator,
            Model = model,
            System = system,
            Backend = Core.Calibration.CalibrationSet.Profile(BackendProfile.For(backend), group) with { Speculative = speculative },
            Quant = quant,
            Isl = o.Isl!.Value,
            Osl = o.Osl!.Value,
            TtftMs = o.Ttft!.Value,
            ItlMs = o.Itl!.Value,
            MinGpus = o.MinGpus,
            MaxGpus = o.MaxGpus,
            GpusPerNode = o.GpusPerNode,
            MaxContextLength = o.MaxContextLength,
            PrefillGranularity = o.PrefillGranularity ?? 16,
            DecodeGranularity = o.DecodeGranularity ?? 6,
        };
    }

    /// <summary>Runs the profiler and builds every document.</summary>
    public Outcome Run(ProfileOptions options, DgdrRequest? dgdr = null, IProgress<ProfileProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var log = new List<string>();
        var warnings = new List<string>(dgdr?.Warnings ?? []);
        // Read once per run: both the engines' constants and the accuracy cards that speak for them.
        var calibration = Calibration.CalibrationFile.Resolve(options.Calibration);
        var cards = Calibration.AccuracyFile.LoadDefault();
        var request = Resolve(options, calibration, out string source);
        var deployment = Deployment(options, dgdr);
        var baseConfig = options.Config is null
            ? BaseConfigs.Disagg(request.Backend.Backend, request.Model.Id)
            : YamlNodes.ParseObject(ReadConfig(options.Config), options.Config);
        DgdEmitter.CheckBase(baseConfig);

        Log(log, $"aicsim {ToolVersion.Current} profile: {request.Model.Id} on {request.System.Name} with {Backends.Name(request.Backend.Backend)} ({request.Quant})");
        Log(log, string.Create(CultureInfo.InvariantCulture, $"SLA: ISL {request.Isl}, OSL {request.Osl}, TTFT ≤ {request.TtftMs} ms, ITL ≤ {request.ItlMs} ms"));
        Log(log, $"latencies from: {source}");
        if (request.Backend.Speculative is { } mtp)
        {
            Log(log, string.Create(CultureInfo.InvariantCulture,
                $"decoding with MTP: {mtp.DraftTokens} draft token{(mtp.DraftTokens == 1 ? string.Empty : "s")} a step at acceptance {mtp.Acceptance} ({mtp.TokensPerStep:F2} tokens a step); the DGD's workers enable it"));
        }

        foreach (var w in warnings)
        {
            Log(log, "warning: " + w);
        }

        var targets = (Ttft: request.TtftMs, Itl: request.ItlMs);
        string perfKey = Calibration.AccuracyFile.PerfSourceKey(options.PerfSource ?? "auto", options.PerfDb);
        string backendName = Backends.Name(request.Backend.Backend);
        JsonObject? headroom = null;
        if (options.Headroom == true)
        {
            (request, headroom) = WithHeadroom(request, Calibration.AccuracyLookup.Find(cards, calibration, perfKey, request.System.Name, backendName, "disagg", request.TtftMs, request.ItlMs));
            Log(log, string.Create(CultureInfo.InvariantCulture,
                $"headroom: planning for predicted TTFT ≤ {request.TtftMs:F1} ms and ITL ≤ {request.ItlMs:F2} ms, so that runs landing at {headroom["group"]}'s 90th percentile of measured / predicted (×{headroom["ttft_factor"]}, ×{headroom["itl_factor"]}) still meet {targets.Ttft} ms and {targets.Itl} ms"));
        }

        var result = Profiler.Run(request, progress);
        Log(log, $"GPUs per engine: {result.Plan.MinGpus}..{result.Plan.MaxGpus}; {result.Plan.Candidates.Count} mappings tried, {result.Plan.Skipped.Count} skipped");
        foreach (var s in result.Plan.Skipped)
        {
            Log(log, $"skipped {s.Mapping.Name}: {s.Reason}");
        }

        foreach (var p in result.Prefill)
        {
            Log(log, string.Create(CultureInfo.InvariantCulture, $"prefill {p.Mapping.Name}: TTFT {p.TtftMs:F1} ms, {p.ThroughputPerGpu:F1} tokens/s/GPU"));
        }

        foreach (var dp in result.Decode)
        {
            Log(log, string.Create(CultureInfo.InvariantCulture, $"decode {dp.Mapping.Name} @ {dp.Requests} requests: ITL {dp.ItlMs:F2} ms, {dp.ThroughputPerGpu:F1} tokens/s/GPU"));
        }

        Log(log, $"prefill choice: {result.PrefillChoice.Reason}");
        Log(log, $"decode choice: {result.DecodeChoice.Reason}");
        if (!result.PrefillChoice.SlaMet)
        {
            warnings.Add($"TTFT target not met: {result.PrefillChoice.Reason}");
        }

        if (!result.DecodeChoice.SlaMet)
        {
            warnings.Add($"ITL target not met: {result.DecodeChoice.Reason}");
        }

        // The planner scales against the SLA itself; headroom only chose the engines.
        var plan = new DgdEmitter.Plan(request.Backend.Backend, request.Model.Id, result.PrefillChoice.Point.Mapping, result.DecodeChoice.Point.Mapping, request.NodeGpus, targets.Ttft, targets.Itl, request.Backend.Speculative);
        var dgd = DgdEmitter.Emit(baseConfig, plan, deployment);
        var mocker = DgdEmitter.EmitMocker(baseConfig, plan, deployment);
        var configMap = PlannerProfileData.ConfigMap(result.PrefillInterpolation, result.DecodeInterpolation, deployment.Namespace);
        // The deployment is disaggregated: its group's cross-validated accuracy says how far the chosen engines' TTFT and ITL may land from their predictions.
        var accuracy = Calibration.AccuracyLookup.Find(cards, calibration, perfKey, request.System.Name, backendName, "disagg",
            result.PrefillChoice.Point.TtftMs, result.DecodeChoice.Point.ItlMs);
        Log(log, "accuracy: " + accuracy.Note);
        var summary = ProfileSummary.Build(result, warnings);
        summary["accuracy"] = Calibration.AccuracyLookup.Json(accuracy, result.PrefillChoice.Point.TtftMs, result.DecodeChoice.Point.ItlMs);
        summary["accuracy_note"] = accuracy.Note;
        if (headroom is not null)
        {
            summary["inputs"]!["ttft_ms"] = targets.Ttft;
            summary["inputs"]!["itl_ms"] = targets.Itl;
            summary["headroom"] = headroom;
        }

        if (options.AicBackendVersion is not null)
        {
            summary["inputs"]!["backend_version"] = options.AicBackendVersion;
        }

        summary["inputs"]!["perf_source"] = source;
        if (request.Backend.Speculative is { } spec)
        {
            summary["inputs"]!["mtp"] = new JsonObject { ["draft_tokens"] = spec.DraftTokens, ["acceptance"] = spec.Acceptance, ["tokens_per_step"] = spec.TokensPerStep };
        }

        var docs = new ProfileOutputWriter.Documents(baseConfig, dgd, mocker, configMap, summary);
        var extra = dgdr is null ? new Dictionary<string, string>() : DgdrOutputs(dgdr, result, dgdr.UseMocker ? mocker : dgd, configMap);
        Log(log, result.SlaMet ? "SLA met." : "SLA NOT met: the closest configuration was written so you can look.");
        return new Outcome(result, docs, warnings, log, extra, accuracy);
    }

    /// <summary>
    /// The request with targets tightened by the accuracy card's 90th percentiles of measured / predicted (never
    /// loosened: a card whose runs mostly measure under the prediction leaves a target as it is), and what was done.
    /// </summary>
    private static (ProfileRequest Request, JsonObject Headroom) WithHeadroom(ProfileRequest request, Calibration.AccuracyView accuracy)
    {
        if (accuracy.Card is not { } card)
        {
            throw new AicSimException($"--headroom: no spread to plan for, since the accuracy of {request.System.Name}/{Backends.Name(request.Backend.Backend)}/disagg is {accuracy.Note} Leave --headroom out, or plan with your own margin in --ttft and --itl.");
        }

        double ttftFactor = Math.Max(1.0, card.Ttft.HighRatio);
        double itlFactor = Math.Max(1.0, card.Tpot.HighRatio);
        var headroom = new JsonObject
        {
            ["group"] = card.Group,
            ["measured_runs"] = card.Rows,
            ["ttft_factor"] = ttftFactor,
            ["itl_factor"] = itlFactor,
            ["planned_ttft_ms"] = request.TtftMs / ttftFactor,
            ["planned_itl_ms"] = request.ItlMs / itlFactor,
        };
        return (request with { TtftMs = request.TtftMs / ttftFactor, ItlMs = request.ItlMs / itlFactor }, headroom);
    }

    /// <summary>The operator's outputs for a DGDR: the dgdr-output-&lt;name&gt; ConfigMap and the DGDR with its status.</summary>
    public static Dictionary<string, string> DgdrOutputs(DgdrRequest dgdr, ProfileResult result, JsonObject generated, JsonObject configMap)
    {
        ArgumentNullException.ThrowIfNull(dgdr);
        ArgumentNullException.ThrowIfNull(result);
        string dgdName = generated["metadata"]?["name"]?.ToString() ?? dgdr.Name;
        var output = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = Metadata($"dgdr-output-{dgdr.Name}", dgdr.Namespace),
            ["data"] = new JsonObject { ["config_with_planner.yaml"] = YamlNodes.WriteAll([configMap, generated]) },
        };

        var status = (JsonObject)dgdr.Document.DeepClone();
        string state = !result.SlaMet ? "Failed" : dgdr.AutoApply ? "Deploying" : "Ready";
        status["status"] = new JsonObject
        {
            ["state"] = state,
            ["backend"] = dgdr.Options.Backend,
            ["profilingResults"] = $"configmap/dgdr-output-{dgdr.Name}",
            ["generatedDeployment"] = generated.DeepClone(),
            ["conditions"] = new JsonArray(
                Condition("Profiling", "True", "ProfilingCompleted", "aicsim profile (offline model) completed"),
                Condition("SpecGenerated", result.SlaMet ? "True" : "False", result.SlaMet ? "SpecGenerated" : "SLANotMet",
                    result.SlaMet ? "DynamoGraphDeployment spec generated successfully" : $"No configuration meets the SLA; the closest was generated. {result.PrefillChoice.Reason} {result.DecodeChoice.Reason}"),
                Condition("DeploymentReady", "False", dgdr.AutoApply ? "NotApplied" : "AutoApplyDisabled",
                    $"aicsim does not talk to the cluster: kubectl apply -f config_with_planner.yaml creates DGD {dgdName}")),
        };
        return new Dictionary<string, string>
        {
            [$"dgdr-output-{dgdr.Name}.yaml"] = YamlNodes.Write(output),
            ["dgdr_status.yaml"] = YamlNodes.Write(status),
        };
    }

    private static JsonObject Condition(string type, string status, string reason, string message) => new()
    {
        ["type"] = type,
        ["status"] = status,
        ["reason"] = reason,
        ["message"] = message,
        ["lastTransitionTime"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
    };

    private static JsonObject Metadata(string name, string? ns)
    {
        var m = new JsonObject { ["name"] = name };
        if (ns is not null)
        {
            m["namespace"] = ns;
        }

        return m;
    }

    private static DeploymentOptions Deployment(ProfileOptions o, DgdrRequest? dgdr)
    {
        var cacheParts = new[] { o.ModelCachePvcName, o.ModelCachePvcPath, o.ModelCacheMountPath };
        ModelCache? cache = null;
        if (cacheParts.All(p => p is not null))
        {
            cache = new ModelCache(o.ModelCachePvcName!, o.ModelCachePvcPath!, o.ModelCacheMountPath!);
        }
        else if (cacheParts.Any(p => p is not null))
        {
            throw new AicSimException("the model cache needs all of --model-cache-pvc-name, --model-cache-pvc-path and --model-cache-pvc-mount-path (deployment.modelCache pvcName, pvcPath, mountPath).");
        }

        var labels = new Dictionary<string, string>(dgdr?.DgdLabels ?? new Dictionary<string, string>());
        if (dgdr is not null)
        {
            labels["dgdr.nvidia.com/name"] = dgdr.Name;
            labels["dgdr.nvidia.com/namespace"] = dgdr.Namespace ?? "default";
        }

        string? ns = o.Namespace ?? dgdr?.DgdNamespace ?? dgdr?.Namespace;
        var problems = Dynamo.KubernetesNames.Problems(ns, dgdr?.DgdName).ToList();
        if (o.DgdImage is { } image && string.IsNullOrWhiteSpace(image))
        {
            problems.Add("--dgd-image is empty; give an image reference, or leave it out for the backend's runtime image.");
        }

        if (problems.Count > 0)
        {
            throw new AicSimException(problems);
        }

        return new DeploymentOptions
        {
            Name = dgdr?.DgdName,
            Namespace = ns,
            Image = o.DgdImage,
            WorkersImage = dgdr?.WorkersImage,
            ModelCache = cache,
            PlannerArgs = o.PlannerArgs,
            Labels = labels,
            Annotations = dgdr?.DgdAnnotations ?? new Dictionary<string, string>(),
        };
    }

    private static string ReadConfig(string path) =>
        File.Exists(path) ? File.ReadAllText(path) : throw new AicSimException($"--config: no file at '{path}'. Give a base disaggregated DGD YAML, or leave --config out for the built-in one.");

    private static void Need(int? value, string name, List<string> problems)
    {
        if (value is not > 0)
        {
            problems.Add($"{name} must be a positive whole number; it is {value?.ToString(CultureInfo.InvariantCulture) ?? "missing"}.");
        }
    }

    private static void Log(List<string> log, string line) =>
        log.Add($"{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {line}");
}
