using AicSim.Core.Accuracy;
using AicSim.Data.Dynamo;

namespace AicSim.Data.Calibration;

/// <summary>One measured engine held against AicSim: the mapping it was read as, the KV reading, capacity and points.</summary>
public sealed record PlannerEngineCheck(MeasuredEngine Measured, string Mapping, string KvReading, long PredictedMaxKvTokens, IReadOnlyList<PlannerDataPoint> Points)
{
    public ErrorSummary Prefill => ErrorSummary.Of(Points.Where(p => p.Kind == "prefill").Select(p => (p.PredictedMs, p.MeasuredMs)));

    public ErrorSummary Decode => ErrorSummary.Of(Points.Where(p => p.Kind == "decode").Select(p => (p.PredictedMs, p.MeasuredMs)));

    /// <summary>Signed error of the predicted KV capacity against the recorded one, in percent.</summary>
    public double MaxKvTokensErrorPercent => 100.0 * (PredictedMaxKvTokens - Measured.MaxKvTokens) / Measured.MaxKvTokens;
}
