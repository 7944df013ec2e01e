namespace AicSim.Core.Accuracy;

/// <summary>The accuracy cards of one calibration, with what they were measured on and how.</summary>
/// <param name="FittedOn">The measurements' fingerprint ("name sha256:…"), as in the calibration file.</param>
/// <param name="Method">How the predictions were made (e.g. "5-fold cross-validation grouped by configuration").</param>
/// <param name="PerfSource">The op-latency source they were made with (roofline, tables or auto).</param>
/// <param name="Cards">One per (system, backend, mode), and one per band of client concurrency with enough runs; those of
/// system <see cref="Calibration.CalibrationGroup.AnySystem"/> speak for systems without runs of their own.</param>
/// <param name="AnySystemMethod">How the predictions behind the cards of systems without runs of their own were made (each
/// system and framework held out whole); empty where there are none.</param>
public sealed record AccuracyCards(string FittedOn, string Method, string PerfSource, IReadOnlyList<AccuracyCard> Cards, string AnySystemMethod = "")
{
    /// <summary>
    /// The card of a group at <paramref name="clients"/> concurrent clients: its band's card where that band had enough
    /// runs, else the group's (also when the concurrency is not given); null when the group's measurements were too few.
    /// </summary>
    public AccuracyCard? Find(string system, string backend, string mode, int? clients = null)
    {
        var band = clients is int c ? ClientBand.Of(c) : null;
        var mine = Cards.Where(c => c.System == system && c.Backend == backend && c.Mode == mode).ToList();
        return (band is null ? null : mine.FirstOrDefault(c => c.Clients == band)) ?? mine.FirstOrDefault(c => c.Clients == ClientBand.Any);
    }

    /// <summary>
    /// Whether these cards speak for predictions made with a calibration fitted on <paramref name="calibrationFittedOn"/>
    /// and op latencies from <paramref name="perfSource"/>: the same measurements and the same source, else they describe
    /// another pipeline.
    /// </summary>
    public bool Describes(string calibrationFittedOn, string perfSource) =>
        FittedOn.Length > 0 && FittedOn == calibrationFittedOn && PerfSource == perfSource;
}
