using System.Globalization;
using AicSim.Core.Estimate;
using AicSim.Core.Estimation;

namespace AicSim.Data.Calibration;

/// <summary>One suspicion about a measured row: which check raised it and why.</summary>
/// <param name="Id">The row's id.</param>
/// <param name="Check">The check's name (<see cref="DataChecks.SameAsOtherMapping"/>, <see cref="DataChecks.SameAsDisaggregated"/>, <see cref="DataChecks.FewInFlight"/>, <see cref="DataChecks.ClientCap"/>, <see cref="DataChecks.BelowMemoryFloor"/>, <see cref="DataChecks.TtftStall"/>).</param>
/// <param name="Message">What the row's own numbers show.</param>
public sealed record DataFinding(string Id, string Check, string Message);

/// <summary>
/// Checks of a measurement file that use only the rows' own numbers and how AicSim reads their configurations. They name
/// rows to look at before trusting an error on them; <c>validate</c> reports them and still scores every row as it is.
/// </summary>
public static class DataChecks
{
    /// <summary>
    /// An aggregated row measures what a row read as another configuration measures at the same load: one run, two labels?
    /// Rows whose labels differ but read as one configuration (the export quirks) are not compared.
    /// </summary>
    public const string SameAsOtherMapping = "same-as-other-mapping";

    /// <summary>
    /// An aggregated row measures what a disaggregated row of the same model, system, backend, ISL/OSL and clients
    /// measures: a disaggregated run under an aggregated label? Only the aggregated row is named, since the disaggregated
    /// label is the one that says more (prefill and decode engines); an aggregated row cannot hold that.
    /// </summary>
    public const string SameAsDisaggregated = "same-as-disaggregated";

    /// <summary>An aggregated row whose clients were mostly waiting outside the engine.</summary>
    public const string FewInFlight = "few-in-flight";

    /// <summary>
    /// A row of well over 100 clients that kept about 100 of them in flight, where AicSim's prediction for it keeps more:
    /// the 100 connections an aiohttp client holds by default (TCPConnector limit=100), which benchmark clients built on
    /// aiohttp keep unless they raise it. The other clients queued in the client, their wait counted in TTFT, and TPOT
    /// measured about 100 requests, not the clients.
    /// </summary>
    public const string ClientCap = "client-cap";

    /// <summary>
    /// A row's TPOT is shorter than its decode step's unavoidable memory reads take at the GPU's peak bandwidth
    /// (<see cref="DecodeFloor"/>), for the requests it decoded at once by Little's law on its own TTFT and TPOT: it did not
    /// run as it is read, or decoded several tokens a step.
    /// </summary>
    public const string BelowMemoryFloor = "below-memory-floor";

    /// <summary>
    /// An aggregated row whose TTFT is <see cref="StallTtftJump"/> times the growth in clients or more, against its
    /// sweep's last load not named so, while its TPOT rose under <see cref="StallTpotRise"/> times and AicSim, which
    /// prices the burst and the queue for KV cache and batch slots, predicts less than the growth in clients: the time
    /// went outside the engine's steps (warm-up, compiling kernels for new shapes, a client-side queue).
    /// </summary>
    public const string TtftStall = "ttft-stall";

    /// <summary>
    /// A synchronised burst grows at most as the clients do; twice that (four times at double the clients) is more
    /// than a burst and its queue.
    /// </summary>
    public const double StallTtftJump = 2;

    /// <summary>A queue inside the engine would have grown its batch, and its TPOT with it.</summary>
    public const double StallTpotRise = 1.5;

    /// <summary>
    /// Two runs of different mappings agree this closely only by accident: the vLLM twins in silicon_calibration.csv
    /// agree to 0.1 ms TPOT over seven concurrencies, where other mappings of one model differ by 10–50%.
    /// </summary>
    public const double TpotTolerance = 0.01;

    public const double TtftTolerance = 0.02;

    /// <summary>Below this share of its clients in flight a row measured its client more than its engine.</summary>
    public const double InFlightShare = 0.25;

    /// <summary>The in-flight check looks at rows of this many clients or more, where a client-side cap shows.</summary>
    public const int MinClients = 64;

