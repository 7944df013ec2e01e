namespace AicSim.Data.Calibration;

/// <summary>
/// One row in the layout of silicon_calibration.csv: a configuration and, for measured rows, its TTFT and TPOT.
/// Numbers are kept as read (null = empty cell); <see cref="SiliconRowMapper"/> decides what they mean.
/// </summary>
public sealed record SiliconRow
{
    /// <summary>1-based line number in the file (the header is line 1).</summary>
    public required int Line { get; init; }

    public required string Id { get; init; }

    public string Source { get; init; } = string.Empty;

    public required string Backend { get; init; }

    public string BackendVersion { get; init; } = string.Empty;

    public required string Model { get; init; }

    public required string System { get; init; }

    public string Precision { get; init; } = string.Empty;

    public required string Mode { get; init; }

    public required int Isl { get; init; }

    public required int Osl { get; init; }

    public string GemmQuant { get; init; } = string.Empty;

    public string MoeQuant { get; init; } = string.Empty;

    public int? BatchSize { get; init; }

    public RowParallel Agg { get; init; } = new();

    public RowParallel Prefill { get; init; } = new();

    public RowParallel Decode { get; init; } = new();

    public int? PrefillBatchSize { get; init; }

    public int? PrefillWorkers { get; init; }

    public int? DecodeBatchSize { get; init; }

    public int? DecodeWorkers { get; init; }

    /// <summary>The clients a <c>concurrency</c> (or <c>silicon_concurrency</c>) column states, where the file has one.</summary>
    public int? StatedConcurrency { get; init; }

    /// <summary>
    /// The clients the load generator kept in flight: the stated column, else the source's <c>silicon_concurrency=N</c>
    /// (the calibration file keeps it there); null where neither says.
    /// </summary>
    public int? Concurrency => StatedConcurrency ?? SiliconRowMapper.Concurrency(Source);

    /// <summary>The day a <c>measured</c> column states, where the file has one.</summary>
    public DateOnly? StatedMeasuredOn { get; init; }

    /// <summary>
    /// The dated row whose run this undated one repeats (<see cref="RepeatedRuns"/>): its id and day. Null where the row
    /// is dated itself or repeats no dated row.
    /// </summary>
    public (string Id, DateOnly Day)? RepeatsRun { get; init; }

    /// <summary>
    /// The day the row was measured: the stated column, else the source's <c>measured=YYYY-MM-DD</c>, else the day of the
    /// dated run it repeats; null where none says (such a row takes no part in a forward-in-time check).
    /// </summary>
    public DateOnly? MeasuredOn => StatedMeasuredOn ?? SiliconRowMapper.Measured(Source) ?? RepeatsRun?.Day;

    public double? MeasuredTtftMs { get; init; }

    public double? MeasuredTpotMs { get; init; }
}

/// <summary>The parallel columns of one role (tp, pp, attention_dp, moe_tp, moe_ep), null where empty.</summary>
public sealed record RowParallel(int? Tp = null, int? Pp = null, int? AttentionDp = null, int? MoeTp = null, int? MoeEp = null);
