namespace AicSim.Core.Accuracy;

/// <summary>One measured row and its prediction (null when the row was not predicted).</summary>
/// <param name="System">System name.</param>
/// <param name="Backend">Backend name.</param>
/// <param name="Mode">agg or disagg.</param>
/// <param name="Model">Model id.</param>
/// <param name="PredictedTtftMs">Predicted TTFT, or null.</param>
/// <param name="MeasuredTtftMs">Measured TTFT.</param>
/// <param name="PredictedTpotMs">Predicted TPOT, or null.</param>
/// <param name="MeasuredTpotMs">Measured TPOT.</param>
/// <param name="Sweep">The measurement series the row belongs to: rows that differ only in concurrency share it (empty:
/// a series of its own).</param>
public sealed record ScoredRow(string System, string Backend, string Mode, string Model, double? PredictedTtftMs, double MeasuredTtftMs, double? PredictedTpotMs, double MeasuredTpotMs, string Sweep = "")
{
    public bool Predicted => PredictedTtftMs is not null && PredictedTpotMs is not null;
}
