using AicSim.Core.Profiling;
using ScottPlot;

namespace AicSim.Data.Plots;

/// <summary>The profiler's PNG plots (DOMAIN.md §3), titled, with units, and with the SLA target drawn.</summary>
public static class ProfilePlots
{
    private const int Width = 900;
    private const int Height = 600;

    /// <summary>prefill_performance.png: TTFT against prefill throughput per GPU, a point per mapping, the TTFT target as a line.</summary>
    public static void PrefillPerformance(string path, ProfileResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var plot = new Plot();
        foreach (var p in result.Prefill)
        {
            var s = plot.Add.Scatter(new[] { p.TtftMs }, new[] { p.ThroughputPerGpu });
            s.LegendText = p.Mapping.Name;
            s.MarkerSize = 10;
        }

        Target(plot.Add.VerticalLine(result.Request.TtftMs), "TTFT", result.Request.TtftMs);
        Finish(plot, $"Prefill: {result.Request.Model.ShortName}, ISL {result.Request.Isl} on {result.Request.System.Name}", "TTFT (ms)", "prefill throughput (tokens/s/GPU)", path);
    }

    /// <summary>decode_performance.png: ITL against output throughput per GPU, a line per mapping, the ITL target as a line.</summary>
    public static void DecodePerformance(string path, ProfileResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var plot = new Plot();
        foreach (var group in result.Decode.GroupBy(d => d.Mapping))
        {
            var s = plot.Add.Scatter(group.Select(d => d.ItlMs).ToArray(), group.Select(d => d.ThroughputPerGpu).ToArray());
            s.LegendText = group.Key.Name;
        }

        Target(plot.Add.VerticalLine(result.Request.ItlMs), "ITL", result.Request.ItlMs);
        Finish(plot, $"Decode: {result.Request.Model.ShortName}, ISL {result.Request.Isl} OSL {result.Request.Osl} on {result.Request.System.Name}", "ITL (ms)", "output throughput (tokens/s/GPU)", path);
    }

    public static void PrefillTtftInterpolation(string path, ProfileResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var plot = new Plot();
        var d = result.PrefillInterpolation;
        var s = plot.Add.Scatter(d.Isl.Select(x => (double)x).ToArray(), d.TtftMs);
        s.LegendText = $"{result.PrefillChoice.Point.Mapping.Name} (predicted)";
        Target(plot.Add.HorizontalLine(result.Request.TtftMs), "TTFT", result.Request.TtftMs);
        Finish(plot, "Selected prefill engine: TTFT against ISL", "ISL (tokens)", "TTFT (ms)", path);
    }

    public static void PrefillThroughputInterpolation(string path, ProfileResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var plot = new Plot();
        var d = result.PrefillInterpolation;
        var s = plot.Add.Scatter(d.Isl.Select(x => (double)x).ToArray(), d.ThroughputPerGpu);
        s.LegendText = $"{result.PrefillChoice.Point.Mapping.Name} (predicted)";
        Finish(plot, "Selected prefill engine: throughput against ISL", "ISL (tokens)", "prefill throughput (tokens/s/GPU)", path);
    }

    /// <summary>decode_itl_interplation.png (the guide's spelling): ITL against KV usage, a line per context length.</summary>
    public static void DecodeItlInterpolation(string path, ProfileResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        DecodeByContext(path, result, d => d.ItlMs, "ITL (ms)", "Selected decode engine: ITL against KV-cache usage", result.Request.ItlMs);
    }

    public static void DecodeThroughputInterpolation(string path, ProfileResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        DecodeByContext(path, result, d => d.ThroughputPerGpu, "output throughput (tokens/s/GPU)", "Selected decode engine: throughput against KV-cache usage", null);
    }

    private static void DecodeByContext(string path, ProfileResult result, Func<DecodeInterpolation, double[]> values, string yLabel, string title, double? target)
    {
        var plot = new Plot();
        var d = result.DecodeInterpolation;
        var ys = values(d);
        foreach (var context in d.ContextLength.Distinct())
        {
            var idx = Enumerable.Range(0, d.ContextLength.Length).Where(i => d.ContextLength[i] == context).ToArray();
            var s = plot.Add.Scatter(idx.Select(i => d.KvUsage[i] * 100).ToArray(), idx.Select(i => ys[i]).ToArray());
            s.LegendText = $"context {context:F0}";
        }

        if (target is double t)
        {
            Target(plot.Add.HorizontalLine(t), "ITL", t);
        }

        Finish(plot, $"{title} ({result.DecodeChoice.Point.Mapping.Name})", "KV-cache usage (%)", yLabel, path);
    }

    /// <summary>An SLA target drawn as a dashed line, named in the legend.</summary>
    private static void Target(ScottPlot.Plottables.AxisLine line, string metric, double ms)
    {
        line.LegendText = $"{metric} target {ms:G} ms";
        line.LinePattern = LinePattern.Dashed;
    }

    private static void Finish(Plot plot, string title, string x, string y, string path) =>
        PlotFile.Save(plot, title, x, y, path, Width, Height, Alignment.UpperRight);
}