    /// <summary>aiohttp's default connection limit (TCPConnector limit=100), which a benchmark client keeps unless raised.</summary>
    public const int ClientConnections = 100;

    /// <summary>
    /// The client-cap check looks at rows with at least this many times <see cref="ClientConnections"/> clients: closer
    /// to 100, a row that queued nothing in the client keeps as few in flight when its TTFT is long.
    /// </summary>
    public const double CapClientsFactor = 1.2;

    /// <summary>
    /// In flight within this band around <see cref="ClientConnections"/>: Little's law on a capped run gives a little under
    /// the cap (the connections also wait out the server's TTFT), and measurement noise a little over it.
    /// </summary>
    public const double CapLow = 0.8;

    public const double CapHigh = 1.1;

    /// <summary>The findings on rows predicted as <paramref name="outcomes"/> (the mapping each row was read as is compared).</summary>
    public static IReadOnlyList<DataFinding> Find(IReadOnlyList<RowOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var findings = new List<DataFinding>();
        var agg = outcomes.Where(o => o.Row.Mode.Equals("agg", StringComparison.OrdinalIgnoreCase) && Clients(o.Row) is > 0 && o.Row.MeasuredTtftMs > 0 && o.Row.MeasuredTpotMs > 0).ToList();
        foreach (var load in agg.GroupBy(o => (o.Row.Model, o.Row.System, o.Row.Backend, o.Row.Isl, o.Row.Osl, Clients(o.Row))))
        {
            var group = load.ToList();
            foreach (var one in group)
            {
                var row = one.Row;
                var twin = group.FirstOrDefault(o => ReadAs(o) != ReadAs(one) && Close(o.Row.MeasuredTpotMs!.Value, row.MeasuredTpotMs!.Value, TpotTolerance) && Close(o.Row.MeasuredTtftMs!.Value, row.MeasuredTtftMs!.Value, TtftTolerance));
                if (twin is not null)
                {
                    findings.Add(new DataFinding(row.Id, SameAsOtherMapping, string.Create(CultureInfo.InvariantCulture,
                        $"measures TPOT {row.MeasuredTpotMs:F2} ms and TTFT {row.MeasuredTtftMs:F0} ms, as {twin.Row.Id} ({ReadAs(twin)}) does at the same load, though this row is {ReadAs(one)}: one run under two labels?")));
                }
            }
        }

        var disagg = outcomes.Where(o => o.Row.Mode.Equals("disagg", StringComparison.OrdinalIgnoreCase) && o.Row.Concurrency is > 0 && o.Row.MeasuredTtftMs > 0 && o.Row.MeasuredTpotMs > 0)
            .ToLookup(o => (o.Row.Model, o.Row.System, o.Row.Backend, o.Row.Isl, o.Row.Osl, o.Row.Concurrency));
        foreach (var row in agg.Select(o => o.Row))
        {
            var twin = disagg[(row.Model, row.System, row.Backend, row.Isl, row.Osl, Clients(row))]
                .FirstOrDefault(o => Close(o.Row.MeasuredTpotMs!.Value, row.MeasuredTpotMs!.Value, TpotTolerance) && Close(o.Row.MeasuredTtftMs!.Value, row.MeasuredTtftMs!.Value, TtftTolerance));
            if (twin is not null)
            {
                findings.Add(new DataFinding(row.Id, SameAsDisaggregated, string.Create(CultureInfo.InvariantCulture,
                    $"measures TPOT {row.MeasuredTpotMs:F2} ms and TTFT {row.MeasuredTtftMs:F0} ms, as the disaggregated row {twin.Row.Id} ({DisaggLabel(twin.Row)}) does at the same load, though this row is labelled aggregated (tp_size {row.Agg.Tp ?? 1}): a disaggregated run under an aggregated label?")));
            }
        }

        foreach (var row in agg.Select(o => o.Row))
        {
            int clients = Clients(row)!.Value;
            double inFlight = InFlight(clients, row.Osl, row.MeasuredTtftMs!.Value, row.MeasuredTpotMs!.Value);
            if (clients >= MinClients && inFlight < InFlightShare * clients)
            {
                findings.Add(new DataFinding(row.Id, FewInFlight, string.Create(CultureInfo.InvariantCulture,
                    $"by Little's law on its own TTFT and TPOT it kept {inFlight:F0} of its {clients} clients in flight (in flight = clients · osl·TPOT / (TTFT + osl·TPOT)); the rest waited outside the engine, at a client's or server's cap, unless its KV cache holds so few.")));
            }
        }

        findings.AddRange(ClientCapFindings(outcomes));

        foreach (var outcome in outcomes)
        {
            if (FloorFinding(outcome) is { } finding)
            {
                findings.Add(finding);
            }
        }

        findings.AddRange(StallFindings(agg));
        return findings;
    }

