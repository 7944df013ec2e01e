namespace AicSim.Core.Accuracy;

/// <summary>
/// Coverage and error of predictions against measurements, overall and by system, backend, mode and model, and by the
/// load and the shape of the workload, where a model's weak spots tend to hide (queueing at high concurrency; the
/// prefill mixed into decode steps when prompts are long against answers).
/// </summary>
/// <remarks>
/// <see cref="SweepTtft"/> and <see cref="SweepTpot"/> split the error in two: each sweep's predictions are first divided
/// by the sweep's own bias (the geometric mean of predicted/measured over its rows), so what is left is how well the
/// model follows the measurements along the sweep (with concurrency); the rest of the overall error is the level of
/// whole sweeps. Only sweeps of two or more predicted rows count.
/// </remarks>
public sealed record AccuracyReport(int Rows, int PredictedRows, ErrorSummary Ttft, ErrorSummary Tpot, IReadOnlyList<AccuracyReport.Group> Groups)
{
    /// <summary>TTFT error within sweeps, each sweep's own bias removed.</summary>
    public ErrorSummary SweepTtft { get; init; } = ErrorSummary.Of([]);

    /// <summary>TPOT error within sweeps, each sweep's own bias removed.</summary>
    public ErrorSummary SweepTpot { get; init; } = ErrorSummary.Of([]);

    /// <summary>How much the overall TTFT MAPE owes to which configurations were measured (null: fewer than two).</summary>
    public MapeInterval? TtftInterval { get; init; }

    /// <summary>How much the overall TPOT MAPE owes to which configurations were measured (null: fewer than two).</summary>
    public MapeInterval? TpotInterval { get; init; }

    /// <summary>One slice of the rows (e.g. "system" = "h200_sxm").</summary>
    public sealed record Group(string Dimension, string Value, int Rows, int PredictedRows, ErrorSummary Ttft, ErrorSummary Tpot)
    {
        /// <summary>The slice's TTFT MAPE over other samples of its configurations (null: fewer than two).</summary>
        public MapeInterval? TtftInterval { get; init; }

        /// <summary>The slice's TPOT MAPE over other samples of its configurations (null: fewer than two).</summary>
        public MapeInterval? TpotInterval { get; init; }
    }

    public double Coverage => Rows == 0 ? 0 : PredictedRows / (double)Rows;

    public static AccuracyReport Of(IReadOnlyList<ScoredRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var groups = new List<Group>();
        foreach (var (dimension, key) in new (string, Func<ScoredRow, (int Order, string Label)>)[]
        {
            ("system", r => (0, r.System)), ("backend", r => (0, r.Backend)), ("mode", r => (0, r.Mode)), ("model", r => (0, r.Model)),
            ("system/backend/mode", r => (0, $"{r.System}/{r.Backend}/{r.Mode}")),
            ("concurrency", r => LoadBand(r.Concurrency)), ("shape", r => Shape(r.Isl, r.Osl)), ("mapping", r => MappingSlice(r.Mapping)),
            ("configuration", r => r.Complete ? (0, "complete") : (1, "deployment assumed")),
        })
        {
            // A file of rows that were not predicted (or a caller that does not know the mappings) has no mapping slice.
            if (dimension == "mapping" && rows.All(r => r.Mapping.Length == 0))
            {
                continue;
            }

            // Rows without their whole configuration are scored under an assumption; a slice says how they fare apart.
            if (dimension == "configuration" && rows.All(r => r.Complete))
            {
                continue;
            }

            foreach (var g in rows.GroupBy(key).OrderBy(g => g.Key.Order).ThenBy(g => g.Key.Label, StringComparer.Ordinal))
            {
                var list = g.ToList();
                groups.Add(new Group(dimension, g.Key.Label, list.Count, list.Count(r => r.Predicted), TtftOf(list), TpotOf(list))
                {
                    TtftInterval = TtftIntervalOf(list),
                    TpotInterval = TpotIntervalOf(list),
                });
            }
        }

        var sweeps = rows.Where(r => r.Predicted && r.Sweep.Length > 0 && r.MeasuredTtftMs is > 0 && r.MeasuredTpotMs is > 0)
            .GroupBy(r => r.Sweep, StringComparer.Ordinal).Where(g => g.Count() >= 2).Select(g => g.ToList()).ToList();
        return new AccuracyReport(rows.Count, rows.Count(r => r.Predicted), TtftOf(rows), TpotOf(rows), groups)
        {
            SweepTtft = ErrorSummary.Of(sweeps.SelectMany(s => Debiased(s.Select(r => (r.PredictedTtftMs!.Value, r.MeasuredTtftMs!.Value)).ToList()))),
            SweepTpot = ErrorSummary.Of(sweeps.SelectMany(s => Debiased(s.Select(r => (r.PredictedTpotMs!.Value, r.MeasuredTpotMs!.Value)).ToList()))),
            TtftInterval = TtftIntervalOf(rows),
            TpotInterval = TpotIntervalOf(rows),
        };
    }

