namespace AicSim.Data.Calibration;

/// <summary>
/// Undated rows that are another export of a dated run. The calibration file carries some runs twice: once from the
/// dated exports (<c>measured=</c> in the source) and once from a gap-analysis sheet without dates, its numbers rounded
/// to 0.01 ms (B200 SGLang Qwen3.5-397B TP4 at 4 clients: TTFT 338.3364 / TPOT 6.3327 ms dated 2026-03-20, and
/// 338.34 / 6.33 undated). Such a row is the same run, so it takes the run's day, and with it whatever is known of that
/// run (<see cref="SpeculativeRun"/>) and its place in a forward-in-time check.
/// </summary>
public static class RepeatedRuns
{
    /// <summary>
    /// Two rows of one configuration at one load agree this closely on both TTFT and TPOT as one run: in the file, rows read
    /// as one configuration that measure differently differ in TTFT by 30% at the median, and of the dated pairs within
    /// 0.5% on both, 492 of 507 were measured the same day.
    /// </summary>
    public const double Tolerance = 0.005;

    /// <summary>
    /// <paramref name="rows"/> with each undated row that repeats a dated one (same model, system, backend and build, mode,
    /// ISL/OSL and clients; TTFT and TPOT within <see cref="Tolerance"/>) given that row's id and day; a row that
    /// repeats runs of two different days stays undated.
    /// </summary>
    public static IReadOnlyList<SiliconRow> Date(IReadOnlyList<SiliconRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var dated = rows.Where(r => r.MeasuredOn is not null && Measured(r))
            .ToLookup(Key);
        var result = new List<SiliconRow>(rows.Count);
        foreach (var row in rows)
        {
            if (row.MeasuredOn is not null || !Measured(row))
            {
                result.Add(row);
                continue;
            }

            var twins = dated[Key(row)].Where(d => SameBuild(d.BackendVersion, row.BackendVersion) && Close(d, row)).ToList();
            var days = twins.Select(t => t.MeasuredOn!.Value).Distinct().ToList();
            result.Add(days.Count == 1 ? row with { RepeatsRun = (twins[0].Id, days[0]) } : row);
        }

        return result;
    }

    private static (string, string, string, string, int, int, int?) Key(SiliconRow r) =>
        (r.Model.Trim().ToLowerInvariant(), r.System.ToLowerInvariant(), r.Backend.ToLowerInvariant(), r.Mode.ToLowerInvariant(), r.Isl, r.Osl, r.Concurrency);

    private static bool Measured(SiliconRow r) => r.Concurrency is not null && r.MeasuredTtftMs > 0 && r.MeasuredTpotMs > 0;

    // A build named with and without its date and commit (nightly-dev and nightly-dev-20260216-d3bae71e) is one build;
    // an unnamed one may be any.
    private static bool SameBuild(string a, string b) =>
        a.Length == 0 || b.Length == 0 || a.StartsWith(b, StringComparison.Ordinal) || b.StartsWith(a, StringComparison.Ordinal);

    private static bool Close(SiliconRow a, SiliconRow b) =>
        Near(a.MeasuredTtftMs!.Value, b.MeasuredTtftMs!.Value) && Near(a.MeasuredTpotMs!.Value, b.MeasuredTpotMs!.Value);

    private static bool Near(double x, double y) => Math.Abs(x - y) <= Tolerance * Math.Max(x, y);
}
