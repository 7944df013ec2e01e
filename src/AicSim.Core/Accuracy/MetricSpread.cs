namespace AicSim.Core.Accuracy;

/// <summary>
/// How one metric's predictions compared with measurements they were not fitted on: the error, and the spread of
/// measured / predicted that turns a prediction into a likely range.
/// </summary>
/// <param name="MapePercent">Mean absolute percentage error, in percent.</param>
/// <param name="MedianApePercent">Median absolute percentage error, in percent.</param>
/// <param name="LowRatio">10th percentile of measured / predicted.</param>
/// <param name="HighRatio">90th percentile of measured / predicted: 80% of the measurements fell between the two.</param>
public sealed record MetricSpread(double MapePercent, double MedianApePercent, double LowRatio, double HighRatio)
{
    /// <summary>Percentiles of the spread: the 10th and the 90th.</summary>
    public const double LowQuantile = 0.10;

    /// <inheritdoc cref="LowQuantile"/>
    public const double HighQuantile = 0.90;

    /// <summary>Where 80% of measurements of a prediction <paramref name="predicted"/> would fall, going by these.</summary>
    public (double Low, double High) LikelyRange(double predicted) => (predicted * LowRatio, predicted * HighRatio);

    /// <summary>Summarises (predicted, measured) pairs; pairs without a positive prediction and measurement are skipped.</summary>
    public static MetricSpread Of(IEnumerable<(double Predicted, double Measured)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var scored = pairs.Where(p => p.Predicted > 0 && p.Measured > 0).ToArray();
        if (scored.Length == 0)
        {
            return new MetricSpread(double.NaN, double.NaN, double.NaN, double.NaN);
        }

        var summary = ErrorSummary.Of(scored);
        var ratios = scored.Select(p => p.Measured / p.Predicted).Order().ToArray();
        return new MetricSpread(summary.MeanApePercent, summary.MedianApePercent, Quantile(ratios, LowQuantile), Quantile(ratios, HighQuantile));
    }

    /// <summary>
    /// The q-quantile of sorted values with linear interpolation between order statistics (position (n − 1)·q), the
    /// definition numpy.quantile and Excel's PERCENTILE.INC use, so anyone can check it.
    /// </summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        ArgumentOutOfRangeException.ThrowIfZero(sorted.Count);
        ArgumentOutOfRangeException.ThrowIfLessThan(q, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(q, 1);
        double h = (sorted.Count - 1) * q;
        int below = (int)Math.Floor(h);
        int above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + ((h - below) * (sorted[above] - sorted[below]));
    }
}
