using System.Globalization;
using AicSim.Core.Estimate;
using AicSim.Core.Specs;
using AicSim.Data.Aiperf;
using AicSim.Data.Calibration;
using Spectre.Console;

namespace AicSim.Cli.Rendering;

/// <summary>Renders an estimate as tables: latency and throughput, then memory per engine, then notes.</summary>
internal static class EstimateTable
{
    private const double GiB = 1024.0 * 1024 * 1024;

    public static void Render(IAnsiConsole console, EstimateResult result, string source, AccuracyView? accuracy = null)
    {
        var r = result.Request;
        var s = result.Serving;
        console.MarkupLine($"[bold]{Markup.Escape(r.Model.Id)}[/] on [bold]{Markup.Escape(r.System.Name)}[/] with {Backends.Name(r.Backend.Backend)}, " +
            $"{(r.Mode == ServingMode.Aggregated ? "aggregated" : "disaggregated")}, ISL {r.Workload.Isl}, OSL {r.Workload.Osl}, {Markup.Escape(r.Quant.ToString())}" +
            (r.Backend.Speculative is { } mtp ? $", MTP {mtp.DraftTokens} draft token{(mtp.DraftTokens == 1 ? string.Empty : "s")} at acceptance {mtp.Acceptance.ToString(CultureInfo.InvariantCulture)} ({mtp.TokensPerStep.ToString("F2", CultureInfo.InvariantCulture)} tokens a step)" : string.Empty));

        var perf = new Table().AddColumns("TTFT (ms)", "TPOT (ms)", "tokens/s/GPU", "tokens/s/user", "concurrency", "GPUs");
        perf.AddRow(F(s.TtftMs, 1), F(s.TpotMs, 2), F(s.OutputTokensPerSecPerGpu, 1), F(s.OutputTokensPerSecPerUser, 1), F(s.Concurrency, 0), s.Gpus.ToString(CultureInfo.InvariantCulture));
        console.Write(perf);
        if (accuracy is not null)
        {
            console.MarkupLine($"accuracy: {Markup.Escape(accuracy.Note)}");
        }

        var mem = new Table().AddColumns("engine", "mapping", "GPUs", "weights GiB/GPU", "used before KV GiB/GPU", "KV GiB/GPU", "max KV tokens", "fits");
        foreach (var e in result.Engines)
        {
            var m = e.Memory;
            mem.AddRow(e.Role, e.Mapping, e.Gpus.ToString(CultureInfo.InvariantCulture), F(m.WeightBytes / GiB, 2), F(m.UsedBeforeKvBytes / GiB, 2), F(m.KvBudgetBytes / GiB, 2),
                m.MaxKvTokens.ToString("N0", CultureInfo.InvariantCulture), e.Fits ? "[green]yes[/]" : m.Fits ? "[red]no (KV < 1 request)[/]" : "[red]no (OOM)[/]");
        }

        console.Write(mem);
        console.MarkupLine($"latencies from: {Markup.Escape(source)}; ops by source: {Markup.Escape(SourceCounts.Describe(result))}");
        foreach (var note in result.Notes)
        {
            console.MarkupLine($"[yellow]note:[/] {Markup.Escape(note)}");
        }
    }

    /// <summary>The estimate against an AIPerf run: measured mean (and median) against predicted, then what differs in the load.</summary>
    public static void RenderComparison(IAnsiConsole console, EstimateResult result, AiperfComparison c, AccuracyView? accuracy = null)
    {
        var s = result.Serving;
        var run = c.Run;
        var table = new Table().Title($"Against AIPerf ({Markup.Escape(Path.GetFileName(run.Path))}, {Markup.Escape(run.Layout)})")
            .AddColumns("metric", "measured mean", "measured median", "predicted", "error");
        table.AddRow("TTFT (ms)", F(run.Ttft.Avg, 1), Opt(run.Ttft.P50, 1), F(s.TtftMs, 1), Pct(c.TtftErrorPct));
        table.AddRow("TPOT / ITL (ms)", F(run.Itl.Avg, 2), Opt(run.Itl.P50, 2), F(s.TpotMs, 2), Pct(c.TpotErrorPct));
        if (run.OutputTokensPerSec is double tps)
        {
            table.AddRow("output tokens/s", F(tps, 0), "-", F(s.OutputTokensPerSecPerGpu * s.Gpus, 0), c.ThroughputErrorPct is double e ? Pct(e) : "-");
        }

        console.Write(table);
        if (accuracy is not null)
        {
            foreach (var judged in new[] { AccuracyLookup.Judge(accuracy, "TTFT", s.TtftMs, run.Ttft.Avg), AccuracyLookup.Judge(accuracy, "TPOT", s.TpotMs, run.Itl.Avg) })
            {
                if (judged is { } j)
                {
                    console.MarkupLine((j.Within ? string.Empty : "[yellow]beyond the validated spread:[/] ") + Markup.Escape(j.Sentence));
                }
            }
        }

        foreach (var m in c.Mismatches)
        {
            console.MarkupLine($"[yellow]not the same load:[/] {Markup.Escape(m)}");
        }
    }

    private static string Opt(double? v, int decimals) => v is double x ? F(x, decimals) : "-";

