namespace AicSim.Core.Accuracy;

/// <summary>
/// How regular the measurements are along their own sweeps, as a yardstick for any load model: each sweep measured at
/// three or more concurrencies predicts each of its inner concurrencies (not its lowest or highest) from a power law in
/// concurrency (log x = a + b·log c, least squares) fitted to its other concurrencies. That curve knows the sweep's own
/// level, which no prediction from a configuration does, so where it misses as much as the model, the misses are the measurements'
/// own irregularity (a TTFT that jumps tenfold between neighbouring loads), not something a smoother load model would fix.
/// </summary>
/// <param name="Sweeps">Sweeps with three or more distinct concurrencies.</param>
/// <param name="Curve">The curves' error on TTFT and TPOT over those sweeps' inner rows.</param>
/// <param name="Model">The predictions' error on the same rows.</param>
public sealed record SweepCurveCheck(int Sweeps, (ErrorSummary Ttft, ErrorSummary Tpot) Curve, (ErrorSummary Ttft, ErrorSummary Tpot) Model)
{
    /// <summary>Distinct concurrencies a sweep needs: one to hold out and two to fit a line through.</summary>
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
            // Only the inner concurrencies: the curve interpolates, so that a steep pair of neighbours at one end
            // cannot throw it far past the other.
            int low = sweep.Min(r => r.Concurrency);
            int high = sweep.Max(r => r.Concurrency);
            foreach (int c in sweep.Select(r => r.Concurrency).Distinct().Where(c => c != low && c != high))
            {
                var fit = sweep.Where(r => r.Concurrency != c).ToList();
                var ttft = PowerLaw(fit.Select(r => (r.Concurrency, r.MeasuredTtftMs)).ToList());
                var tpot = PowerLaw(fit.Select(r => (r.Concurrency, r.MeasuredTpotMs)).ToList());
                foreach (var r in sweep.Where(r => r.Concurrency == c))
                {
                    curveTtft.Add((ttft(c), r.MeasuredTtftMs));
                    curveTpot.Add((tpot(c), r.MeasuredTpotMs));
                    held.Add(r);
                }
            }
        }

        return new SweepCurveCheck(
            sweeps.Count,
            (ErrorSummary.Of(curveTtft), ErrorSummary.Of(curveTpot)),
            (ErrorSummary.Of(held.Select(r => (r.PredictedTtftMs!.Value, r.MeasuredTtftMs))), ErrorSummary.Of(held.Select(r => (r.PredictedTpotMs!.Value, r.MeasuredTpotMs)))));
    }

    /// <summary>x = e^a · c^b fitted by least squares on (log c, log x); needs two distinct concurrencies.</summary>
    public static Func<int, double> PowerLaw(IReadOnlyList<(int Concurrency, double Value)> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var xs = points.Select(p => Math.Log(p.Concurrency)).ToArray();
        var ys = points.Select(p => Math.Log(p.Value)).ToArray();
        double mx = xs.Average();
        double my = ys.Average();
        double sxx = xs.Sum(x => (x - mx) * (x - mx));
        if (sxx <= 0)
        {
            throw new ArgumentException("a power law needs two distinct concurrencies", nameof(points));
        }

        double b = xs.Zip(ys, (x, y) => (x - mx) * (y - my)).Sum() / sxx;
        double a = my - (b * mx);
        return c => Math.Exp(a + (b * Math.Log(c)));
    }
}
