using System.Globalization;
using AicSim.Core.Accuracy;
using ScottPlot;

namespace AicSim.Data.Plots;

/// <summary>
/// Predicted against measured TTFT and TPOT, one PNG each: log–log axes (the measurements span four decades), a colour
/// per backend, the diagonal and the ±25% band drawn, the MAPE in the title.
/// </summary>
public static class AccuracyPlots
{
    private const int Width = 900;
    private const int Height = 800;

    /// <summary>The file names written into the plot folder.</summary>
    public static IReadOnlyList<string> FileNames { get; } = ["accuracy_ttft.png", "accuracy_tpot.png"];

    /// <summary>Writes accuracy_ttft.png and accuracy_tpot.png into <paramref name="directory"/> for the predicted rows.</summary>
    public static void Write(string directory, IReadOnlyList<ScoredRow> rows, string subtitle)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(rows);
        Directory.CreateDirectory(directory);
        // Each plot holds the rows that measured and predicted its metric.
        One(Path.Combine(directory, FileNames[0]), rows.Where(r => r.MeasuredTtftMs > 0 && r.PredictedTtftMs > 0).ToList(), r => (r.PredictedTtftMs!.Value, r.MeasuredTtftMs!.Value), "TTFT", subtitle);
        One(Path.Combine(directory, FileNames[1]), rows.Where(r => r.MeasuredTpotMs > 0 && r.PredictedTpotMs > 0).ToList(), r => (r.PredictedTpotMs!.Value, r.MeasuredTpotMs!.Value), "TPOT", subtitle);
    }

    private static void One(string path, List<ScoredRow> rows, Func<ScoredRow, (double Predicted, double Measured)> pick, string metric, string subtitle)
    {
        var plot = new Plot();
        var pairs = rows.Select(pick).ToList();
        foreach (var backend in rows.Select(r => r.Backend).Distinct().Order(StringComparer.Ordinal))
        {
            var own = rows.Where(r => r.Backend == backend).Select(pick).ToList();
            var s = plot.Add.ScatterPoints(own.Select(p => Math.Log10(p.Measured)).ToArray(), own.Select(p => Math.Log10(p.Predicted)).ToArray());
            s.LegendText = $"{backend} ({own.Count})";
            s.MarkerSize = 4;
        }

        if (pairs.Count > 0)
        {
            double lo = Math.Floor(Math.Log10(pairs.Min(p => Math.Min(p.Predicted, p.Measured))));
            double hi = Math.Ceiling(Math.Log10(pairs.Max(p => Math.Max(p.Predicted, p.Measured))));
            Diagonal(plot, lo, hi, 0, "predicted = measured", LinePattern.Solid);
            Diagonal(plot, lo, hi, Math.Log10(1.25), "±25%", LinePattern.Dashed);
            Diagonal(plot, lo, hi, Math.Log10(1 / 1.25), null, LinePattern.Dashed);
            plot.Axes.SetLimits(lo, hi + 0.15, lo, hi + 0.05); // room for the last decade's label
        }

        LogAxis(plot.Axes.Bottom);
        LogAxis(plot.Axes.Left);
        double mape = ErrorSummary.Of(pairs).MeanApePercent;
        string title = string.Create(CultureInfo.InvariantCulture, $"{metric}: predicted against measured, {pairs.Count} rows, MAPE {mape:F1}%\n{subtitle}");
        PlotFile.Save(plot, title, $"measured {metric} (ms)", $"predicted {metric} (ms)", path, Width, Height, Alignment.UpperLeft);
    }

    private static void Diagonal(Plot plot, double lo, double hi, double offset, string? legend, LinePattern pattern)
    {
        var line = plot.Add.Line(lo, lo + offset, hi, hi + offset);
        line.LinePattern = pattern;
        line.Color = Colors.Gray;
        if (legend is not null)
        {
            line.LegendText = legend;
        }
    }

    // Data are plotted as log10 values; the ticks say what they stand for, a decade apart, with minor ticks between.
    private static void LogAxis(IAxis axis)
    {
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = v => Math.Pow(10, v).ToString("#,0.###", CultureInfo.InvariantCulture),
        };
    }
}
