using System.Globalization;
using AicSim.Core.Estimate;
using AicSim.Core.Specs;
using Spectre.Console;

namespace AicSim.Cli.Rendering;

/// <summary>Renders an estimate as tables: latency and throughput, then memory per engine, then notes.</summary>
internal static class EstimateTable
{
    private const double GiB = 1024.0 * 1024 * 1024;

    public static void Render(IAnsiConsole console, EstimateResult result, string source)
    {
        var r = result.Request;
        var s = result.Serving;
        console.MarkupLine($"[bold]{Markup.Escape(r.Model.Id)}[/] on [bold]{Markup.Escape(r.System.Name)}[/] with {Backends.Name(r.Backend.Backend)}, " +
            $"{(r.Mode == ServingMode.Aggregated ? "aggregated" : "disaggregated")}, ISL {r.Workload.Isl}, OSL {r.Workload.Osl}, {Markup.Escape(r.Quant.ToString())}");

        var perf = new Table().AddColumns("TTFT (ms)", "TPOT (ms)", "tokens/s/GPU", "tokens/s/user", "concurrency", "GPUs");
        perf.AddRow(F(s.TtftMs, 1), F(s.TpotMs, 2), F(s.OutputTokensPerSecPerGpu, 1), F(s.OutputTokensPerSecPerUser, 1), F(s.Concurrency, 0), s.Gpus.ToString(CultureInfo.InvariantCulture));
        console.Write(perf);

        var mem = new Table().AddColumns("engine", "mapping", "GPUs", "weights GiB/GPU", "used before KV GiB/GPU", "KV GiB/GPU", "max KV tokens", "fits");
        foreach (var e in result.Engines)
        {
            var m = e.Memory;
            mem.AddRow(e.Role, e.Mapping, e.Gpus.ToString(CultureInfo.InvariantCulture), F(m.WeightBytes / GiB, 2), F(m.UsedBeforeKvBytes / GiB, 2), F(m.KvBudgetBytes / GiB, 2),
                m.MaxKvTokens.ToString("N0", CultureInfo.InvariantCulture), m.Fits ? "[green]yes[/]" : "[red]no (OOM)[/]");
        }

        console.Write(mem);
        console.MarkupLine($"latencies from: {Markup.Escape(source)}; ops by source: {Markup.Escape(SourceCounts.Describe(result))}");
        foreach (var note in result.Notes)
        {
            console.MarkupLine($"[yellow]note:[/] {Markup.Escape(note)}");
        }
    }

    private static string F(double value, int decimals) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
