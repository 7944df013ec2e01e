using System.Globalization;
using AicSim.Core.Accuracy;
using Spectre.Console;

namespace AicSim.Cli.Rendering;

/// <summary>An accuracy report as tables: overall, then by system, backend, mode, model, system/backend/mode, concurrency and shape.</summary>
internal static class AccuracyTable
{
    public static void Render(IAnsiConsole console, string title, AccuracyReport report)
    {
        if (report.Rows == 0)
        {
            console.MarkupLine($"[bold]{Markup.Escape(title)}[/]: none in this file.");
            return;
        }

        console.MarkupLine($"[bold]{Markup.Escape(title)}[/]: {report.PredictedRows} of {report.Rows} predicted ({P(report.Coverage * 100)} coverage)");
        var table = new Table().AddColumns("slice", "rows", "pred.", "TTFT MAPE", "median", "≤10/≤25%", "bias", "TPOT MAPE", "median", "≤10/≤25%", "bias");
        Row(table, "all", report.Rows, report.PredictedRows, report.Ttft, report.Tpot);
        foreach (var g in report.Groups)
        {
            Row(table, $"{g.Dimension}: {g.Value}", g.Rows, g.PredictedRows, g.Ttft, g.Tpot);
        }

        console.Write(table);
        if (report.Ttft.Count != report.PredictedRows || report.Tpot.Count != report.PredictedRows)
        {
            console.MarkupLine($"Of the {I(report.PredictedRows)} rows predicted, {I(report.Ttft.Count)} measured TTFT and {I(report.Tpot.Count)} TPOT: each metric is scored over the rows that measured it.");
        }

        if (report.TtftInterval is { } ti && report.TpotInterval is { } pi)
        {
            string clusters = ti.Clusters == pi.Clusters ? I(ti.Clusters) : $"{I(ti.Clusters)} (TTFT) and {I(pi.Clusters)} (TPOT)";
            console.MarkupLine(
                $"Redrawing the {clusters} configurations ({I(ti.Draws)} draws with replacement; a configuration: model, system, backend, mode and mapping): " +
                $"{(MapeInterval.Level * 100).ToString("F0", CultureInfo.InvariantCulture)}% of the draws score TTFT MAPE {P(ti.LowPercent)}–{P(ti.HighPercent)} and TPOT MAPE {P(pi.LowPercent)}–{P(pi.HighPercent)}, " +
                "how much the scores above owe to which configurations were measured.");
        }

        if (report.SweepTpot.Count > 0)
        {
            console.MarkupLine(
                $"Within sweeps ({I(report.SweepTpot.Count)} rows in series that differ only in concurrency, each series' own bias removed): " +
                $"TTFT MAPE {P(report.SweepTtft.MeanApePercent)}, TPOT MAPE {P(report.SweepTpot.MeanApePercent)}; the rest of the error above is the level of whole series.");
        }
    }

    private static void Row(Table table, string name, int rows, int predicted, ErrorSummary ttft, ErrorSummary tpot) =>
        table.AddRow(Markup.Escape(name), I(rows), I(predicted), P(ttft.MeanApePercent), P(ttft.MedianApePercent), Shares(ttft), X(ttft.MedianRatio),
            P(tpot.MeanApePercent), P(tpot.MedianApePercent), Shares(tpot), X(tpot.MedianRatio));

    // The median of predicted / measured, as a factor: ×0.58 is under-predicted by 42 % at the median.
    private static string X(double v) => double.IsNaN(v) ? "-" : "×" + v.ToString("F2", CultureInfo.InvariantCulture);

    // Shares of rows within 10 % and within 25 %, in percent.
    private static string Shares(ErrorSummary e) =>
        double.IsNaN(e.Within10Percent) ? "-" : string.Create(CultureInfo.InvariantCulture, $"{e.Within10Percent * 100:F1}/{e.Within25Percent * 100:F1}");

    private static string P(double v) => double.IsNaN(v) ? "-" : v.ToString("F1", CultureInfo.InvariantCulture) + "%";

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
