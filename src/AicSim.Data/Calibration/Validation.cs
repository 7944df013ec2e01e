using System.Globalization;
using AicSim.Core.Accuracy;
using AicSim.Core.Calibration;
using AicSim.Core.Estimate;
using CsvHelper;

namespace AicSim.Data.Calibration;

/// <summary>
/// Predicting measured rows and scoring them: plain (one calibration for all rows) or cross-validated, where each fold's
/// rows are predicted by a calibration fitted on the other folds. Folds are grouped by configuration (model, system,
/// backend, mode and mapping), so rows of one configuration never sit on both sides — or, more strictly, by model.
/// </summary>
public static class Validation
{
    /// <summary>What a cross-validation fold keeps together.</summary>
    public enum FoldGrouping
    {
        /// <summary>Rows sharing model, system, backend, mode and mapping.</summary>
        Configuration,

        /// <summary>Every row of a model and its quantised variants (same shape: DeepSeek-V3, R1 and their NVFP4 checkpoints are one).</summary>
        Model,

        /// <summary>Every row of a (system, backend): how AicSim predicts a framework on a system it has no measurement of.</summary>
        SystemBackend,
    }

    /// <summary>Systems the accuracy targets are scored on.</summary>
    public static IReadOnlyList<string> TargetSystems { get; } = ["h100_sxm", "h200_sxm", "b200_sxm", "gb200"];

