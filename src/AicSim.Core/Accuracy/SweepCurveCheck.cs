namespace AicSim.Core.Accuracy;

/// <summary>
/// How smooth the measurements are along their own sweeps, as a yardstick for any load model: in each sweep measured at
/// three or more concurrencies, every inner concurrency (not its lowest or highest) is predicted from its two neighbours
/// alone, by the straight line in log–log through the nearest lower and the nearest higher concurrency (the geometric mean
/// of their runs where a concurrency was measured more than once). That line knows the sweep's own level, which no
/// prediction from a configuration does, and assumes only that a measurement lies between its neighbours' trend; where it
/// misses, the measurements jump. (A single power law through all of a sweep's points was the yardstick before: it also
/// missed the bend of a TTFT that is flat at low load and climbs at high load, and read that bend as irregularity.)
/// </summary>
/// <param name="Sweeps">Sweeps with three or more distinct concurrencies.</param>
/// <param name="Curve">The neighbours' lines' error on TTFT and TPOT over those sweeps' inner rows.</param>
/// <param name="Model">The predictions' error on the same rows.</param>
public sealed record SweepCurveCheck(int Sweeps, (ErrorSummary Ttft, ErrorSummary Tpot) Curve, (ErrorSummary Ttft, ErrorSummary Tpot) Model)
{
    /// <summary>Distinct concurrencies a sweep needs: one to predict and a neighbour on each side.</summary>
    public const int MinConcurrencies = 3;

    public static SweepCurveCheck Of(IReadOnlyList<ScoredRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var sweeps = rows
            .Where(r => r.Predicted && r.Sweep.Length > 0 && r.Concurrency > 0 && r.MeasuredTtftMs > 0 && r.MeasuredTpotMs > 0)
            .GroupBy(r => r.Sweep, StringComparer.Ordinal)
            .Select(g => g.ToList())
            .Where(s => s.Select(r => r.Concurrency).Distinct().Count() >= MinConcurrencies)
            .ToList();
        var curveTtft = new List<(double, double)>();
        var curveTpot = new List<(double, double)>();
        var held = new List<ScoredRow>();
        foreach (var sweep in sweeps)
        {
            var loads = sweep.Select(r => r.Concurrency).Distinct().Order().ToArray();
            for (int i = 1; i < loads.Length - 1; i++)
            {
                var (below, above) = (At(sweep, loads[i - 1]), At(sweep, loads[i + 1]));
                double ttft = NeighboursLine((loads[i - 1], below.Ttft), (loads[i + 1], above.Ttft), loads[i]);
                double tpot = NeighboursLine((loads[i - 1], below.Tpot), (loads[i + 1], above.Tpot), loads[i]);
                foreach (var r in sweep.Where(r => r.Concurrency == loads[i]))
                {
                    curveTtft.Add((ttft, r.MeasuredTtftMs!.Value));
                    curveTpot.Add((tpot, r.MeasuredTpotMs!.Value));
                    held.Add(r);
                }
            }
        }

        return new SweepCurveCheck(
            sweeps.Count,
            (ErrorSummary.Of(curveTtft), ErrorSummary.Of(curveTpot)),
            (ErrorSummary.Of(held.Select(r => (r.PredictedTtftMs!.Value, r.MeasuredTtftMs!.Value))), ErrorSummary.Of(held.Select(r => (r.PredictedTpotMs!.Value, r.MeasuredTpotMs!.Value)))));
    }

    /// <summary>
    /// The value at <paramref name="concurrency"/> of the straight line in log–log through two points, x = x₁·(c/c₁)^b with
    /// b = ln(x₂/x₁) / ln(c₂/c₁): a power law through the two neighbours.
    /// </summary>
    public static double NeighboursLine((int Concurrency, double Value) low, (int Concurrency, double Value) high, int concurrency)
    {
        if (low.Concurrency == high.Concurrency)
        {
            throw new ArgumentException("a line needs two distinct concurrencies", nameof(high));
        }

        double b = Math.Log(high.Value / low.Value) / Math.Log((double)high.Concurrency / low.Concurrency);
        return low.Value * Math.Pow((double)concurrency / low.Concurrency, b);
    }

    // A concurrency's runs as one point: the geometric mean of their measurements.
    private static (double Ttft, double Tpot) At(List<ScoredRow> sweep, int concurrency)
    {
        var runs = sweep.Where(r => r.Concurrency == concurrency).ToList();
        return (Math.Exp(runs.Average(r => Math.Log(r.MeasuredTtftMs!.Value))), Math.Exp(runs.Average(r => Math.Log(r.MeasuredTpotMs!.Value))));
    }
}
