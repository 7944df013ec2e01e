using System.Diagnostics;
using System.Globalization;
using AicSim.Core.Engine;
using AicSim.Core.Errors;
using AicSim.Core.Estimation;
using AicSim.Core.Profiling;
using AicSim.Data.Models;
using AicSim.Data.Profiles;
using AicSim.Data.Systems;
using AicSim.Gpu;
using CsvHelper;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AicSim.Cli.Commands;

/// <summary>
/// <c>aicsim capacity</c>: for every engine profile would try and every context asked for, the most requests it decodes at
/// once within the ITL target, and the tokens per second per GPU that gives — priced on every CPU core, or on a CUDA GPU
/// for grids large enough to repay starting it (<see cref="CapacitySweep.AutoGpuStepsPerCore"/>).
/// </summary>
public sealed class CapacityCommand(IAnsiConsole console) : Command<CapacitySettings>
{
    /// <summary>Contexts answered when --contexts is not given (those within the model's context).</summary>
    public static IReadOnlyList<double> DefaultContexts { get; } = [1024, 4096, 16384, 65536];

    public override int Execute(CommandContext context, CapacitySettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Infrastructure.OutputPath.EnsureWritable("--output", settings.Output);
        var job = new ProfileJob(ModelCatalog.Load(configFolders: ModelConfigFolders.From(settings.ModelConfigs)), SystemCatalog.Load());
        var request = job.Resolve(ProfileJob.Defaults.Merge(new ProfileOptions
        {
            Model = settings.Model,
            Backend = settings.Backend,
            System = settings.System,
            Itl = settings.Itl,
            MinGpus = settings.MinGpus,
            MaxGpus = settings.MaxGpus,
            GemmQuant = settings.GemmQuant,
            MoeQuant = settings.MoeQuant,
            KvQuant = settings.KvQuant,
            Mtp = settings.Mtp,
            MtpAcceptance = settings.MtpAcceptance,
            Calibration = settings.Calibration,
        }));
        var contexts = settings.ContextList() ?? [.. DefaultContexts.Where(c => c <= request.Model.MaxContextLength)];
        var beyond = contexts.Where(c => c > request.Model.MaxContextLength).ToList();
        if (beyond.Count > 0 || contexts.Count == 0)
        {
            throw new AicSimException($"--contexts: {request.Model.ShortName} holds at most {request.Model.MaxContextLength} tokens; {string.Join(", ", beyond)} is beyond it. Ask for shorter contexts.");
        }

        var plan = SweepPlan.For(request);
        if (plan.Candidates.Count == 0)
        {
            throw new UnsupportedException($"No mapping of {request.Model.ShortName} between {plan.MinGpus} and {plan.MaxGpus} GPUs can run. Widen --min-num-gpus/--max-num-gpus or pick a larger system.");
        }

        if (request.Estimator is not RooflineEstimator)
        {
            throw new AicSimException("capacity prices decode steps with the roofline, on a GPU or on every CPU core; this system and backend have measured kernel tables bundled, which it cannot use. Run estimate or profile for them.");
        }

        var engines = plan.Candidates.Select(c => EngineModel.Create(new EngineConfig(request.Model, request.System, c, request.Quant, request.Backend), request.Estimator)).ToList();
        var device = settings.Device switch { "gpu" => SweepDevice.Gpu, "cpu" => SweepDevice.Cpu, _ => SweepDevice.Auto };
        var clock = Stopwatch.StartNew();
        var result = CapacitySweep.Run(engines, contexts, request.ItlMs, device);
        clock.Stop();

        Render(request, contexts, result, clock.Elapsed.TotalMilliseconds);
        if (settings.Output is not null)
        {
            Write(settings.Output, result);
            console.MarkupLine($"Every answer: [bold]{Markup.Escape(settings.Output)}[/]");
        }

        if (result.Points.Any(p => p.MaxConcurrency > 0))
        {
            return AicSimApp.ExitOk;
        }

        // Not one engine at any context: the target, not the question, is what to change; say how far off it is.
        double shortest = contexts.Min();
        var fastest = engines.Select(e => (e.Config.Parallel, ItlMs: e.DecodeItlMs(e.AttentionDp, shortest))).MinBy(e => e.ItlMs);
        console.MarkupLine("[yellow]" + Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"warning: ITL target not met: no engine decodes even one request per attention rank within --itl {request.ItlMs} ms at any context; the fastest is {fastest.Parallel.Name} at {fastest.ItlMs:F1} ms (context {shortest:F0}). Relax --itl, allow more GPUs per engine (--max-num-gpus), or use a faster system.")) + "[/]");
        return AicSimApp.ExitTargetNotMet;
    }

    private void Render(ProfileRequest request, IReadOnlyList<double> contexts, CapacityResult result, double ms)
    {
        console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{request.Model.Id} on {request.System.Name} with {request.Backend.Backend.ToString().ToLowerInvariant()}: the most requests decoding at once within ITL {request.ItlMs} ms, and tokens/s/GPU there.")));
        var table = new Table().AddColumn("mapping").AddColumn("GPUs");
        foreach (double c in contexts)
        {
            table.AddColumn(new TableColumn(string.Create(CultureInfo.InvariantCulture, $"context {c:F0}")).RightAligned());
        }

        foreach (var engine in result.Points.GroupBy(p => p.Mapping))
        {
            var cells = new List<string> { engine.Key.Name, engine.Key.Gpus.ToString(CultureInfo.InvariantCulture) };
            cells.AddRange(engine.Select(Cell));
            table.AddRow([.. cells.Select(Markup.Escape)]);
        }

        console.Write(table);
        foreach (double c in contexts)
        {
            var best = result.Points.Where(p => p.Context == c && p.MaxConcurrency > 0).MaxBy(p => p.TokensPerSecPerGpu);
            console.MarkupLine(Markup.Escape(best is null
                ? string.Create(CultureInfo.InvariantCulture, $"context {c:F0}: no engine meets ITL {request.ItlMs} ms.")
                : string.Create(CultureInfo.InvariantCulture, $"context {c:F0}: most tokens/s/GPU on {best.Mapping.Name}, {best.TokensPerSecPerGpu:F0} at {best.MaxConcurrency} requests (ITL {best.ItlMs:F1} ms).")));
        }

        console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{result.GridPoints:N0} decode steps priced on {result.Device} in {ms:F0} ms. KV = the KV cache's limit, batch = the framework's batch limit; otherwise the ITL binds.")));
    }

    private static string Cell(CapacityPoint p) => p.LimitedBy switch
    {
        CapacityLimit.Unreachable => "ITL out of reach",
        _ when p.MaxConcurrency == 0 => "no room in KV",
        _ => string.Create(CultureInfo.InvariantCulture, $"{p.MaxConcurrency} req, {p.TokensPerSecPerGpu:F0} tok/s/GPU{Suffix(p.LimitedBy)}"),
    };

    private static string Suffix(CapacityLimit limit) => limit switch
    {
        CapacityLimit.KvCache => " (KV)",
        CapacityLimit.BatchLimit => " (batch)",
        _ => string.Empty,
    };

    private static void Write(string path, CapacityResult result)
    {
        Data.AtomicFile.Write(path, stream =>
        {
            using var csv = CsvWriter.Create(stream, new CsvWriterOptions { NewLine = "\n" });
            csv.WriteHeader(["mapping", "gpus", "context", "max_concurrency", "itl_ms", "tokens_per_sec_per_gpu", "limited_by"]);
            foreach (var p in result.Points)
            {
                csv.WriteRecord(
                [
                    p.Mapping.Name, p.Mapping.Gpus.ToString(CultureInfo.InvariantCulture), p.Context.ToString(CultureInfo.InvariantCulture),
                    p.MaxConcurrency.ToString(CultureInfo.InvariantCulture), double.IsNaN(p.ItlMs) ? string.Empty : p.ItlMs.ToString("R", CultureInfo.InvariantCulture),
                    p.TokensPerSecPerGpu.ToString("R", CultureInfo.InvariantCulture), Limit(p.LimitedBy),
                ]);
            }
        });
    }

    private static string Limit(CapacityLimit limit) => limit switch
    {
        CapacityLimit.Itl => "itl",
        CapacityLimit.KvCache => "kv_cache",
        CapacityLimit.BatchLimit => "batch_limit",
        _ => "unreachable",
    };
}