    /// <summary>Upper ends of the concurrency bands: 1–4, 5–16, 17–64, 65–256, and above.</summary>
    public static IReadOnlyList<int> LoadBandLimits { get; } = [4, 16, 64, 256];

    /// <summary>A prompt this many times its answer (or the reverse) makes a workload prompt-heavy (answer-heavy).</summary>
    public const int ShapeRatio = 4;

    /// <summary>The concurrency band of a row ("1–4", "5–16", …, "over 256", or "unknown") and its place in the order.</summary>
    public static (int Order, string Label) LoadBand(int concurrency)
    {
        if (concurrency <= 0)
        {
            return (int.MaxValue, "unknown");
        }

        int lower = 1;
        for (int i = 0; i < LoadBandLimits.Count; i++)
        {
            if (concurrency <= LoadBandLimits[i])
            {
                return (i, $"{lower}–{LoadBandLimits[i]}");
            }

            lower = LoadBandLimits[i] + 1;
        }

        return (LoadBandLimits.Count, $"over {LoadBandLimits[^1]}");
    }

    /// <summary>
    /// Whether prompts outweigh answers (isl ≥ 4·osl), answers outweigh prompts (osl ≥ 4·isl), or neither, and its
    /// place in the order.
    /// </summary>
    public static (int Order, string Label) Shape(int isl, int osl) =>
        isl <= 0 || osl <= 0 ? (int.MaxValue, "unknown")
        : isl >= ShapeRatio * osl ? (0, $"prompt-heavy (isl ≥ {ShapeRatio}·osl)")
        : osl >= ShapeRatio * isl ? (2, $"answer-heavy (osl ≥ {ShapeRatio}·isl)")
        : (1, "balanced");

    /// <summary>
    /// A mapping family's place in the order: aggregated TP, TEP, DP, DEP (pipelined after), then disaggregated pairs in
    /// the same order of prefill, then decode; rows not predicted last.
    /// </summary>
    public static (int Order, string Label) MappingSlice(string mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        if (mapping.Length == 0)
        {
            return (int.MaxValue, "unknown");
        }

        var engines = mapping.Split(" / ");
        return engines.Length == 2 ? ((PlacesPerEngine * (1 + Rank(engines[0]))) + Rank(engines[1]), mapping) : (Rank(mapping), mapping);

        static int Rank(string family) =>
            Math.Max(0, Families.IndexOf(family.Replace("-PP", string.Empty, StringComparison.Ordinal))) + (family.EndsWith("-PP", StringComparison.Ordinal) ? Families.Count : 0);
    }

    // The mapping families in report order (ParallelConfig.Family), and the places one engine's family takes in that
    // order (each family, then each pipelined).
    private static readonly List<string> Families = ["TP", "TEP", "DP", "DEP"];

    private static int PlacesPerEngine => 2 * Families.Count;

    /// <summary>The pairs with each prediction divided by the geometric mean of predicted/measured over all of them.</summary>
    private static IEnumerable<(double Predicted, double Measured)> Debiased(IReadOnlyList<(double Predicted, double Measured)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        double bias = Math.Exp(pairs.Average(p => Math.Log(p.Predicted / p.Measured)));
        return pairs.Select(p => (p.Predicted / bias, p.Measured));
    }

    // Each metric's interval over the predicted rows that measured it, redrawing their configurations.
    private static MapeInterval? TtftIntervalOf(IReadOnlyList<ScoredRow> rows) => MapeInterval.Of(rows.Select((r, i) => (r, i))
        .Where(x => x.r.Predicted && x.r.MeasuredTtftMs is > 0).Select(x => (Cluster(x.r, x.i), x.r.PredictedTtftMs!.Value, x.r.MeasuredTtftMs!.Value)));

    private static MapeInterval? TpotIntervalOf(IReadOnlyList<ScoredRow> rows) => MapeInterval.Of(rows.Select((r, i) => (r, i))
        .Where(x => x.r.Predicted && x.r.MeasuredTpotMs is > 0).Select(x => (Cluster(x.r, x.i), x.r.PredictedTpotMs!.Value, x.r.MeasuredTpotMs!.Value)));

    // A row without a configuration key is a configuration of its own ('#' cannot start a real key, which begins with
    // the model); the index is the row's place in the list scored, so two keyless rows never share a cluster.
    private static string Cluster(ScoredRow r, int index) => r.Configuration.Length > 0 ? r.Configuration : "#" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // Each metric over the predicted rows that measured it: a row with only its TTFT measured still scores its TTFT.
    private static ErrorSummary TtftOf(IEnumerable<ScoredRow> rows) =>
        ErrorSummary.Of(rows.Where(r => r.Predicted && r.MeasuredTtftMs is > 0).Select(r => (r.PredictedTtftMs!.Value, r.MeasuredTtftMs!.Value)));

    private static ErrorSummary TpotOf(IEnumerable<ScoredRow> rows) =>
        ErrorSummary.Of(rows.Where(r => r.Predicted && r.MeasuredTpotMs is > 0).Select(r => (r.PredictedTpotMs!.Value, r.MeasuredTpotMs!.Value)));
}
