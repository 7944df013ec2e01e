using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AicSim.Cli.Commands;

/// <summary>Flags of <c>aicsim capacity</c>: the engines profile would try, and the what-if grid.</summary>
public sealed class CapacitySettings : CommandSettings, Infrastructure.ICheckedSettings
{
    [CommandOption("--model <MODEL>")]
    [Description(SharedOptions.ProfiledModel)]
    public string? Model { get; init; }

    [CommandOption("--model-configs <DIR>")]
    [Description(SharedOptions.ModelConfigs)]
    public string[]? ModelConfigs { get; init; }

    [CommandOption("--backend <BACKEND>")]
    [Description(SharedOptions.ProfiledBackend)]
    public string? Backend { get; init; }

    [CommandOption("--system <SYSTEM>")]
    [Description(SharedOptions.ProfiledSystem)]
    public string? System { get; init; }

    [CommandOption("--itl <MS>")]
    [Description(SharedOptions.ItlTarget)]
    public double? Itl { get; init; }

    [CommandOption("--contexts <TOKENS,...>")]
    [Description("Mean KV-cache tokens per sequence to answer for, comma-separated. Default: 1024,4096,16384,65536 (those within the model's context).")]
    public string? Contexts { get; init; }

    [CommandOption("--min-num-gpus <N>")]
    [Description("Smallest engine to try (default: from the model's size, as profile).")]
    public int? MinGpus { get; init; }

    [CommandOption("--max-num-gpus <N>")]
    [Description("Largest engine to try (default: as profile).")]
    public int? MaxGpus { get; init; }

    [CommandOption("--gemm-quant <QUANT>")]
    [Description(SharedOptions.GemmQuant)]
    public string? GemmQuant { get; init; }

    [CommandOption("--moe-quant <QUANT>")]
    [Description(SharedOptions.MoeQuant)]
    public string? MoeQuant { get; init; }

    [CommandOption("--kv-quant <QUANT>")]
    [Description(SharedOptions.KvQuant)]
    public string? KvQuant { get; init; }

    [CommandOption("--mtp <N>")]
    [Description("Decode with the model's MTP modules, N tokens drafted a step (1 to 8); priced on every CPU core with each engine's own time per token. Default: off.")]
    public int? Mtp { get; init; }

    [CommandOption("--mtp-acceptance <P>")]
    [Description("With --mtp: each draft token's acceptance given the ones before it (0 to 1). Default: 0.85.")]
    public double? MtpAcceptance { get; init; }

    [CommandOption("--calibration <FILE>")]
    [Description("Constants to use (a file or 'none'). Default: systems-data/calibration/default.yaml.")]
    public string? Calibration { get; init; }

    [CommandOption("--device <DEVICE>")]
    [Description("auto (a CUDA GPU when there is one and the grid is large enough to repay starting it: 2 million decode steps per CPU core; else every CPU core), gpu or cpu. Default: auto.")]
    [DefaultValue("auto")]
    public string Device { get; init; } = "auto";

    [CommandOption("--output <CSV>")]
    [Description("Write every (mapping, context) answer: mapping,gpus,context,max_concurrency,itl_ms,tokens_per_sec_per_gpu,limited_by.")]
    public string? Output { get; init; }

    /// <summary>The contexts asked for, or null when the flag is malformed.</summary>
    public IReadOnlyList<double>? ContextList() =>
        Contexts is null ? null
        : Contexts.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } parts
          && parts.All(p => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0)
            ? [.. parts.Select(p => (double)int.Parse(p, CultureInfo.InvariantCulture))]
            : null;

    public ValidationResult Check() =>
        Itl is <= 0 ? ValidationResult.Error($"--itl {Itl?.ToString(CultureInfo.InvariantCulture)}: give a positive number of milliseconds, e.g. --itl 30.")
        : Contexts is not null && ContextList() is null ? ValidationResult.Error($"--contexts '{Contexts}': give positive whole token counts separated by commas, e.g. --contexts 1024,8192.")
        : Device is not ("auto" or "cpu" or "gpu") ? ValidationResult.Error($"--device '{Device}': use auto, cpu or gpu.")
        : ValidationResult.Success();
}
