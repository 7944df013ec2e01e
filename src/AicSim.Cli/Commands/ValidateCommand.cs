using System.Globalization;
using AicSim.Cli.Rendering;
using AicSim.Core.Accuracy;
using AicSim.Core.Calibration;
using AicSim.Data.Calibration;
using AicSim.Data.Models;
using AicSim.Data.Systems;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AicSim.Cli.Commands;

/// <summary><c>aicsim validate</c>: predict measured rows and report coverage and error, plainly or cross-validated.</summary>
public sealed class ValidateCommand(IAnsiConsole console) : Command<ValidateSettings>
{
    public override int Execute(CommandContext context, ValidateSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Infrastructure.OutputPath.EnsureWritable("--output", settings.Output);
        Infrastructure.OutputPath.EnsureWritable("--plots", settings.Plots, isFolder: true);
        Infrastructure.OutputPath.EnsureWritable("--data-checks", settings.DataChecks);
        Infrastructure.OutputPath.EnsureWritable("--accuracy-out", settings.AccuracyOut);
        Infrastructure.OutputPath.EnsureWritable("--summary", settings.Summary);
        if (settings.PlannerData is not null)
        {
            return ValidatePlannerData(settings);
        }

        var rows = SiliconCsv.Read(settings.Silicon!, "--silicon");
        MeasurementCheck.Require(rows, settings.Silicon!, "--silicon", "validate against");

        bool fitted = settings.Folds > 0 || settings.FitBeforeDay is not null;
        var calibration = fitted ? CalibrationSet.None : CalibrationFile.Resolve(settings.Calibration);
        var predictor = new RowPredictor(new SiliconRowMapper(ModelCatalog.Load(configFolders: ModelConfigFolders.From(settings.ModelConfigs)), SystemCatalog.Load()), calibration, settings.PerfSource, settings.PerfDb, clientConnections: settings.ClientConnections);
        var progress = new Infrastructure.ConsoleLines(console);
        IReadOnlyList<RowOutcome> outcomes;
        string how, scope;
        if (settings.FitBeforeDay is DateOnly from)
        {
            var split = Validation.ForwardValidate(predictor, rows, from, settings.MaxEvaluations, progress);
            outcomes = split.Later;
            how = string.Create(CultureInfo.InvariantCulture, $"constants fitted on the {split.Fitted} complete rows of {split.Earlier} measured before {from:yyyy-MM-dd}");
            scope = string.Create(CultureInfo.InvariantCulture, $"The {outcomes.Count} rows measured on or after {from:yyyy-MM-dd}; {split.Undated} rows without a date took no part");
        }
        else
        {
            outcomes = settings.Folds > 0
                ? Validation.CrossValidate(predictor, rows, settings.Folds, settings.MaxEvaluations, progress, Grouping(settings.GroupBy), settings.FoldSeed)
                : Validation.Predict(predictor, rows);
            how = settings.Folds > 0 ? CrossValidationName(settings) : $"calibration: {calibration.FittedOn}{InSample(calibration, settings.Silicon!)}";
            scope = $"All {rows.Count} rows";
        }

        var all = Validation.Report(outcomes, targetOnly: false);
        string allTitle = $"{scope} ({how})";
        AccuracyTable.Render(console, allTitle, all);
        var target = Validation.Report(outcomes, targetOnly: true);
        string targetTitle = $"Target rows: complete configurations on {string.Join(", ", Validation.TargetSystems)}";
        AccuracyTable.Render(console, targetTitle, target);
        var findings = DataChecks.Find(outcomes);
        RenderDataChecks(findings, outcomes.Where(o => !o.Complete).Select(o => o.Row.Id).ToHashSet(StringComparer.Ordinal), settings.DataChecks);
        RenderUnflagged(outcomes, target, findings);
        RenderRepeatFloor(RepeatFloor.Of(outcomes, targetOnly: true));
        RenderSweepCurves(SweepCurveCheck.Of(Validation.Scored(outcomes, targetOnly: true)),
            settings.FitBeforeDay is not null ? ", fitted on earlier rows only," : settings.Folds > 0 ? ", cross-validated," : string.Empty);
        if (settings.Plots is not null)
        {
            Data.Plots.AccuracyPlots.Write(settings.Plots, Validation.Scored(outcomes, targetOnly: true), $"target rows ({how})");
            console.MarkupLine($"Plots: [bold]{Markup.Escape(string.Join(", ", Data.Plots.AccuracyPlots.FileNames.Select(f => Path.Combine(settings.Plots, f))))}[/]");
        }

        if (settings.AccuracyOut is not null)
        {
            // A system and framework with no runs of their own are priced by the backend's median group; how well, only
            // holding each such pair out whole says.
            var heldOutPairs = settings.GroupBy == "system-backend" ? outcomes
                : Validation.CrossValidate(predictor, rows, settings.Folds, settings.MaxEvaluations, progress, Validation.FoldGrouping.SystemBackend, settings.FoldSeed);
            WriteAccuracy(settings, outcomes, heldOutPairs);
        }

        if (settings.Output is not null)
        {
            Validation.WriteRows(settings.Output, outcomes);
            console.MarkupLine($"Per-row results: [bold]{Markup.Escape(settings.Output)}[/]");
        }

        if (settings.Summary is not null)
        {
            Data.AtomicFile.WriteText(settings.Summary, AccuracyJson.Serialize(settings.Silicon!, how, all, allTitle, target, targetTitle, findings));
            console.MarkupLine($"Report as JSON: [bold]{Markup.Escape(settings.Summary)}[/]");
        }

        return AicSimApp.ExitOk;
    }

