namespace AicSim.Core.Accuracy;

/// <summary>One measured row and its prediction (null when the row was not predicted).</summary>
public sealed record ScoredRow(string System, string Backend, string Mode, string Model, double? PredictedTtftMs, double MeasuredTtftMs, double? PredictedTpotMs, double MeasuredTpotMs)
{
    public bool Predicted => PredictedTtftMs is not null && PredictedTpotMs is not null;
}