    /// <summary>
    /// Requests a closed loop of <paramref name="clients"/> kept in flight, by Little's law: each spends osl·TPOT of its
    /// TTFT + osl·TPOT in the loop decoding, so clients · osl·TPOT / (TTFT + osl·TPOT) are in flight at once.
    /// </summary>
    public static double InFlight(int clients, int osl, double ttftMs, double tpotMs)
    {
        double decoding = osl * tpotMs;
        return clients * decoding / (ttftMs + decoding);
    }

    /// <summary>
    /// The <see cref="ClientCap"/> findings, aggregated and disaggregated alike: a client's connection limit does not
    /// depend on how the deployment serves. Little's law holds for the whole deployment, so the clients in flight are
    /// clients · osl·TPOT / (TTFT + osl·TPOT) in either mode, measured or predicted.
    /// </summary>
    private static IEnumerable<DataFinding> ClientCapFindings(IReadOnlyList<RowOutcome> outcomes)
    {
        foreach (var outcome in outcomes)
        {
            var row = outcome.Row;
            int? clients = row.Mode.Equals("agg", StringComparison.OrdinalIgnoreCase) ? Clients(row) : row.Concurrency;
            if (clients is not { } c || c < CapClientsFactor * ClientConnections || row.MeasuredTtftMs is not > 0 || row.MeasuredTpotMs is not > 0)
            {
                continue;
            }

            double inFlight = InFlight(c, row.Osl, row.MeasuredTtftMs.Value, row.MeasuredTpotMs.Value);
            // AicSim's own prediction for the row must keep more in flight: else the engine's KV cache, batch slots or
            // prefill queue, as modelled, explain as few (MiniMax-M2.5 TP2 on B200 holds 97 requests of 8192 + 1024 tokens;
            // SGLang Qwen3-32B at 128 clients and 256-token answers spends a third of each request's life in prefill).
            var predicted = outcome.Prediction;
            if (inFlight >= CapLow * ClientConnections && inFlight <= CapHigh * ClientConnections
                && predicted is { TtftMs: > 0, TpotMs: > 0 }
                && InFlight(c, row.Osl, predicted.TtftMs.Value, predicted.TpotMs.Value) > CapHigh * ClientConnections)
            {
                yield return new DataFinding(row.Id, ClientCap, string.Create(CultureInfo.InvariantCulture,
                    $"by Little's law on its own TTFT and TPOT it kept {inFlight:F0} of its {c} clients in flight, about the {ClientConnections} connections an aiohttp benchmark client holds by default (TCPConnector limit={ClientConnections}): the other clients likely queued in the client, their wait counted in its TTFT, and its TPOT measured about {ClientConnections} requests, not {c}."));
            }
        }
    }

    /// <summary>
    /// The <see cref="BelowMemoryFloor"/> finding on one row, or null: the row's TPOT against the
    /// <see cref="MeasuredFloor"/> of the configuration AicSim reads it as.
    /// </summary>
    public static DataFinding? FloorFinding(RowOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var row = outcome.Row;
        if (outcome.Request is not { } request || row.MeasuredTpotMs is not { } tpot || row.MeasuredTtftMs is not { } ttft
            || MeasuredFloor.Of(request, ttft, tpot) is not { } floor || tpot >= floor.FloorMs)
        {
            return null;
        }

        string message = $"measures TPOT {tpot.ToString("F2", CultureInfo.InvariantCulture)} ms, but {floor.Describe(request.System)}: it ran fewer requests, a smaller model or another mapping than read, or decoded several tokens a step.";
        return new DataFinding(row.Id, BelowMemoryFloor, outcome.Complete ? message : message + " The row gives no batch sizes: this is the deployment AicSim assumed for it.");
    }

