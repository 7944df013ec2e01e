using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AicSim.Cli.Commands;

/// <summary>Flags of <c>aicsim validate</c> and <c>aicsim calibrate</c>.</summary>
public sealed class ValidateSettings : CommandSettings, Infrastructure.ICheckedSettings
{
    [CommandOption("--silicon <CSV>")]
    [Description("Measurements in the layout of silicon_calibration.csv, any column order: backend, model_path, system, mode, isl, osl, the parallel and batch columns, silicon_ttft_ms and/or silicon_tpot_ms (docs/validate.md).")]
    public string? Silicon { get; init; }

    [CommandOption("--planner-data <DIR>")]
    [Description("validate: instead of --silicon, hold AicSim against engines the Dynamo profiler measured on real GPUs (its online path): a folder with its stacked prefill.npz and decode.npz (the pre_swept_results layout), or a folder above such folders. Compares prefill TTFT per ISL, decode ITL per load and context, and KV capacity.")]
    public string? PlannerData { get; init; }

    [CommandOption("--model <MODEL>")]
    [Description("validate --planner-data on one profiling run's raw_data.npz files (which do not record the engine): the model it measured.")]
    public string? Model { get; init; }

    [CommandOption("--system <SYSTEM>")]
    [Description("validate --planner-data on raw_data.npz files: the GPU system.")]
    public string? System { get; init; }

    [CommandOption("--backend <BACKEND>")]
    [Description("validate --planner-data on raw_data.npz files: trtllm, vllm or sglang.")]
    public string? Backend { get; init; }

    [CommandOption("--tp <N>")]
    [Description("validate --planner-data on raw_data.npz files: the engine's tensor-parallel size (default 1).")]
    public int? Tp { get; init; }

    [CommandOption("--attention-dp <N>")]
    [Description("validate --planner-data on raw_data.npz files: the engine's attention data-parallel size (default 1).")]
    public int? AttentionDp { get; init; }

    [CommandOption("--backend-version <VERSION>")]
    [Description("validate --planner-data on raw_data.npz files: the framework's version, for kernel tables.")]
    public string? BackendVersion { get; init; }

    [CommandOption("--kv-quant <MODE>")]
    [Description("validate --planner-data: the KV cache's dtype (bf16 or fp8). Default: whichever makes the predicted KV capacity nearer the recorded max_kv_tokens.")]
    public string? KvQuant { get; init; }

    [CommandOption("--output <CSV>")]
    [Description("validate: per-row results (prediction, measurement, error, source).")]
    public string? Output { get; init; }

    [CommandOption("--plots <DIR>")]
    [Description("validate: write accuracy_ttft.png and accuracy_tpot.png (predicted against measured, target rows, log–log) into this folder; with --planner-data, each engine's measured and predicted prefill and decode curves.")]
    public string? Plots { get; init; }

    [CommandOption("--data-checks <CSV>")]
    [Description("validate: write the rows the data checks name (id, check, message): rows measuring what a row read as another configuration measures, rows with few clients in flight.")]
    public string? DataChecks { get; init; }

    [CommandOption("--summary <JSON>")]
    [Description("validate --silicon: write the printed report as JSON (both tables with every slice, the configurations' MAPE intervals, the within-sweeps split, each data check's count), for a script or a CI job to read.")]
    public string? Summary { get; init; }

    [CommandOption("--accuracy-out <YAML>")]
    [Description("validate --folds: write the cross-validated accuracy of each (system, backend, mode) — MAPE and the 10th–90th percentile of measured / predicted — which estimate and profile show beside their predictions. The bundled one is systems-data/calibration/accuracy.yaml.")]
    public string? AccuracyOut { get; init; }

    [CommandOption("--out <YAML>")]
    [Description("calibrate: where to write the fitted constants. Default: systems-data/calibration/default.yaml.")]
    public string? Out { get; init; }

    [CommandOption("--folds <K>")]
    [Description("validate: K-fold cross-validation grouped by configuration (each fold predicted by constants fitted on the others). 0 = off.")]
    [DefaultValue(0)]
    public int Folds { get; init; }

    [CommandOption("--group-by <GROUPING>")]
    [Description("validate --folds: what a fold keeps together: 'configuration' (model, system, backend, mode, mapping) or 'model' (a model and its quantised variants: tests transfer to unseen models) or 'system-backend' (every row of a system and framework: tests transfer to a pair with no measurement). Default: configuration.")]
    [DefaultValue("configuration")]
    public string GroupBy { get; init; } = "configuration";

    [CommandOption("--fold-seed <N>")]
    [Description("validate --folds: deal the configurations into folds in another pseudo-random order (0, the default, is the split every published number used). Repeat with a few seeds to see how much a cross-validated number owes to the split alone.")]
    [DefaultValue(0)]
    public int FoldSeed { get; init; }