    /// <summary>AicSim's planner data against the engines the Dynamo profiler measured (its online path).</summary>
    private int ValidatePlannerData(ValidateSettings settings)
    {
        var identity = settings.Model is null && settings.System is null && settings.Backend is null ? null
            : new Data.Dynamo.MeasuredEngineIdentity(
                settings.Model ?? throw new Core.Errors.AicSimException("--model: name the model the raw_data.npz files measured."),
                settings.System ?? throw new Core.Errors.AicSimException("--system: name the GPU system the raw_data.npz files were measured on."),
                settings.Backend ?? throw new Core.Errors.AicSimException("--backend: name the framework (trtllm, vllm or sglang) the raw_data.npz files measured."),
                settings.Tp ?? 1,
                settings.AttentionDp ?? 1,
                settings.BackendVersion ?? string.Empty);
        var engines = Data.Dynamo.PlannerDataReader.Read(settings.PlannerData!, identity);
        var calibration = CalibrationFile.Resolve(settings.Calibration);
        var checks = PlannerDataCheck.Run(engines, ModelCatalog.Load(configFolders: ModelConfigFolders.From(settings.ModelConfigs)), SystemCatalog.Load(), calibration, settings.PerfSource, settings.PerfDb, settings.KvQuant);
        PlannerDataTable.Render(console, checks, $"calibration: {calibration.FittedOn}");
        if (settings.Plots is not null)
        {
            var written = Data.Plots.PlannerDataPlots.Write(settings.Plots, checks);
            console.MarkupLine($"Plots: [bold]{Markup.Escape(string.Join(", ", written))}[/]");
        }

        if (settings.Output is not null)
        {
            PlannerDataCsv.Write(settings.Output, checks);
            console.MarkupLine($"Per-point results: [bold]{Markup.Escape(settings.Output)}[/]");
        }

        return AicSimApp.ExitOk;
    }

    /// <summary>
    /// Says so where the constants were fitted on this very file (its content hash is the calibration's): such a score
    /// is in sample and flatters; cross-validation scores each row with constants fitted without it.
    /// </summary>
    private static string InSample(CalibrationSet calibration, string silicon)
    {
        const string Tag = "sha256:";
        static string Hash(string fingerprint) => fingerprint[(fingerprint.LastIndexOf(Tag, StringComparison.Ordinal) + Tag.Length)..];
        return calibration.FittedOn.Contains(Tag, StringComparison.Ordinal) && Hash(calibration.FittedOn) == Hash(CalibrationFile.Fingerprint(silicon))
            ? "; in sample: these are the rows the constants were fitted on, so --folds 5 says how it does on rows it has not seen"
            : string.Empty;
    }

