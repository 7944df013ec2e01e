using System.Globalization;
using AicSim.Core.Calibration;
using AicSim.Data.Calibration;
using AicSim.Data.Models;
using AicSim.Data.Systems;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AicSim.Cli.Commands;

/// <summary><c>aicsim calibrate</c>: fit each (system, backend)'s constants to measurements and write a calibration file.</summary>
public sealed class CalibrateCommand(IAnsiConsole console) : Command<ValidateSettings>
{
    public override int Execute(CommandContext context, ValidateSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Silicon is null)
        {
            throw new Core.Errors.AicSimException("calibrate fits on --silicon rows (a CSV in the layout of silicon_calibration.csv); --planner-data is a check, for aicsim validate.");
        }

        Infrastructure.OutputPath.EnsureWritable("--out", settings.Out ?? CalibrationFile.DefaultPath);
        var rows = SiliconCsv.Read(settings.Silicon!, "--silicon");
        MeasurementCheck.Require(rows, settings.Silicon!, "--silicon", "fit");
        // Fitted through the perf source the estimates will use (auto: a framework's own tables where present, else the
        // roofline), so that the constants are those of that estimator.
        var predictor = new RowPredictor(new SiliconRowMapper(ModelCatalog.Load(configFolders: ModelConfigFolders.From(settings.ModelConfigs)), SystemCatalog.Load()), CalibrationSet.None, settings.PerfSource, settings.PerfDb);
        var samples = Validation.Samples(Validation.Predict(predictor, rows));
        var systems = samples.Select(x => x.Request.System.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        console.MarkupLine($"Fitting on {samples.Count} complete rows of {rows.Count} (systems {string.Join(", ", systems)}).");
        var set = Calibrator.Fit(samples, CalibrationFile.Fingerprint(settings.Silicon!), settings.MaxEvaluations, estimators: predictor.Estimators, progress: new Infrastructure.ConsoleLines(console));
        string path = settings.Out ?? CalibrationFile.DefaultPath;
        CalibrationFile.Save(path, set);

        var table = new Table().AddColumns("system", "backend", "rows", "memory eff.", "GEMM eff.", "request overhead µs/kernel", "layer overhead µs", "arrival sync.", "disagg overhead ms", "TTFT decode steps", "prefill interference");
        foreach (var g in set.Groups)
        {
            table.AddRow(g.System, g.Backend, I(g.Rows), D(g.MemoryEfficiency), D(g.GemmEfficiency), D(g.RequestOverheadPerKernelUs), D(g.LayerOverheadUs), D(g.ArrivalSynchronisation), D(g.DisaggTtftOverheadMs), D(g.TtftDecodeSteps), D(g.PrefillInterference));
        }

        console.Write(table);
        console.MarkupLine($"Wrote [bold]{Markup.Escape(path)}[/]. A (system, backend) with fewer than {Calibrator.MinRows} rows, or none, takes its backend's median group (system {CalibrationGroup.AnySystem}), where {Calibrator.MinGroupsForAnySystem} or more were fitted; else the defaults.");
        // A file written anywhere but where estimates look (beside the program, or AICSIM_DATA_DIR) is not picked up
        // by itself: say how to use it, rather than let the next estimate run on the old constants unnoticed.
        if (!string.Equals(Path.GetFullPath(path), Path.GetFullPath(CalibrationFile.DefaultPath), StringComparison.Ordinal))
        {
            console.MarkupLine($"This build's estimates load {Markup.Escape(CalibrationFile.DefaultPath)}: pass [bold]--calibration {Markup.Escape(path)}[/] to use this file (a checkout's systems-data/ is copied there at its next build).");
        }

        return AicSimApp.ExitOk;
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string D(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
