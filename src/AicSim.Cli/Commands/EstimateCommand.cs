using AicSim.Cli.Rendering;
using AicSim.Core.Errors;
using AicSim.Data.Aiperf;
using AicSim.Core.Estimate;
using AicSim.Core.Serving;
using AicSim.Core.Specs;
using AicSim.Data;
using AicSim.Data.Calibration;
using AicSim.Data.KernelData;
using AicSim.Data.Models;
using AicSim.Data.Systems;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AicSim.Cli.Commands;

/// <summary><c>aicsim estimate</c>: one configuration from flags, or every row of a CSV.</summary>
public sealed class EstimateCommand(IAnsiConsole console) : Command<EstimateSettings>
{
    public override int Execute(CommandContext context, EstimateSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var models = ModelCatalog.Load(configFolders: ModelConfigFolders.From(settings.ModelConfigs));
        var systems = SystemCatalog.Load();
        var calibration = CalibrationFile.Resolve(settings.Calibration);
        if (settings.Input is not null)
        {
            var predictor = new RowPredictor(new SiliconRowMapper(models, systems), calibration, settings.PerfSource, settings.PerfDb, settings.BackendVersion, settings.ClientConnections);
            return BatchEstimate.Run(console, predictor, settings, cancellationToken);
        }

        // Read the run first, so a bad export fails before anything is estimated.
        var run = settings.Compare is null ? null : AiperfRun.Read(settings.Compare, "--compare");
        var (request, roofline) = calibration.Apply(BuildRequest(settings, models, systems));
        var (estimator, source) = PerfSource.Create(settings.PerfSource, settings.PerfDb, settings.BackendVersion, request.System, request.Backend.Backend, roofline.Efficiency);
        var result = Estimator.Run(request, estimator);
        var comparison = run is null ? null : AiperfComparison.Of(run, result);
        var accuracy = AccuracyLookup.Find(AccuracyFile.LoadDefault(), calibration, AccuracyFile.PerfSourceKey(settings.PerfSource, settings.PerfDb),
            request.System.Name, Backends.Name(request.Backend.Backend), request.Mode == ServingMode.Aggregated ? "agg" : "disagg", result.Serving.TtftMs, result.Serving.TpotMs,
            (int)Math.Round(result.Serving.Concurrency));
        if (settings.Json)
        {
            console.Profile.Width = int.MaxValue;
            console.WriteLine(EstimateJson.Serialize(result, source, comparison, accuracy));
        }
        else
        {
            EstimateTable.Render(console, result, source, accuracy);
            if (settings.Breakdown)
            {
                EstimateTable.RenderBreakdown(console, result);
            }

            if (comparison is not null)
            {
                EstimateTable.RenderComparison(console, result, comparison, accuracy);
            }
        }

        return result.Fits ? AicSimApp.ExitOk : AicSimApp.ExitDoesNotFit;
    }

    internal static EstimateRequest BuildRequest(EstimateSettings s, ModelCatalog models, SystemCatalog systems)
    {
        var problems = new List<string>();
        var specs = SpecResolver.Resolve(models, systems, s.Model, s.System, s.Backend, s.GemmQuant, s.MoeQuant, s.KvQuant, problems)
            ?? throw new AicSimException(problems);
        var (model, system, backend, quant) = specs;
        if ((long)s.Isl + s.Osl > model.MaxContextLength)
        {
            // Past its position embeddings the model does not serve at all; the step times would be extrapolation.
            throw new AicSimException($"--isl {s.Isl} + --osl {s.Osl} tokens is beyond {model.ShortName}'s context of {model.MaxContextLength} (max_position_embeddings). Lower --isl or --osl, or give --model a config.json whose max_position_embeddings covers it (RoPE scaling).");
        }

        if (s.Mtp is not null && SpeculativeDecoding.Unsupported(model, "--mtp") is string noMtp)
        {
            throw new AicSimException(noMtp);
        }

        // A dense model has no experts to split: say so rather than ignore the flag.
        var expertFlags = new (string Flag, int? Value)[]
        {
            ("--moe-tp", s.MoeTp), ("--moe-ep", s.MoeEp), ("--prefill-moe-tp", s.PrefillMoeTp), ("--prefill-moe-ep", s.PrefillMoeEp),
            ("--decode-moe-tp", s.DecodeMoeTp), ("--decode-moe-ep", s.DecodeMoeEp),
        };
        if (!model.IsMoe && expertFlags.Where(f => f.Value is > 1).Select(f => f.Flag).ToList() is { Count: > 0 } given)
        {
            throw new AicSimException($"{string.Join(", ", given)}: {model.ShortName} is dense, it has no experts to split. Drop {(given.Count == 1 ? "it" : "them")}; --tp and --attention-dp map a dense model.");
        }

        var agg = new EstimateRequest
        {
            Model = model,
            System = system,
            Backend = BackendProfile.For(backend) with { Speculative = s.Mtp is int draft ? new SpeculativeDecoding(draft, s.MtpAcceptance) : null },
            Quant = quant,
            Workload = new Workload(s.Isl, s.Osl),
            Mode = ServingMode.Aggregated,
            Parallel = ParallelConfig.FromSizes(s.Tp, s.Pp, s.AttentionDp, s.MoeTp, s.MoeEp, model.IsMoe),
            Concurrency = s.BatchSize,
            ClientConnections = s.ClientConnections,
        };

        return s.Mode == "agg" ? agg : agg with
        {
            Mode = ServingMode.Disaggregated,
            Parallel = ParallelConfig.FromSizes(s.PrefillTp, s.PrefillPp, s.PrefillAttentionDp, s.PrefillMoeTp, s.PrefillMoeEp, model.IsMoe),
            DecodeParallel = ParallelConfig.FromSizes(s.DecodeTp, s.DecodePp, s.DecodeAttentionDp, s.DecodeMoeTp, s.DecodeMoeEp, model.IsMoe),
            Deployment = new DisaggregatedDeployment(s.PrefillWorkers, s.PrefillBatchSize, s.DecodeWorkers, s.DecodeBatchSize),
        };
    }
}
