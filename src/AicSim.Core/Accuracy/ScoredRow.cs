namespace AicSim.Core.Accuracy;

/// <summary>One measured row and its prediction (null when the row was not predicted); a metric not measured is null and not scored.</summary>
/// <param name="System">System name.</param>
/// <param name="Backend">Backend name.</param>
/// <param name="Mode">agg or disagg.</param>
/// <param name="Model">Model id.</param>
/// <param name="PredictedTtftMs">Predicted TTFT, or null.</param>
/// <param name="MeasuredTtftMs">Measured TTFT, or null.</param>
/// <param name="PredictedTpotMs">Predicted TPOT, or null.</param>
/// <param name="MeasuredTpotMs">Measured TPOT, or null.</param>
/// <param name="Sweep">The measurement series the row belongs to: rows that differ only in concurrency share it (empty:
/// a series of its own).</param>
/// <param name="Concurrency">Requests the clients keep in flight (0: not known, e.g. a row that could not be read).</param>
/// <param name="Isl">Input tokens per request (0: not known).</param>
/// <param name="Osl">Output tokens per request (0: not known).</param>
/// <param name="Complete">Whether the row gives its whole configuration; false: a deployment was assumed for it.</param>
/// <param name="Configuration">The configuration the row measures (model, system, backend, mode and mapping), the unit
/// <see cref="MapeInterval"/> redraws (empty: a configuration of its own).</param>
/// <param name="Mapping">The mapping family it was predicted as (<see cref="Specs.ParallelConfig.Family"/>; "prefill /
/// decode" when disaggregated; empty: not known).</param>
public sealed record ScoredRow(string System, string Backend, string Mode, string Model, double? PredictedTtftMs, double? MeasuredTtftMs, double? PredictedTpotMs, double? MeasuredTpotMs, string Sweep = "", int Concurrency = 0, int Isl = 0, int Osl = 0, bool Complete = true, string Configuration = "", string Mapping = "")
{
    public bool Predicted => PredictedTtftMs is not null && PredictedTpotMs is not null;
}
