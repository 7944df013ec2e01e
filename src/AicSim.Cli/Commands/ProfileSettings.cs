using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AicSim.Cli.Commands;

/// <summary>
/// Flags of <c>aicsim profile</c>, named as profile_sla names them (with the guide's aliases). Unknown <c>--planner-*</c>
/// flags pass through to the Planner service.
/// </summary>
public sealed class ProfileSettings : CommandSettings, Infrastructure.IPassThroughOptions, Infrastructure.ICheckedSettings
{
    /// <summary>Planner options pass through to the Planner as --&lt;name&gt;=&lt;value&gt;.</summary>
    public string PassThroughPrefix => "planner-";

    [CommandOption("--model|--aic-hf-id <MODEL>")]
    [Description(SharedOptions.ProfiledModel)]
    public string? Model { get; init; }

    [CommandOption("--model-configs <DIR>")]
    [Description(SharedOptions.ModelConfigs)]
    public string[]? ModelConfigs { get; init; }

    [CommandOption("--backend <BACKEND>")]
    [Description(SharedOptions.ProfiledBackend)]
    public string? Backend { get; init; }

    [CommandOption("--system|--aic-system <SYSTEM>")]
    [Description(SharedOptions.ProfiledSystem)]
    public string? System { get; init; }

    [CommandOption("--isl <TOKENS>")]
    [Description("Input sequence length. Default: 3000.")]
    public int? Isl { get; init; }

    [CommandOption("--osl <TOKENS>")]
    [Description("Output sequence length. Default: 150.")]
    public int? Osl { get; init; }

    [CommandOption("--ttft <MS>")]
    [Description("Time-to-first-token target in ms. Default: 500.")]
    public double? Ttft { get; init; }

    [CommandOption("--itl <MS>")]
    [Description(SharedOptions.ItlTarget)]
    public double? Itl { get; init; }

    [CommandOption("--config <DGD_YAML>")]
    [Description("Base disaggregated DGD to start from (default: a built-in one equivalent to the backend's disagg.yaml).")]
    public string? Config { get; init; }

    [CommandOption("--min-num-gpus|--min-num-gpus-per-engine <N>")]
    [Description("Smallest engine to try (default: from the model's size).")]
    public int? MinGpus { get; init; }

    [CommandOption("--max-num-gpus|--max-num-gpus-per-engine <N>")]
    [Description("Largest engine to try (default: one node for dense models, up to 4 nodes for MoE).")]
    public int? MaxGpus { get; init; }

    [CommandOption("--num-gpus-per-node <N>")]
    [Description("GPUs per node (default: the system's).")]
    public int? GpusPerNode { get; init; }

    [CommandOption("--max-context-length <TOKENS>")]
    [Description("Largest context of the planner's interpolation data (default: the model's).")]
    public int? MaxContextLength { get; init; }

    [CommandOption("--prefill-interpolation-granularity <N>")]
    [Description("Prefill ISL steps. Default: 16.")]
    public int? PrefillGranularity { get; init; }

    [CommandOption("--decode-interpolation-granularity <N>")]
    [Description("Decode context steps. Default: 6.")]
    public int? DecodeGranularity { get; init; }

    [CommandOption("--output-dir <DIR>")]
    [Description("Where the outputs go. Default: profiling_results.")]
    public string? OutputDir { get; init; }

    [CommandOption("--dgd-image <IMAGE>")]
    [Description("Container image for every service of the generated DGD.")]
    public string? DgdImage { get; init; }

    [CommandOption("--namespace <NAMESPACE>")]
    [Description("Kubernetes namespace of the generated resources.")]
    public string? Namespace { get; init; }

    [CommandOption("--model-cache-pvc-name <NAME>")]
    [Description("A PersistentVolumeClaim holding the model weights, mounted into every worker of the DGD (the DGDR's deployment.modelCache.pvcName); needs --model-cache-pvc-path and --model-cache-pvc-mount-path too.")]
    public string? ModelCachePvcName { get; init; }

    [CommandOption("--model-cache-pvc-path <PATH>")]
    [Description("The model's folder inside that claim (deployment.modelCache.pvcPath); the workers load {mount path}/{this path}.")]
    public string? ModelCachePvcPath { get; init; }

