using System.Text.Json;
using System.Text.Json.Serialization;
using AicSim.Core.Accuracy;
using AicSim.Data.Calibration;

namespace AicSim.Cli.Rendering;

/// <summary>
/// The report <c>validate</c> prints, as JSON (<c>--summary</c>): for a script or a CI job that gates on accuracy
/// without parsing tables. snake_case keys, percentages in <c>_pct</c> fields, a value that cannot be computed (a
/// slice without a measurement, an interval of one configuration) as null, never left out and never NaN, which JSON has
/// no word for.
/// </summary>
internal static class AccuracyJson
{
    /// <summary>Bumped when a field changes meaning or goes away; new fields keep it.</summary>
    public const int Version = 1;

    public static string Serialize(string input, string method, AccuracyReport all, string allTitle, AccuracyReport target, string targetTitle, IReadOnlyList<DataFinding> findings)
    {
        var doc = new
        {
            Version,
            ToolVersion = Data.ToolVersion.Current,
            Input = input,
            Method = method,
            Reports = new { All = Report(allTitle, all), Target = Report(targetTitle, target) },
            DataChecks = new[] { DataChecks.SameAsOtherMapping, DataChecks.SameAsDisaggregated, DataChecks.FewInFlight, DataChecks.ClientCap, DataChecks.BelowMemoryFloor, DataChecks.TtftStall }
                .ToDictionary(check => check, check => findings.Count(f => f.Check == check)),
        };
        return JsonSerializer.Serialize(doc, JsonOutput.AllFields);
    }

    private static object Report(string title, AccuracyReport r) => new
    {
        Title = title,
        r.Rows,
        r.PredictedRows,
        Coverage = r.Rows == 0 ? (double?)null : r.Coverage,
        Ttft = Metric(r.Ttft, r.TtftInterval),
        Tpot = Metric(r.Tpot, r.TpotInterval),
        WithinSweeps = r.SweepTpot.Count == 0 ? null : new
        {
            Rows = r.SweepTpot.Count,
            TtftMapePct = N(r.SweepTtft.MeanApePercent),
            TpotMapePct = N(r.SweepTpot.MeanApePercent),
        },
        Slices = r.Groups.Select(g => new
        {
            g.Dimension,
            g.Value,
            g.Rows,
            g.PredictedRows,
            Ttft = Metric(g.Ttft, g.TtftInterval),
            Tpot = Metric(g.Tpot, g.TpotInterval),
        }),
    };

    private static MetricDoc Metric(ErrorSummary e, MapeInterval? interval) => new(
        e.Count,
        N(e.MeanApePercent),
        N(e.MedianApePercent),
        N(e.Within10Percent * 100),
        N(e.Within25Percent * 100),
        N(e.MedianRatio),
        interval is null ? null : new IntervalDoc(MapeInterval.Level, interval.LowPercent, interval.HighPercent, interval.Clusters, interval.Draws));

    private sealed record MetricDoc(
        int Scored,
        double? MapePct,
        double? MedianApePct,
        [property: JsonPropertyName("within_10_pct")] double? Within10Pct,
        [property: JsonPropertyName("within_25_pct")] double? Within25Pct,
        double? MedianRatio,
        IntervalDoc? MapeInterval);

    private sealed record IntervalDoc(double Level, double LowPct, double HighPct, int Configurations, int Draws);

    private static double? N(double v) => double.IsNaN(v) || double.IsInfinity(v) ? null : v;
}