    public static IReadOnlyList<RowOutcome> Predict(RowPredictor predictor, IReadOnlyList<SiliconRow> rows)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        ArgumentNullException.ThrowIfNull(rows);
        return rows.Select(predictor.Predict).ToList();
    }

    /// <summary>
    /// K-fold grouped cross-validation: fit on K−1 folds' complete rows, predict the K-th. <paramref name="seed"/> deals the
    /// folds in another order (<see cref="AssignFolds"/>).
    /// </summary>
    public static IReadOnlyList<RowOutcome> CrossValidate(RowPredictor predictor, IReadOnlyList<SiliconRow> rows, int folds, int maxEvaluations, IProgress<string>? progress = null, FoldGrouping grouping = FoldGrouping.Configuration, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        var uncalibrated = rows.Select(r => predictor.Predict(r, CalibrationSet.None)).ToList();
        var fold = AssignFolds(uncalibrated, folds, grouping, seed);
        var result = new RowOutcome[rows.Count];
        for (int k = 0; k < folds; k++)
        {
            var training = Samples(uncalibrated.Where((_, i) => fold[i] != k));
            var calibration = Calibrator.Fit(training, $"fold {k + 1} of {folds}", maxEvaluations, estimators: predictor.Estimators);
            for (int i = 0; i < rows.Count; i++)
            {
                if (fold[i] == k)
                {
                    result[i] = predictor.Predict(rows[i], calibration);
                }
            }

            progress?.Report($"fold {k + 1}/{folds}: fitted {calibration.Groups.Count} groups on {training.Count} rows");
        }

        return result;
    }

    /// <summary>
    /// Forward in time: fit the constants on the rows measured before <paramref name="from"/> and predict those measured
    /// on or after it — how well AicSim would have predicted measurements taken after it was calibrated (later builds,
    /// new models). Rows without a measurement date (a <c>measured</c> column, or <c>measured=</c> in the source) take no part.
    /// </summary>
    public static ForwardSplit ForwardValidate(RowPredictor predictor, IReadOnlyList<SiliconRow> rows, DateOnly from, int maxEvaluations, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        ArgumentNullException.ThrowIfNull(rows);
        var day = rows.Select(r => r.MeasuredOn).ToArray();
        var earlier = rows.Where((_, i) => day[i] < from).Select(r => predictor.Predict(r, CalibrationSet.None)).ToList();
        var training = Samples(earlier);
        if (training.Count == 0)
        {
            throw new Core.Errors.AicSimException($"--fit-before {from:yyyy-MM-dd}: no complete row was measured before that day, so there is nothing to fit. Choose a later date.");
        }

        var later = rows.Where((_, i) => day[i] >= from).ToList();
        if (later.Count == 0)
        {
            throw new Core.Errors.AicSimException($"--fit-before {from:yyyy-MM-dd}: no row was measured on or after that day, so there is nothing to score. Choose an earlier date.");
        }

        var calibration = Calibrator.Fit(training, $"rows measured before {from:yyyy-MM-dd}", maxEvaluations, estimators: predictor.Estimators);
        progress?.Report($"fitted {calibration.Groups.Count} groups on {training.Count} rows measured before {from:yyyy-MM-dd}");
        return new ForwardSplit(later.Select(r => predictor.Predict(r, calibration)).ToList(), training.Count, earlier.Count, day.Count(d => d is null));
    }

    /// <summary>
    /// The fold of each outcome. The groups of fitted rows are dealt round-robin in a fixed pseudo-random order (FNV-1a of
    /// their key), so every fold holds some and the folds are the same on every machine — the target systems' groups
    /// first, so adding rows of other systems leaves their folds as they were; other rows go by their key's hash. A
    /// non-zero <paramref name="seed"/> hashes "seed|key" instead: another split of the same groups, to see how much a
    /// cross-validated number owes to the split (0 is the split every published number used).
    /// </summary>
    public static int[] AssignFolds(IReadOnlyList<RowOutcome> outcomes, int folds, FoldGrouping grouping, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(seed);
        var keys = outcomes.Select(o => grouping switch
        {
            FoldGrouping.Model => ModelKey(o),
            FoldGrouping.SystemBackend => $"{o.Row.System}|{o.Row.Backend}".ToLowerInvariant(),
            _ => GroupKey(o),
        }).ToArray();
        uint Hash(string key) => Fnv1a(seed == 0 ? key : string.Create(CultureInfo.InvariantCulture, $"{seed}|{key}"));
        IEnumerable<string> Dealt(bool target) => keys.Where((_, i) => IsSample(outcomes[i]) && TargetSystems.Contains(outcomes[i].Row.System) == target)
            .Distinct(StringComparer.Ordinal).OrderBy(Hash).ThenBy(k => k, StringComparer.Ordinal);
        var foldOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var key in Dealt(target: true).Concat(Dealt(target: false)))
        {
            foldOf.TryAdd(key, foldOf.Count % folds);
        }

        return keys.Select(k => foldOf.TryGetValue(k, out int f) ? f : (int)(Hash(k) % (uint)folds)).ToArray();
    }

    /// <summary>
    /// The calibration samples of outcomes: complete, predicted rows with both measurements, on any modelled system (the
    /// target systems' and others', such as B300's, each fitting its own groups).
    /// </summary>
    public static List<CalibrationSample> Samples(IEnumerable<RowOutcome> outcomes) =>
        outcomes
            .Where(IsSample)
            .Select(o => new CalibrationSample(Uncalibrated(o.Request!), o.Row.MeasuredTtftMs!.Value, o.Row.MeasuredTpotMs!.Value))
            .ToList();

    private static bool IsSample(RowOutcome o) =>
        o.Complete && o.Request is not null && o.Prediction.Status == "ok"
        && o.Row.MeasuredTtftMs is > 0 && o.Row.MeasuredTpotMs is > 0;

    /// <summary>A report of the scored rows; <paramref name="targetOnly"/> keeps complete rows of the target systems.</summary>
    public static AccuracyReport Report(IReadOnlyList<RowOutcome> outcomes, bool targetOnly) => AccuracyReport.Of(Scored(outcomes, targetOnly));

    /// <summary>
    /// Accuracy cards of the complete rows of every system (a disaggregated row with assumed batches says little about
    /// the model): what `validate --accuracy-out` writes from cross-validated outcomes.
    /// </summary>
    public static IReadOnlyList<AccuracyCard> Cards(IReadOnlyList<RowOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        return AccuracyCard.From(Scored(outcomes.Where(o => IsCompleteRow(o.Row)).ToList(), targetOnly: false));
    }

    /// <summary>
    /// Accuracy cards of a (system, backend) that has no runs of its own, under system <see cref="CalibrationGroup.AnySystem"/>:
    /// from <paramref name="heldOutPairs"/>, outcomes cross-validated with every row of a system and framework held out
    /// whole (<see cref="FoldGrouping.SystemBackend"/>), so each row was priced as such a pair is, by its backend's median
    /// group; per (backend, mode) over every system's complete rows.
    /// </summary>
    public static IReadOnlyList<AccuracyCard> AnySystemCards(IReadOnlyList<RowOutcome> heldOutPairs)
    {
        ArgumentNullException.ThrowIfNull(heldOutPairs);
        return AccuracyCard.From(Scored(heldOutPairs.Where(o => IsCompleteRow(o.Row)).ToList(), targetOnly: false).Select(r => r with { System = CalibrationGroup.AnySystem }));
    }

    /// <summary>
    /// Rows with a measurement, with their predictions (a metric not measured is left unscored); <paramref name="targetOnly"/>
    /// keeps complete rows of the target systems.
    /// </summary>
    public static List<ScoredRow> Scored(IReadOnlyList<RowOutcome> outcomes, bool targetOnly)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        return outcomes
            .Where(o => o.Row.MeasuredTtftMs is > 0 || o.Row.MeasuredTpotMs is > 0)
            .Where(o => !targetOnly || (TargetSystems.Contains(o.Row.System) && IsCompleteRow(o.Row)))
            .Select(o => new ScoredRow(o.Row.System, o.Row.Backend, o.Row.Mode, o.Row.Model, o.Prediction.TtftMs, o.Row.MeasuredTtftMs, o.Prediction.TpotMs, o.Row.MeasuredTpotMs, SweepKey(o.Row), ClientConcurrency(o), o.Row.Isl, o.Row.Osl, IsCompleteRow(o.Row), GroupKey(o), MappingFamily(o)))
            .ToList();
    }

    /// <summary>
    /// The requests a row's clients kept in flight: what its source names, else the concurrency the row was read at
    /// (agg), else decode batch × workers × attention DP (disagg); 0 when none is known.
    /// </summary>
    public static int ClientConcurrency(RowOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var r = outcome.Row;
        if (r.Concurrency is int named)
        {
            return named;
        }

        if (r.Mode == "agg")
        {
            return outcome.Request?.Concurrency ?? r.BatchSize ?? 0;
        }

        return r.DecodeBatchSize is > 0 && r.DecodeWorkers is > 0 ? r.DecodeBatchSize.Value * r.DecodeWorkers.Value * Math.Max(1, r.Decode.AttentionDp ?? 1) : 0;
    }

    /// <summary>
    /// Whether a row gives its whole configuration: agg batch (or client concurrency, the same number for one engine) and
    /// parallel sizes; disagg batch sizes and worker counts.
    /// </summary>
    public static bool IsCompleteRow(SiliconRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.Mode == "agg"
            ? (row.BatchSize is > 0 || row.Concurrency is > 0) && row.Agg.Tp is > 0
            : row.PrefillBatchSize is > 0 && row.DecodeBatchSize is > 0 && row.PrefillWorkers is > 0 && row.DecodeWorkers is > 0 && row.Prefill.Tp is > 0 && row.Decode.Tp is > 0;
    }

    /// <summary>Per-row results: prediction, measurement, error, source, and the load and mapping the row was read as.</summary>
    public static void WriteRows(string path, IReadOnlyList<RowOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(outcomes);
        AtomicFile.Write(path, stream =>
        {
            using var csv = CsvWriter.Create(stream, new CsvWriterOptions { NewLine = "\n" });
            csv.WriteHeader(["id", "system", "backend", "mode", "model", "complete", "status", "predicted_ttft_ms", "measured_ttft_ms", "ttft_error_pct", "predicted_tpot_ms", "measured_tpot_ms", "tpot_error_pct", "source", "message", "isl", "osl", "concurrency", "mapping", "mapping_family",
                "ttft_request_overhead_ms", "ttft_running_steps_ms", "ttft_prefill_ms", "ttft_wait_ms", "ttft_handoff_ms",
                "tpot_decode_ms", "tpot_prefill_kernels_ms", "tpot_prompt_launches_ms"]);
            foreach (var o in outcomes)
            {
                var r = o.Row;
                var p = o.Prediction;
                var t = p.TtftParts;
                var u = p.TpotParts;
                csv.WriteRecord(
                [
                    r.Id, r.System, r.Backend, r.Mode, r.Model, IsCompleteRow(r) ? "true" : "false", p.Status,
                    F(p.TtftMs), F(r.MeasuredTtftMs), Pct(p.TtftMs, r.MeasuredTtftMs),
                    F(p.TpotMs), F(r.MeasuredTpotMs), Pct(p.TpotMs, r.MeasuredTpotMs),
                    o.Sources, p.Message,
                    r.Isl.ToString(CultureInfo.InvariantCulture), r.Osl.ToString(CultureInfo.InvariantCulture),
                    ClientConcurrency(o) is > 0 and var c ? c.ToString(CultureInfo.InvariantCulture) : string.Empty,
                    Mapping(o.Request), MappingFamily(o),
                    F(t?.RequestOverheadMs), F(t?.RunningStepsMs), F(t?.PrefillMs),
                    F(t is null ? null : t.AdmissionMs + t.BalanceWaitMs + t.QueueMs + t.ClientWaitMs), F(t is null ? null : t.DisaggOverheadMs + t.KvTransferMs),
                    F(u?.DecodeMs), F(u?.PrefillKernelsMs), F(u?.PromptLaunchesMs),
                ]);
            }
        });
    }

    // As the row was read: TP4, TEP8, DEP16 (aggregated); prefill then decode workers' mappings (disaggregated).
    private static string Mapping(EstimateRequest? q) => Engines(q, p => p.Name);

    // The row's engine labelled, or its prefill then decode workers' ("x / y"); empty where the row was not read.
    private static string Engines(EstimateRequest? q, Func<Core.Specs.ParallelConfig, string> label) => q is null ? string.Empty
        : q.DecodeParallel is { } decode ? $"{label(q.Parallel)} / {label(decode)}" : label(q.Parallel);

    // The framework's built-in constants, from which the fit starts; how the row was run (speculative decoding) stays.
    private static EstimateRequest Uncalibrated(EstimateRequest r) => r with { Backend = Core.Specs.BackendProfile.For(r.Backend.Backend) with { Speculative = r.Backend.Speculative } };

    /// <summary>The mapping family a row was predicted as ("TEP", or "TP / DEP" disaggregated); empty when it was not read.</summary>
    public static string MappingFamily(RowOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return Engines(outcome.Request, p => p.Family);
    }

    private static string GroupKey(RowOutcome o) => o.Request is { } q
        ? $"{q.Model.Id}|{q.System.Name}|{q.Backend.Backend}|{q.Mode}|{q.Parallel.Name}|{q.DecodeParallel?.Name}"
        : $"{o.Row.Model}|{o.Row.System}|{o.Row.Backend}|{o.Row.Mode}|{o.Row.Agg}|{o.Row.Prefill}|{o.Row.Decode}";

    /// <summary>
    /// Rows of one measurement series: everything the row states but its concurrency (and its measurements), the
    /// backend version included, since one sweep is one build measured at several loads.
    /// </summary>
    public static string SweepKey(SiliconRow r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return r.Mode == "agg"
            ? $"{r.Model}|{r.System}|{r.Backend}|{r.BackendVersion}|{r.Precision}|{r.GemmQuant}|{r.MoeQuant}|agg|{r.Isl}|{r.Osl}|{r.Agg}"
            : $"{r.Model}|{r.System}|{r.Backend}|{r.BackendVersion}|{r.Precision}|{r.GemmQuant}|{r.MoeQuant}|disagg|{r.Isl}|{r.Osl}|{r.Prefill}|{r.Decode}|{r.PrefillBatchSize}|{r.PrefillWorkers}|{r.DecodeWorkers}";
    }

    private static string ModelKey(RowOutcome o) => o.Request is { Model: var m }
        ? $"{m.Architecture}|{m.NumLayers}|{m.HiddenSize}|{m.NumExperts}"
        : o.Row.Model;

    // FNV-1a: a fold assignment that is the same on every machine and every run (string.GetHashCode is randomised).
    private static uint Fnv1a(string s)
    {
        uint h = 2166136261;
        foreach (char c in s)
        {
            h = (h ^ c) * 16777619;
        }

        return h;
    }

    private static string F(double? v) => v?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty;

    private static string Pct(double? predicted, double? measured) =>
        predicted is double p && measured is > 0 ? (100 * (p - measured.Value) / measured.Value).ToString("F2", CultureInfo.InvariantCulture) : string.Empty;
}
