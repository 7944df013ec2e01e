using System.Globalization;
using AicSim.Data.Calibration;
using ScottPlot;

namespace AicSim.Data.Plots;

/// <summary>
/// `validate --planner-data --plots`: per measured engine, the profiler's measurements as markers and AicSim's
/// predictions of the same points as lines: prefill TTFT against ISL, and decode ITL against the KV cache in use (the
/// planner's x_kv_usage, so every context spans the same axis), a colour per context length.
/// </summary>
public static class PlannerDataPlots
{
    private const int Width = 900;
    private const int Height = 650;

    /// <summary>Writes two PNGs per engine into <paramref name="directory"/> and returns their paths.</summary>
    public static IReadOnlyList<string> Write(string directory, IReadOnlyList<PlannerEngineCheck> checks)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(checks);
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        foreach (var c in checks)
        {
            string stem = FileStem(c);
            written.Add(Prefill(Path.Combine(directory, stem + "_prefill.png"), c));
            written.Add(Decode(Path.Combine(directory, stem + "_decode.png"), c));
        }

        return written;
    }

    /// <summary>model_system_backend_mapping, safe as a file name.</summary>
    public static string FileStem(PlannerEngineCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        var m = check.Measured;
        string raw = $"{m.Model.Split('/')[^1]}_{m.System}_{m.Backend}_{m.Mapping.Replace(' ', '_')}";
        return string.Concat(raw.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-' or '_' ? ch : '_'));
    }

    private static string Prefill(string path, PlannerEngineCheck c)
    {
        var plot = new Plot();
        var points = c.Points.Where(p => p.Kind == "prefill").OrderBy(p => p.Isl).ToList();
        var measured = plot.Add.ScatterPoints(points.Select(p => (double)p.Isl).ToArray(), points.Select(p => p.MeasuredMs).ToArray());
        measured.LegendText = "measured (Dynamo profiler)";
        measured.MarkerSize = 8;
        var predicted = plot.Add.ScatterLine(points.Select(p => (double)p.Isl).ToArray(), points.Select(p => p.PredictedMs).ToArray());
        predicted.LegendText = "predicted (AicSim)";
        plot.Axes.SetLimitsY(0, 1.05 * points.Select(p => Math.Max(p.MeasuredMs, p.PredictedMs)).DefaultIfEmpty(1).Max());
        string title = string.Create(CultureInfo.InvariantCulture, $"{Name(c)}\nprefill TTFT at batch 1: MAPE {c.Prefill.MeanApePercent:F1}%");
        PlotFile.Save(plot, title, "prompt tokens (ISL)", "TTFT (ms)", path, Width, Height, Alignment.UpperLeft);
        return path;
    }

    private static string Decode(string path, PlannerEngineCheck c)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int k = 0;
        foreach (var group in c.Points.Where(p => p.Kind == "decode").GroupBy(p => p.Context).OrderBy(g => g.Key))
        {
            var color = palette.GetColor(k++);
            var points = group.OrderBy(p => p.Requests).ToList();
            var x = points.Select(p => p.Requests * p.Context / c.Measured.MaxKvTokens).ToArray();
            var measured = plot.Add.ScatterPoints(x, points.Select(p => p.MeasuredMs).ToArray());
            measured.Color = color;
            measured.MarkerSize = 7;
            measured.LegendText = string.Create(CultureInfo.InvariantCulture, $"context {group.Key:F0}: measured");
            var predicted = plot.Add.ScatterLine(x, points.Select(p => p.PredictedMs).ToArray());
            predicted.Color = color;
            predicted.LinePattern = LinePattern.Dashed;
            predicted.LegendText = "predicted";
        }

        var all = c.Points.Where(p => p.Kind == "decode").ToList();
        plot.Axes.SetLimitsY(0, 1.05 * all.Select(p => Math.Max(p.MeasuredMs, p.PredictedMs)).DefaultIfEmpty(1).Max());
        string title = string.Create(CultureInfo.InvariantCulture, $"{Name(c)}\ndecode ITL: MAPE {c.Decode.MeanApePercent:F1}%");
        plot.Title(title);
        plot.XLabel($"KV cache in use (requests × context / recorded max_kv_tokens {c.Measured.MaxKvTokens:N0})");
        plot.YLabel("ITL (ms)");
        plot.ShowLegend(Edge.Right);
        plot.SavePng(path, Width + 250, Height);
        return path;
    }

    private static string Name(PlannerEngineCheck c) => $"{c.Measured.Model} {c.Measured.Mapping}, {c.Measured.System} {c.Measured.Backend} {c.Measured.BackendVersion}";
}