    /// <summary>
    /// The <see cref="TtftStall"/> findings: each sweep's rows in order of clients, each against the last row before it
    /// that is not named (so that every load of a stall that persists is named, not only its first).
    /// </summary>
    private static IEnumerable<DataFinding> StallFindings(IEnumerable<RowOutcome> agg)
    {
        var predicted = agg.Where(o => o.Prediction.Status == "ok" && o.Prediction.TtftMs > 0);
        foreach (var sweep in predicted.GroupBy(o => Validation.SweepKey(o.Row)))
        {
            RowOutcome? baseline = null;
            foreach (var row in sweep.OrderBy(o => Clients(o.Row)))
            {
                if (baseline is null || Clients(row.Row) <= Clients(baseline.Row))
                {
                    baseline ??= row;
                    continue;
                }

                int from = Clients(baseline.Row)!.Value, to = Clients(row.Row)!.Value;
                double clients = (double)to / from;
                double ttftJump = row.Row.MeasuredTtftMs!.Value / baseline.Row.MeasuredTtftMs!.Value;
                double tpotRise = row.Row.MeasuredTpotMs!.Value / baseline.Row.MeasuredTpotMs!.Value;
                double predictedJump = row.Prediction.TtftMs!.Value / baseline.Prediction.TtftMs!.Value;
                if (ttftJump >= StallTtftJump * clients && tpotRise < StallTpotRise && predictedJump < clients)
                {
                    yield return new DataFinding(row.Row.Id, TtftStall, string.Create(CultureInfo.InvariantCulture,
                        $"measures TTFT {row.Row.MeasuredTtftMs:F0} ms at {to} clients, {ttftJump:F1}× the {baseline.Row.MeasuredTtftMs:F0} ms of {baseline.Row.Id} at {from}, while its TPOT rose {tpotRise:F2}× and AicSim, pricing the burst and the queue for KV cache and batch slots, predicts {predictedJump:F2}×: time spent outside the engine's steps (warm-up, kernels compiled for new shapes, a client-side queue)?"));
                }
                else
                {
                    baseline = row;
                }
            }
        }
    }

    /// <summary>Writes the findings as CSV (id, check, message), atomically.</summary>
    public static void Write(string path, IReadOnlyList<DataFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(findings);
        AtomicFile.Write(path, stream =>
        {
            using var csv = CsvHelper.CsvWriter.Create(stream, new CsvHelper.CsvWriterOptions { NewLine = "\n" });
            csv.WriteHeader(["id", "check", "message"]);
            foreach (var f in findings)
            {
                csv.WriteRecord([f.Id, f.Check, f.Message]);
            }
        });
    }

    /// <summary>The clients of an aggregated row: what its source names, else its batch size.</summary>
    public static int? Clients(SiliconRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.Concurrency ?? row.BatchSize;
    }

    /// <summary>The configuration a row was read as (its labels where it could not be read).</summary>
    private static string ReadAs(RowOutcome o)
    {
        var r = o.Row.Agg;
        return o.Request is { } q
            ? string.Create(CultureInfo.InvariantCulture, $"read as {q.Parallel.Name} {o.Row.Precision} at {q.Concurrency} clients an engine")
            : string.Create(CultureInfo.InvariantCulture, $"labelled tp {r.Tp ?? 1}, attention_dp {r.AttentionDp ?? 1}, moe_tp {r.MoeTp ?? 1}, moe_ep {r.MoeEp ?? 1}, {o.Row.Precision}");
    }

    private static string DisaggLabel(SiliconRow r) => string.Create(CultureInfo.InvariantCulture,
        $"prefill tp {r.Prefill.Tp ?? 1} × {(r.PrefillWorkers is { } p ? p.ToString(CultureInfo.InvariantCulture) : "?")} workers, decode tp {r.Decode.Tp ?? 1} × {(r.DecodeWorkers is { } d ? d.ToString(CultureInfo.InvariantCulture) : "?")}");

    private static bool Close(double a, double b, double tolerance) => Math.Abs(a - b) <= tolerance * Math.Max(a, b);
}
