using System.Globalization;
using AicSim.Core.Accuracy;
using AicSim.Data.Calibration;
using Spectre.Console;

namespace AicSim.Cli.Rendering;

/// <summary>`validate --planner-data`: per measured engine, prefill TTFT and decode ITL error, KV capacity, then all engines.</summary>
internal static class PlannerDataTable
{
    public static void Render(IAnsiConsole console, IReadOnlyList<PlannerEngineCheck> checks, string how)
    {
        console.MarkupLine($"[bold]Against the Dynamo profiler's measured engines[/] ({I(checks.Count)} engine{(checks.Count == 1 ? string.Empty : "s")}; {Markup.Escape(how)})");
        var table = new Table().AddColumns("engine", "prefill points", "TTFT MAPE", "median", "bias", "decode points", "ITL MAPE", "median", "bias", "max KV tokens (recorded / predicted)");
        foreach (var c in checks)
        {
            var m = c.Measured;
            var p = c.Prefill;
            var d = c.Decode;
            table.AddRow(
                Markup.Escape($"{m.Model} {m.System} {m.Backend} {m.BackendVersion} {m.Mapping}"),
                I(p.Count), P(p.MeanApePercent), P(p.MedianApePercent), X(p.MedianRatio),
                I(d.Count), P(d.MeanApePercent), P(d.MedianApePercent), X(d.MedianRatio),
                string.Create(CultureInfo.InvariantCulture, $"{m.MaxKvTokens:N0} / {c.PredictedMaxKvTokens:N0} ({c.MaxKvTokensErrorPercent:+0.0;-0.0}%)"));
        }

        var prefill = ErrorSummary.Of(checks.SelectMany(c => c.Points).Where(p => p.Kind == "prefill").Select(p => (p.PredictedMs, p.MeasuredMs)));
        var decode = ErrorSummary.Of(checks.SelectMany(c => c.Points).Where(p => p.Kind == "decode").Select(p => (p.PredictedMs, p.MeasuredMs)));
        table.AddRow("[bold]all[/]", I(prefill.Count), P(prefill.MeanApePercent), P(prefill.MedianApePercent), X(prefill.MedianRatio),
            I(decode.Count), P(decode.MeanApePercent), P(decode.MedianApePercent), X(decode.MedianRatio), "-");
        console.Write(table);
        foreach (var c in checks)
        {
            console.MarkupLine($"{Markup.Escape(c.Measured.Mapping)} of {Markup.Escape(c.Measured.Model)}: {Markup.Escape(c.KvReading)}.");
        }
    }

    private static string X(double v) => double.IsNaN(v) ? "-" : "×" + v.ToString("F2", CultureInfo.InvariantCulture);

    private static string P(double v) => double.IsNaN(v) ? "-" : v.ToString("F1", CultureInfo.InvariantCulture) + "%";

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
