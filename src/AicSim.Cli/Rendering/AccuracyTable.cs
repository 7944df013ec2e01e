using System.Globalization;
using AicSim.Core.Accuracy;
using Spectre.Console;

namespace AicSim.Cli.Rendering;

/// <summary>An accuracy report as tables: overall, then by system, backend, mode, model and system/backend/mode.</summary>
internal static class AccuracyTable
{
    public static void Render(IAnsiConsole console, string title, AccuracyReport report)
    {
        console.MarkupLine($"[bold]{Markup.Escape(title)}[/]: {report.PredictedRows} of {report.Rows} predicted ({P(report.Coverage * 100)} coverage)");
        var table = new Table().AddColumns("slice", "rows", "predicted", "TTFT MAPE", "TTFT median", "TTFT ≤10% / ≤25%", "TPOT MAPE", "TPOT median", "TPOT ≤10% / ≤25%");
        Row(table, "all", report.Rows, report.PredictedRows, report.Ttft, report.Tpot);
        foreach (var g in report.Groups)
        {
            Row(table, $"{g.Dimension}: {g.Value}", g.Rows, g.PredictedRows, g.Ttft, g.Tpot);
        }

        console.Write(table);
        if (report.SweepTpot.Count > 0)
        {
            console.MarkupLine(
                $"Within sweeps ({I(report.SweepTpot.Count)} rows in series that differ only in concurrency, each series' own bias removed): " +
                $"TTFT MAPE {P(report.SweepTtft.MeanApePercent)}, TPOT MAPE {P(report.SweepTpot.MeanApePercent)}; the rest of the error above is the level of whole series.");
        }
    }

    private static void Row(Table table, string name, int rows, int predicted, ErrorSummary ttft, ErrorSummary tpot) =>
        table.AddRow(Markup.Escape(name), I(rows), I(predicted), P(ttft.MeanApePercent), P(ttft.MedianApePercent), $"{P(ttft.Within10Percent * 100)} / {P(ttft.Within25Percent * 100)}",
            P(tpot.MeanApePercent), P(tpot.MedianApePercent), $"{P(tpot.Within10Percent * 100)} / {P(tpot.Within25Percent * 100)}");

    private static string P(double v) => double.IsNaN(v) ? "-" : v.ToString("F1", CultureInfo.InvariantCulture) + "%";

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
