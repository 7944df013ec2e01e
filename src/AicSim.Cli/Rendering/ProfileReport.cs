using System.Globalization;
using AicSim.Core.Profiling;
using AicSim.Data.Profiles;
using Spectre.Console;

namespace AicSim.Cli.Rendering;

/// <summary>What `aicsim profile` prints: the plan, the candidates, the choice and why, warnings, and the files written.</summary>
internal static class ProfileReport
{
    public static void RenderPlan(IAnsiConsole console, SweepPlan plan)
    {
        console.MarkupLine($"Sweep plan: engines of {plan.MinGpus} to {plan.MaxGpus} GPUs.");
        var table = new Table().AddColumns("mapping", "GPUs", "status");
        foreach (var c in plan.Candidates)
        {
            table.AddRow(c.Name, I(c.Gpus), "[green]try[/]");
        }

        foreach (var s in plan.Skipped)
        {
            table.AddRow(s.Mapping.Name, I(s.Mapping.Gpus), $"[yellow]skip[/]: {Markup.Escape(s.Reason)}");
        }

        console.Write(table);
    }

    public static void Render(IAnsiConsole console, ProfileJob.Outcome outcome, string outputDir)
    {
        var r = outcome.Result;
        var req = r.Request;
        var inputs = outcome.Documents.Summary["inputs"]!;
        double ttftTarget = inputs["ttft_ms"]!.GetValue<double>();
        double itlTarget = inputs["itl_ms"]!.GetValue<double>();
        console.MarkupLine($"[bold]{Markup.Escape(req.Model.Id)}[/] on {req.System.Name}, ISL {req.Isl}, OSL {req.Osl}; targets TTFT ≤ {G(ttftTarget)} ms, ITL ≤ {G(itlTarget)} ms{Mtp(req.Backend.Speculative)}");
        if (outcome.Documents.Summary["headroom"] is { } headroom)
        {
            console.MarkupLine($"[bold]Headroom[/]: engines chosen for predicted TTFT ≤ {G(req.TtftMs)} ms and ITL ≤ {G(req.ItlMs)} ms, so that runs at {Markup.Escape(headroom["group"]!.ToString())}'s 90th percentile of measured / predicted (×{G(headroom["ttft_factor"]!.GetValue<double>())}, ×{G(headroom["itl_factor"]!.GetValue<double>())}) still meet the targets; the DGD's planner keeps the targets.");
        }

        var prefill = new Table().Title("Prefill candidates (batch 1)").AddColumns("mapping", "GPUs", "TTFT (ms)", "tokens/s/GPU", "meets TTFT");
        foreach (var p in r.Prefill)
        {
            prefill.AddRow(Mark(p == r.PrefillChoice.Point, p.Mapping.Name), I(p.Gpus), F(p.TtftMs, 1), F(p.ThroughputPerGpu, 1), p.TtftMs <= req.TtftMs ? "yes" : "[red]no[/]");
        }

        console.Write(prefill);

        var decode = new Table().Title("Decode candidates (best point within the ITL target, else the fastest)").AddColumns("mapping", "GPUs", "requests", "ITL (ms)", "tokens/s/GPU", "meets ITL");
        foreach (var group in r.Decode.GroupBy(d => d.Mapping))
        {
            var within = group.Where(d => d.ItlMs <= req.ItlMs).OrderByDescending(d => d.ThroughputPerGpu).FirstOrDefault();
            var shown = within ?? group.OrderBy(d => d.ItlMs).First();
            decode.AddRow(Mark(group.Key == r.DecodeChoice.Point.Mapping, group.Key.Name), I(shown.Gpus), I(shown.Requests), F(shown.ItlMs, 2), F(shown.ThroughputPerGpu, 1), within is null ? "[red]no[/]" : "yes");
        }

        console.Write(decode);
        if (r.Plan.Skipped.Count > 0)
        {
            console.MarkupLine($"Skipped: {Markup.Escape(string.Join("; ", r.Plan.Skipped.Select(s => $"{s.Mapping.Name} ({s.Reason})")))}");
        }

        console.MarkupLine($"[bold]Prefill[/]: {Markup.Escape(r.PrefillChoice.Reason)}");
        console.MarkupLine($"[bold]Decode[/]: {Markup.Escape(r.DecodeChoice.Reason)}");
        if (outcome.Accuracy is { } accuracy)
        {
            console.MarkupLine($"[bold]Accuracy[/]: {Markup.Escape(accuracy.Note)}");
        }

        foreach (var w in outcome.Warnings)
        {
            console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(w)}");
        }

        console.MarkupLine(r.SlaMet
            ? $"[green]SLA met.[/] Wrote {ProfileOutputWriter.Files.Count + outcome.ExtraFiles.Count} files to [bold]{Markup.Escape(outputDir)}[/]; deploy with: kubectl apply -f {Markup.Escape(Path.Combine(outputDir, "config_with_planner.yaml"))}"
            : $"[red]SLA not met:[/] the closest configuration was written to [bold]{Markup.Escape(outputDir)}[/] so you can look (summary.json has sla_met: false).");
    }

    /// <summary>", decoding with MTP (…)" when the engines draft with the model's MTP modules, else nothing.</summary>
    private static string Mtp(Core.Specs.SpeculativeDecoding? mtp) => mtp is null ? string.Empty
        : $"; decoding with MTP, {I(mtp.DraftTokens)} draft token{(mtp.DraftTokens == 1 ? string.Empty : "s")} at acceptance {mtp.Acceptance.ToString(CultureInfo.InvariantCulture)} ({F(mtp.TokensPerStep, 2)} tokens a step)";

    private static string Mark(bool chosen, string name) => chosen ? $"[bold green]{name} ◀[/]" : name;

    private static string F(double v, int decimals) => v.ToString("F" + I(decimals), CultureInfo.InvariantCulture);

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string G(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
}
