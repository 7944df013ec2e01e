namespace AicSim.Core.Accuracy;

/// <summary>
/// The cross-validated accuracy of one (system, backend, mode), at any load or in one band of client concurrency: how
/// measured runs compared with predictions made by constants fitted without them. Shown beside every estimate of that
/// group so users see how far to trust it.
/// </summary>
/// <param name="System">System name.</param>
/// <param name="Backend">Backend name.</param>
/// <param name="Mode">agg or disagg.</param>
/// <param name="Rows">Measured runs it summarises.</param>
/// <param name="Ttft">Time to first token.</param>
/// <param name="Tpot">Time per output token.</param>
/// <param name="Clients">The client concurrencies it covers (<see cref="ClientBand.Any"/>: the whole group).</param>
public sealed record AccuracyCard(string System, string Backend, string Mode, int Rows, MetricSpread Ttft, MetricSpread Tpot, ClientBand Clients)
{
    /// <summary>"system/backend/mode".</summary>
    public string Group => $"{System}/{Backend}/{Mode}";

    /// <summary>
    /// "system/backend/mode", or "system/backend/mode at 17–64 clients" for a band's card; a card of systems without runs
    /// of their own (<see cref="Calibration.CalibrationGroup.AnySystem"/>) names the backend and mode and how they were held out.
    /// </summary>
    public string Scope
    {
        get
        {
            string group = System == Calibration.CalibrationGroup.AnySystem ? $"{Backend}/{Mode} on systems held out whole from the fit" : Group;
            return Clients == ClientBand.Any ? group : $"{group} at {Clients.Label}";
        }
    }

    /// <summary>Fewest measured runs a card is made from: fewer say too little about a group's spread.</summary>
    public const int MinRows = 10;

    /// <summary>
    /// One card per (system, backend, mode) of at least <see cref="MinRows"/> predicted rows, and after it one per band of
    /// <see cref="ClientBand.Bands"/> that holds that many of its rows with a known concurrency, in name order.
    /// </summary>
    public static IReadOnlyList<AccuracyCard> From(IEnumerable<ScoredRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var cards = new List<AccuracyCard>();
        foreach (var g in rows.Where(r => r.Predicted)
            .GroupBy(r => (r.System, r.Backend, r.Mode))
            .Where(g => g.Count() >= MinRows)
            .OrderBy(g => g.Key.System, StringComparer.Ordinal).ThenBy(g => g.Key.Backend, StringComparer.Ordinal).ThenBy(g => g.Key.Mode, StringComparer.Ordinal))
        {
            cards.Add(Of(g.Key, g.ToList(), ClientBand.Any));
            foreach (var band in ClientBand.Bands)
            {
                var inBand = g.Where(r => band.Contains(r.Concurrency)).ToList();
                if (inBand.Count >= MinRows)
                {
                    cards.Add(Of(g.Key, inBand, band));
                }
            }
        }

        return cards;
    }

    private static AccuracyCard Of((string System, string Backend, string Mode) key, List<ScoredRow> rows, ClientBand band) =>
        new(key.System, key.Backend, key.Mode, rows.Count,
            MetricSpread.Of(rows.Select(r => (r.PredictedTtftMs!.Value, r.MeasuredTtftMs ?? 0))),
            MetricSpread.Of(rows.Select(r => (r.PredictedTpotMs!.Value, r.MeasuredTpotMs ?? 0))),
            band);
}