    /// <summary>The cross-validated accuracy cards, tied to the measurements (and so to the calibration fitted on them).</summary>
    private void WriteAccuracy(ValidateSettings settings, IReadOnlyList<RowOutcome> outcomes, IReadOnlyList<RowOutcome> heldOutPairs)
    {
        string method = CrossValidationName(settings);
        var cards = new AccuracyCards(CalibrationFile.Fingerprint(settings.Silicon!), method, AccuracyFile.PerfSourceKey(settings.PerfSource, settings.PerfDb),
            [.. Validation.Cards(outcomes), .. Validation.AnySystemCards(heldOutPairs)], CrossValidationName(settings, "system-backend"));
        string rerun = $"aicsim validate --silicon {settings.Silicon} --folds {settings.Folds}" +
            (settings.GroupBy == "configuration" ? string.Empty : $" --group-by {settings.GroupBy}") +
            (settings.FoldSeed == 0 ? string.Empty : $" --fold-seed {settings.FoldSeed.ToString(CultureInfo.InvariantCulture)}") +
            (settings.PerfSource == "auto" ? string.Empty : $" --perf-source {settings.PerfSource}") +
            (settings.PerfDb is null ? string.Empty : $" --perf-db {settings.PerfDb}") +
            (settings.MaxEvaluations == 400 ? string.Empty : $" --max-evaluations {settings.MaxEvaluations.ToString(CultureInfo.InvariantCulture)}") +
            $" --accuracy-out {settings.AccuracyOut}";
        AccuracyFile.Save(settings.AccuracyOut!, cards, rerun);
        int groups = cards.Cards.Count(c => c.Clients == ClientBand.Any && c.System != CalibrationGroup.AnySystem);
        int anySystem = cards.Cards.Count(c => c.Clients == ClientBand.Any && c.System == CalibrationGroup.AnySystem);
        console.MarkupLine($"Accuracy of {groups} (system, backend, mode) groups, {anySystem} (backend, mode) groups for systems without runs of their own, and {cards.Cards.Count - groups - anySystem} load bands within them: [bold]{Markup.Escape(settings.AccuracyOut!)}[/]");
    }

    /// <summary>What the rows' own numbers make doubtful; every row is still scored as it is.</summary>
    private void RenderDataChecks(IReadOnlyList<DataFinding> findings, IReadOnlySet<string> incomplete, string? path)
    {
        int twins = findings.Count(f => f.Check == DataChecks.SameAsOtherMapping);
        int disaggTwins = findings.Count(f => f.Check == DataChecks.SameAsDisaggregated);
        int fewInFlight = findings.Count(f => f.Check == DataChecks.FewInFlight);
        int clientCap = findings.Count(f => f.Check == DataChecks.ClientCap);
        int belowFloor = findings.Count(f => f.Check == DataChecks.BelowMemoryFloor);
        int assumed = findings.Count(f => f.Check == DataChecks.BelowMemoryFloor && incomplete.Contains(f.Id));
        int stalls = findings.Count(f => f.Check == DataChecks.TtftStall);
        string line = string.Create(CultureInfo.InvariantCulture,
            $"Data checks (every row is still scored): {twins} aggregated rows measure the same TPOT and TTFT (within {100 * DataChecks.TpotTolerance:F0}% and {100 * DataChecks.TtftTolerance:F0}%) " +
            $"as a row read as another configuration at the same load (one run under two labels?); {disaggTwins} as a disaggregated row at the same load (a disaggregated run labelled aggregated?); {fewInFlight} kept fewer than {100 * DataChecks.InFlightShare:F0}% of their clients in flight; " +
            $"{clientCap} of {DataChecks.CapClientsFactor * DataChecks.ClientConnections:F0} clients or more kept about {DataChecks.ClientConnections} in flight (a benchmark client's default {DataChecks.ClientConnections}-connection limit?); " +
            $"{belowFloor} measure a TPOT shorter than reading their weights and KV cache takes at the GPU's peak bandwidth ({assumed} of them under a deployment assumed for rows without batch sizes); " +
            $"{stalls} measure a TTFT at least {DataChecks.StallTtftJump:F0}× their sweep's growth in clients while TPOT and AicSim's prediction barely move (time outside the engine's steps?).");
        console.MarkupLine(Markup.Escape(line + (path is null && findings.Count > 0 ? " --data-checks FILE lists them." : string.Empty)));
        if (path is not null)
        {
            DataChecks.Write(path, findings);
            console.MarkupLine($"Data checks: [bold]{Markup.Escape(path)}[/]");
        }
    }