    private static string Pct(double v) => (v >= 0 ? "+" : string.Empty) + F(v, 1) + "%";

    /// <summary>Per-op milliseconds of one decode step (at the request's batch) and one prefill chunk, on one rank.</summary>
    public static void RenderBreakdown(IAnsiConsole console, EstimateResult result)
    {
        var r = result.Request;
        var decodeParallel = r.Mode == ServingMode.Aggregated ? r.Parallel : r.DecodeParallel!;
        var decode = Core.Engine.EngineModel.Create(new Core.Engine.EngineConfig(r.Model, r.System, decodeParallel, r.Quant, r.Backend), result.Estimator);
        var prefill = Core.Engine.EngineModel.Create(new Core.Engine.EngineConfig(r.Model, r.System, r.Parallel, r.Quant, r.Backend), result.Estimator);
        int batch = r.Mode == ServingMode.Aggregated ? Math.Max(1, r.Concurrency / decode.AttentionDp) : r.Deployment!.DecodeBatch;
        var decodeShape = Core.Ops.StepShape.Decode(batch, r.Workload.MeanDecodeContext);
        var prefillShape = Core.Ops.StepShape.Prefill(1, Math.Min(r.Workload.Isl, prefill.PrefillTokenBudget));
        var table = new Table().AddColumns("op", "group", $"decode step, batch {batch} (ms)", $"prefill chunk of {prefillShape.PrefillTokensPerSequence:F0} (ms)");
        var d = decode.Breakdown(decodeShape);
        var p = prefill.Breakdown(prefillShape).ToDictionary(x => x.Name, x => x.Ms);
        foreach (var (name, group, ms) in d)
        {
            table.AddRow(Markup.Escape(name), group.ToString(), F(ms, 3), F(p.GetValueOrDefault(name), 3));
        }

        table.AddRow("framework overhead", "-", F(decode.FrameworkStepMs, 3), F(prefill.FrameworkStepMs, 3));
        console.Write(table);
        if (result.Serving.TtftParts is { } parts)
        {
            RenderTtftParts(console, parts, result.Serving.TtftMs);
        }

        if (result.Serving.TpotParts is { } tpotParts)
        {
            RenderParts(console, "TPOT", TpotPartRows(tpotParts), result.Serving.TpotMs, 2);
        }
    }

    /// <summary>Where the predicted TTFT goes: each part the serving model prices, in ms and as a share of the TTFT.</summary>
    public static void RenderTtftParts(IAnsiConsole console, Core.Serving.TtftParts parts, double ttftMs) =>
        RenderParts(console, "TTFT", TtftPartRows(parts), ttftMs, 1);

    private static void RenderParts(IAnsiConsole console, string metric, IEnumerable<(string Name, double Ms)> rows, double totalMs, int decimals)
    {
        var table = new Table().AddColumns($"{metric} part", "ms", "share");
        foreach (var (name, ms) in rows)
        {
            double share = totalMs > 0 ? 100 * ms / totalMs : 0;
            table.AddRow(Markup.Escape(name), F(ms, decimals), share < 0.5 ? "<1%" : F(share, 0) + "%");
        }

        table.AddRow($"[bold]{metric}[/]", "[bold]" + F(totalMs, decimals) + "[/]", "100%");
        console.Write(table);
    }

    /// <summary>The TPOT's parts (a zero part is left out): the decode step, and the prompts prefilled beside a request.</summary>
    public static IEnumerable<(string Name, double Ms)> TpotPartRows(Core.Serving.TpotParts p)
    {
        string beside = string.Create(CultureInfo.InvariantCulture, $"{p.PromptsBeside:0.#} prompts a request decodes beside, ×{p.PrefillInterference:0.##} interference");
        var rows = new (string, double)[]
        {
            ("decode step, per token", p.DecodeMs),
            ($"prefills mixed in: their kernels ({beside})", p.PrefillKernelsMs),
            ("prefills mixed in: their kernels' launches outside the CUDA graphs", p.PromptLaunchesMs),
        };
        return rows.Where(r => r.Item2 > 0);
    }

    /// <summary>The parts a deployment has (a zero part is left out), named as a reader would say them.</summary>
    public static IEnumerable<(string Name, double Ms)> TtftPartRows(Core.Serving.TtftParts p)
    {
        var rows = new (string, double)[]
        {
            ($"request overhead ({p.OverheadKernels:F0} prefill kernels, collectives aside)", p.RequestOverheadMs),
            ($"steps of the running engine ({p.RunningSteps.ToString("0.##", CultureInfo.InvariantCulture)})", p.RunningStepsMs),
            (p.Disaggregated ? "prefill step" : "prefill (its own, and the prompts ahead in its burst)", p.PrefillMs),
            ("admission of prompts ahead", p.AdmissionMs),
            ("attention-DP balancing wait", p.BalanceWaitMs),
            (p.Disaggregated ? "queue for a prefill worker" : "queue for a slot (KV cache or batch limit)", p.QueueMs),
            ("wait in the client for one of its connections", p.ClientWaitMs),
            ("disaggregation overhead", p.DisaggOverheadMs),
            ("KV cache transfer", p.KvTransferMs),
        };
        return rows.Where(r => r.Item2 > 0);
    }

    private static string F(double value, int decimals) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
