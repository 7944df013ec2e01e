using System.Numerics.Tensors;
using MathNet.Numerics.Statistics;

namespace AicSim.Core.Accuracy;

/// <summary>How far predictions are from measurements: the absolute percentage error |p − m| / m, summarised.</summary>
/// <param name="Count">Pairs scored.</param>
/// <param name="MeanApePercent">MAPE, in percent.</param>
/// <param name="MedianApePercent">Median absolute percentage error, in percent.</param>
/// <param name="Within10Percent">Share of pairs within 10 %, as a fraction.</param>
/// <param name="Within25Percent">Share of pairs within 25 %, as a fraction.</param>
/// <param name="MedianRatio">Median of predicted / measured: the direction of the error (below 1: under-predicted).</param>
public sealed record ErrorSummary(int Count, double MeanApePercent, double MedianApePercent, double Within10Percent, double Within25Percent, double MedianRatio = double.NaN)
{
    /// <summary>Summarises (predicted, measured) pairs; pairs whose measurement is not positive are skipped.</summary>
    public static ErrorSummary Of(IEnumerable<(double Predicted, double Measured)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var scored = pairs.Where(p => p.Measured > 0).ToArray();
        var apes = scored.Select(p => Math.Abs(p.Predicted - p.Measured) / p.Measured).ToArray();
        if (apes.Length == 0)
        {
            return new ErrorSummary(0, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        double mean = TensorPrimitives.Sum<double>(apes) / apes.Length;
        double median = ArrayStatistics.MedianInplace(apes);
        return new ErrorSummary(
            apes.Length,
            mean * 100,
            median * 100,
            apes.Count(a => a <= 0.10) / (double)apes.Length,
            apes.Count(a => a <= 0.25) / (double)apes.Length,
            ArrayStatistics.MedianInplace(scored.Select(p => p.Predicted / p.Measured).ToArray()));
    }
}