    /// <summary>
    /// The target rows' error without the rows a data check names: how much of it those rows carry. A view beside the
    /// score, not instead of it.
    /// </summary>
    private void RenderUnflagged(IReadOnlyList<RowOutcome> outcomes, AccuracyReport all, IReadOnlyList<DataFinding> findings)
    {
        var named = findings.Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
        var rest = Validation.Report(outcomes.Where(o => !named.Contains(o.Row.Id)).ToList(), targetOnly: true);
        int left = all.Ttft.Count - rest.Ttft.Count;
        if (left == 0)
        {
            return;
        }

        console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"Without the {left} target rows a data check names, the other {rest.Ttft.Count} score TTFT {rest.Ttft.MeanApePercent:F1}% and TPOT {rest.Tpot.MeanApePercent:F1}% MAPE " +
            $"(all {all.Ttft.Count}: {all.Ttft.MeanApePercent:F1}% and {all.Tpot.MeanApePercent:F1}%); the score above keeps them.")));
    }

    /// <summary>How much of the target rows' error no model can remove: repeats of one configuration that disagree.</summary>
    private void RenderRepeatFloor(RepeatFloor f)
    {
        if (f.Scored == 0)
        {
            return;
        }

        console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"Repeats: {f.Rows} target rows in {f.Configurations} configurations that AicSim reads alike measure differently; the best single prediction for each " +
            $"configuration would still miss them by TTFT {f.TtftRepeatMape:F1}% and TPOT {f.TpotRepeatMape:F1}% (MAPE). Over all {f.Scored} target rows no prediction can score " +
            $"below TTFT {f.TtftFloor:F1}% and TPOT {f.TpotFloor:F1}%.")));
    }

    /// <summary>How irregular the target rows are along their own sweeps: what their neighbours' line misses, against the model.</summary>
    private void RenderSweepCurves(SweepCurveCheck c, string howFitted)
    {
        if (c.Curve.Ttft.Count == 0)
        {
            console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"Sweeps against themselves: no target rows lie inside a sweep measured at {SweepCurveCheck.MinConcurrencies} or more concurrencies, so there is no line to hold the model against.")));
            return;
        }

        console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"Sweeps against themselves: in the {c.Curve.Ttft.Count} target rows of {c.Sweeps} sweeps measured at {SweepCurveCheck.MinConcurrencies} or more concurrencies, the line " +
            $"(log–log) through each inner concurrency's two neighbours in its sweep (knowing the sweep's own level, which no prediction does) predicts it with TTFT MAPE " +
            $"{c.Curve.Ttft.MeanApePercent:F1}% (median {c.Curve.Ttft.MedianApePercent:F1}%) and TPOT {c.Curve.Tpot.MeanApePercent:F1}% ({c.Curve.Tpot.MedianApePercent:F1}%); " +
            $"AicSim{howFitted} scores {c.Model.Ttft.MeanApePercent:F1}% ({c.Model.Ttft.MedianApePercent:F1}%) and " +
            $"{c.Model.Tpot.MeanApePercent:F1}% ({c.Model.Tpot.MedianApePercent:F1}%) on the same rows.")));
    }

    private static string CrossValidationName(ValidateSettings settings, string? groupBy = null) =>
        $"{settings.Folds}-fold cross-validation grouped by {groupBy ?? settings.GroupBy}" +
        (settings.FoldSeed == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" (fold seed {settings.FoldSeed})"));

    private static Validation.FoldGrouping Grouping(string name) =>
        name switch
        {
            "model" => Validation.FoldGrouping.Model,
            "system-backend" => Validation.FoldGrouping.SystemBackend,
            _ => Validation.FoldGrouping.Configuration,
        };
}
