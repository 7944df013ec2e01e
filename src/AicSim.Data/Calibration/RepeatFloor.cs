using AicSim.Core.Estimate;

namespace AicSim.Data.Calibration;

/// <summary>
/// The error no model of a measurement file can avoid. Rows that AicSim reads as one configuration (the same model,
/// system, backend reading, quantisation, ISL/OSL, mapping, load and deployment) get one prediction, so where they measure
/// differently even the best single prediction for each configuration misses some of them. That best prediction is the
/// weighted median of the measurements with weights 1/x, which minimises the sum of |c − x| / x.
/// </summary>
/// <param name="Configurations">Configurations measured more than once with differing results.</param>
/// <param name="Rows">Rows in those configurations.</param>
/// <param name="Scored">Rows considered (the denominator of the floors).</param>
/// <param name="TtftRepeatMape">TTFT MAPE of the best single predictions over <paramref name="Rows"/>.</param>
/// <param name="TpotRepeatMape">The same for TPOT.</param>
/// <param name="TtftFloor">Least TTFT MAPE any predictor can score over all <paramref name="Scored"/> rows (the rows
/// outside repeats counted as exact).</param>
/// <param name="TpotFloor">The same for TPOT.</param>
public sealed record RepeatFloor(int Configurations, int Rows, int Scored, double TtftRepeatMape, double TpotRepeatMape, double TtftFloor, double TpotFloor)
{
    /// <summary>The floor over the scored rows among <paramref name="outcomes"/>; <paramref name="targetOnly"/> as in <see cref="Validation.Scored"/>.</summary>
    public static RepeatFloor Of(IReadOnlyList<RowOutcome> outcomes, bool targetOnly)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var rows = outcomes
            .Where(o => o.Request is not null && o.Row.MeasuredTtftMs is > 0 && o.Row.MeasuredTpotMs is > 0)
            .Where(o => !targetOnly || (Validation.TargetSystems.Contains(o.Row.System) && Validation.IsCompleteRow(o.Row)))
            .ToList();
        int configurations = 0;
        int repeated = 0;
        double ttft = 0;
        double tpot = 0;
        foreach (var group in rows.GroupBy(o => Key(o.Request!)))
        {
            var ttfts = group.Select(o => o.Row.MeasuredTtftMs!.Value).ToList();
            var tpots = group.Select(o => o.Row.MeasuredTpotMs!.Value).ToList();
            if (ttfts.Distinct().Count() < 2 && tpots.Distinct().Count() < 2)
            {
                continue;
            }

            configurations++;
            repeated += ttfts.Count;
            ttft += LeastAbsolutePercentErrors(ttfts);
            tpot += LeastAbsolutePercentErrors(tpots);
        }

        return new RepeatFloor(configurations, repeated, rows.Count,
            repeated > 0 ? ttft / repeated : 0, repeated > 0 ? tpot / repeated : 0,
            rows.Count > 0 ? ttft / rows.Count : 0, rows.Count > 0 ? tpot / rows.Count : 0);
    }

    /// <summary>
    /// Σ 100·|c − xᵢ| / xᵢ at its least: the sum is convex and piecewise linear in c with slope Σ ±1/xᵢ, so it is least
    /// at the measurement where the weight 1/x gathered from below first reaches half the total.
    /// </summary>
    public static double LeastAbsolutePercentErrors(IReadOnlyList<double> measured)
    {
        ArgumentNullException.ThrowIfNull(measured);
        var sorted = measured.Order().ToList();
        double half = sorted.Sum(x => 1 / x) / 2;
        double gathered = 0;
        double best = sorted[^1];
        foreach (double x in sorted)
        {
            gathered += 1 / x;
            if (gathered >= half)
            {
                best = x;
                break;
            }
        }

        return sorted.Sum(x => 100 * Math.Abs(best - x) / x);
    }

    /// <summary>What a prediction depends on; the readings' wording is not part of it.</summary>
    private static object Key(EstimateRequest r) =>
        (r.Model.Id, r.System.Name, r.Backend, r.Quant, r.Workload, r.Mode, r.Parallel, r.Concurrency, r.DecodeParallel, r.Deployment);
}
