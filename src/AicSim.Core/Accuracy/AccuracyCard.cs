namespace AicSim.Core.Accuracy;

/// <summary>
/// The cross-validated accuracy of one (system, backend, mode): how measured runs compared with predictions made by
/// constants fitted without them. Shown beside every estimate of that group so users see how far to trust it.
/// </summary>
/// <param name="System">System name.</param>
/// <param name="Backend">Backend name.</param>
/// <param name="Mode">agg or disagg.</param>
/// <param name="Rows">Measured runs it summarises.</param>
/// <param name="Ttft">Time to first token.</param>
/// <param name="Tpot">Time per output token.</param>
public sealed record AccuracyCard(string System, string Backend, string Mode, int Rows, MetricSpread Ttft, MetricSpread Tpot)
{
    /// <summary>"system/backend/mode".</summary>
    public string Group => $"{System}/{Backend}/{Mode}";

    /// <summary>Fewest measured runs a card is made from: fewer say too little about a group's spread.</summary>
    public const int MinRows = 10;

    /// <summary>One card per (system, backend, mode) of at least <see cref="MinRows"/> predicted rows, in name order.</summary>
    public static IReadOnlyList<AccuracyCard> From(IEnumerable<ScoredRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return rows.Where(r => r.Predicted)
            .GroupBy(r => (r.System, r.Backend, r.Mode))
            .Where(g => g.Count() >= MinRows)
            .OrderBy(g => g.Key.System, StringComparer.Ordinal).ThenBy(g => g.Key.Backend, StringComparer.Ordinal).ThenBy(g => g.Key.Mode, StringComparer.Ordinal)
            .Select(g => new AccuracyCard(g.Key.System, g.Key.Backend, g.Key.Mode, g.Count(),
                MetricSpread.Of(g.Select(r => (r.PredictedTtftMs!.Value, r.MeasuredTtftMs))),
                MetricSpread.Of(g.Select(r => (r.PredictedTpotMs!.Value, r.MeasuredTpotMs)))))
            .ToList();
    }
}
