namespace AicSim.Core.Accuracy;

/// <summary>The accuracy cards of one calibration, with what they were measured on and how.</summary>
/// <param name="FittedOn">The measurements' fingerprint ("name sha256:…"), as in the calibration file.</param>
/// <param name="Method">How the predictions were made (e.g. "5-fold cross-validation grouped by configuration").</param>
/// <param name="PerfSource">The op-latency source they were made with (roofline, tables or auto).</param>
/// <param name="Cards">One per (system, backend, mode).</param>
public sealed record AccuracyCards(string FittedOn, string Method, string PerfSource, IReadOnlyList<AccuracyCard> Cards)
{
    /// <summary>The card of a group, or null when its measurements were too few or none.</summary>
    public AccuracyCard? Find(string system, string backend, string mode) =>
        Cards.FirstOrDefault(c => c.System == system && c.Backend == backend && c.Mode == mode);

    /// <summary>
    /// Whether these cards speak for predictions made with a calibration fitted on <paramref name="calibrationFittedOn"/>
    /// and op latencies from <paramref name="perfSource"/>: the same measurements and the same source, else they describe
    /// another pipeline.
    /// </summary>
    public bool Describes(string calibrationFittedOn, string perfSource) =>
        FittedOn.Length > 0 && FittedOn == calibrationFittedOn && PerfSource == perfSource;
}
