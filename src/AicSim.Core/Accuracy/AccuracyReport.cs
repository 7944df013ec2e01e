namespace AicSim.Core.Accuracy;

/// <summary>Coverage and error of predictions against measurements, overall and by system, backend, mode and model.</summary>
public sealed record AccuracyReport(int Rows, int PredictedRows, ErrorSummary Ttft, ErrorSummary Tpot, IReadOnlyList<AccuracyReport.Group> Groups)
{
    /// <summary>One slice of the rows (e.g. "system" = "h200_sxm").</summary>
    public sealed record Group(string Dimension, string Value, int Rows, int PredictedRows, ErrorSummary Ttft, ErrorSummary Tpot);

    public double Coverage => Rows == 0 ? 0 : PredictedRows / (double)Rows;

    public static AccuracyReport Of(IReadOnlyList<ScoredRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var groups = new List<Group>();
        foreach (var (dimension, key) in new (string, Func<ScoredRow, string>)[]
        {
            ("system", r => r.System), ("backend", r => r.Backend), ("mode", r => r.Mode), ("model", r => r.Model),
            ("system/backend/mode", r => $"{r.System}/{r.Backend}/{r.Mode}"),
        })
        {
            foreach (var g in rows.GroupBy(key).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var list = g.ToList();
                groups.Add(new Group(dimension, g.Key, list.Count, list.Count(r => r.Predicted), TtftOf(list), TpotOf(list)));
            }
        }

        return new AccuracyReport(rows.Count, rows.Count(r => r.Predicted), TtftOf(rows), TpotOf(rows), groups);
    }

    private static ErrorSummary TtftOf(IEnumerable<ScoredRow> rows) =>
        ErrorSummary.Of(rows.Where(r => r.Predicted).Select(r => (r.PredictedTtftMs!.Value, r.MeasuredTtftMs)));

    private static ErrorSummary TpotOf(IEnumerable<ScoredRow> rows) =>
        ErrorSummary.Of(rows.Where(r => r.Predicted).Select(r => (r.PredictedTpotMs!.Value, r.MeasuredTpotMs)));
}