    [CommandOption("--fit-before <DATE>")]
    [Description("validate: forward in time instead of --folds: fit the constants on the rows measured before DATE (yyyy-MM-dd, from each row's measured= in its source) and score the rows measured on or after it: how AicSim predicts measurements newer than its calibration. Rows without a date take no part.")]
    public string? FitBefore { get; init; }

    /// <summary>The day of <see cref="FitBefore"/>; valid once <see cref="Check"/> has passed.</summary>
    public DateOnly? FitBeforeDay => FitBefore is null ? null : DateOnly.ParseExact(FitBefore, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    [CommandOption("--max-evaluations <N>")]
    [Description("Model evaluations per fitted group (Nelder–Mead).")]
    [DefaultValue(400)]
    public int MaxEvaluations { get; init; } = 400;

    [CommandOption("--perf-source <SOURCE>")]
    [Description("roofline, tables or auto, as for estimate. calibrate and --folds fit the constants through it, so they are that estimator's.")]
    [DefaultValue("auto")]
    public string PerfSource { get; init; } = "auto";

    [CommandOption("--model-configs <DIR>")]
    [Description(SharedOptions.ModelConfigs)]
    public string[]? ModelConfigs { get; init; }

    [CommandOption("--perf-db <DIR>")]
    [Description("aiconfigurator's measured kernel database (its systems/data folder, or one system's folder), for --perf-source tables or auto; the version nearest each row's backend_version is used.")]
    public string? PerfDb { get; init; }

    [CommandOption("--client-connections <N>")]
    [Description("validate --silicon: read every row as measured by a benchmark client that keeps at most N requests open at once (an aiohttp client's default is 100): clients beyond it wait in the client, and the wait counts in TTFT. Default: no limit, each row's clients all sending at once.")]
    public int? ClientConnections { get; init; }

    [CommandOption("--calibration <FILE>")]
    [Description("validate: constants to use (a file or 'none'). Default: systems-data/calibration/default.yaml when present.")]
    public string? Calibration { get; init; }

    public ValidationResult Check() =>
        Silicon is null && PlannerData is null ? ValidationResult.Error("--silicon (a CSV in the layout of silicon_calibration.csv) or --planner-data (the Dynamo profiler's measured prefill.npz and decode.npz) is required.")
        : Silicon is not null && PlannerData is not null ? ValidationResult.Error("--silicon and --planner-data: give one; each is its own check.")
        : PlannerData is not null && (Folds > 0 || AccuracyOut is not null || DataChecks is not null || Summary is not null) ? ValidationResult.Error("--folds, --accuracy-out, --data-checks and --summary go with --silicon; --planner-data takes --output, --plots, --kv-quant, --calibration and --perf-source.")
        : KvQuant is not null && PlannerData is null ? ValidationResult.Error("--kv-quant goes with --planner-data (silicon rows say their own quantisation).")
        : PlannerData is null && (Model is not null || System is not null || Backend is not null || BackendVersion is not null || Tp is not null || AttentionDp is not null)
            ? ValidationResult.Error("--model, --system, --backend, --tp, --attention-dp and --backend-version name the engine of --planner-data's raw_data.npz files; silicon rows name their own.")
        : Tp is < 1 || AttentionDp is < 1 ? ValidationResult.Error("--tp and --attention-dp must be 1 or more.")
        : ClientConnections is < 1 ? ValidationResult.Error($"--client-connections {ClientConnections}: it must be 1 or more, or left out for clients that all send at once.")
        : ClientConnections is not null && PlannerData is not null ? ValidationResult.Error("--client-connections goes with --silicon: the planner data's engines were measured at a set batch, not through a client.")
        : Folds is < 0 or 1 ? ValidationResult.Error($"--folds {Folds}: use 0 (no cross-validation) or 2 or more.")
        : AccuracyOut is not null && Folds == 0 ? ValidationResult.Error("--accuracy-out needs --folds K (5 for the bundled file): accuracy must come from predictions made by constants fitted without the rows they are scored on.")
        : FitBefore is not null && !DateOnly.TryParseExact(FitBefore, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            ? ValidationResult.Error($"--fit-before '{FitBefore}': give a day as yyyy-MM-dd, for example 2026-03-01.")
        : FitBefore is not null && (Silicon is null || Folds > 0 || AccuracyOut is not null || Calibration is not null || GroupBy != "configuration")
            ? ValidationResult.Error("--fit-before goes with --silicon, and fits its own constants: leave out --folds, --group-by, --accuracy-out and --calibration.")
        : FoldSeed < 0 ? ValidationResult.Error($"--fold-seed {FoldSeed}: use 0 (the default split) or a positive number.")
        : FoldSeed > 0 && Folds == 0 ? ValidationResult.Error("--fold-seed goes with --folds K: it picks another split of the cross-validation's folds.")
        : GroupBy is not ("configuration" or "model" or "system-backend") ? ValidationResult.Error($"--group-by '{GroupBy}': use 'configuration', 'model' or 'system-backend'.")
        : MaxEvaluations < 10 ? ValidationResult.Error("--max-evaluations must be 10 or more.")
        : ValidationResult.Success();
}