    [CommandOption("--model-cache-pvc-mount-path <PATH>")]
    [Description("Where the workers mount that claim (deployment.modelCache.mountPath).")]
    public string? ModelCacheMountPath { get; init; }

    [CommandOption("--gemm-quant <MODE>")]
    [Description(SharedOptions.GemmQuant)]
    public string? GemmQuant { get; init; }

    [CommandOption("--moe-quant <MODE>")]
    [Description(SharedOptions.MoeQuant)]
    public string? MoeQuant { get; init; }

    [CommandOption("--kv-quant <MODE>")]
    [Description(SharedOptions.KvQuant)]
    public string? KvQuant { get; init; }

    [CommandOption("--mtp <N>")]
    [Description("Speculative decoding with the model's MTP modules: N tokens drafted per decode step (1 to 8); the decode engines are sized with it and the DGD's workers enable it. Default: off.")]
    public int? Mtp { get; init; }

    [CommandOption("--mtp-acceptance <P>")]
    [Description("With --mtp: the chance each draft token is accepted, given the ones before it were (0 to 1). Default: 0.85, DeepSeek-V3's for its MTP draft.")]
    public double? MtpAcceptance { get; init; }

    [CommandOption("--headroom")]
    [Description("Plan for the spread of real runs: pick engines whose predicted TTFT and ITL, times the 90th percentile of measured / predicted of their (system, backend, disagg) group (the bundled accuracy card), still meet the targets. The DGD's planner keeps the targets as given.")]
    public bool Headroom { get; init; }

    [CommandOption("--perf-source <SOURCE>")]
    [Description("roofline, tables (also the PyTorch-measured ones in systems-data/<system>/pytorch/) or auto (a framework's own measured tables where present). Default: auto.")]
    public string? PerfSource { get; init; }

    [CommandOption("--perf-db <DIR>")]
    [Description("aiconfigurator's measured kernel database; the version nearest --aic-backend-version is used.")]
    public string? PerfDb { get; init; }

    [CommandOption("--calibration <FILE>")]
    [Description("Fitted constants: a calibration file or 'none'. Default: systems-data/calibration/default.yaml when present.")]
    public string? Calibration { get; init; }

    [CommandOption("--use-ai-configurator")]
    [Description("Accepted for profile_sla parity: aicsim profile always runs offline.")]
    public bool UseAiConfigurator { get; init; }

    [CommandOption("--aic-backend-version <VERSION>")]
    [Description("Backend version whose measured tables to use (nearest available); recorded in the summary.")]
    public string? AicBackendVersion { get; init; }

    [CommandOption("--profile-config <FILE>")]
    [Description("A DGDR profilingConfig.config block (YAML or JSON, camelCase or snake_case); flags win over it.")]
    public string? ProfileConfig { get; init; }

    [CommandOption("--dgdr <FILE>")]
    [Description("Run a DynamoGraphDeploymentRequest as the operator's profiling job would.")]
    public string? Dgdr { get; init; }

    [CommandOption("--crd <FILE>")]
    [Description("A Dynamo CRD (DGD or DGDR; repeat for both): validate the DGDR and every emitted DGD against its schema.")]
    public string[]? Crds { get; init; }

    [CommandOption("--dry-run")]
    [Description("Validate the inputs and show the sweep plan; write nothing.")]
    public bool DryRun { get; init; }

    public ValidationResult Check()
    {
        foreach (var (name, value) in new[] { ("--isl", Isl), ("--osl", Osl), ("--min-num-gpus", MinGpus), ("--max-num-gpus", MaxGpus), ("--num-gpus-per-node", GpusPerNode), ("--max-context-length", MaxContextLength), ("--prefill-interpolation-granularity", PrefillGranularity), ("--decode-interpolation-granularity", DecodeGranularity) })
        {
            if (value is < 1)
            {
                return ValidationResult.Error($"{name} is {value}; it must be 1 or more.");
            }
        }

        // --mtp and --mtp-acceptance are checked with the model they need (ProfileJob.Resolve).
        return ValidationResult.Success();
    }
}
