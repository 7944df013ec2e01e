using AicSim.Core.Engine;
using AicSim.Core.Estimate;
using AicSim.Core.Ops;
using AicSim.Core.Tables;

namespace AicSim.Cli.Rendering;

/// <summary>How many ops of the representative prefill and decode steps each source priced.</summary>
internal static class SourceCounts
{
    public static Dictionary<string, Dictionary<string, int>> ByStep(EstimateResult result)
    {
        var r = result.Request;
        var engine = EngineModel.Create(new EngineConfig(r.Model, r.System, r.Mode == ServingMode.Aggregated ? r.Parallel : r.DecodeParallel!, r.Quant, r.Backend), result.Estimator);
        var prefillEngine = r.Mode == ServingMode.Aggregated ? engine : EngineModel.Create(new EngineConfig(r.Model, r.System, r.Parallel, r.Quant, r.Backend), result.Estimator);
        return new Dictionary<string, Dictionary<string, int>>
        {
            ["prefill"] = Names(prefillEngine.Sources(StepShape.Prefill(1, Math.Min(r.Workload.Isl, prefillEngine.PrefillTokenBudget)))),
            ["decode"] = Names(engine.Sources(StepShape.Decode(Math.Max(1, r.Concurrency / engine.AttentionDp), r.Workload.MeanDecodeContext))),
        };
    }

    public static string Describe(EstimateResult result) =>
        string.Join("; ", ByStep(result).Select(s => $"{s.Key} {string.Join(", ", s.Value.Select(kv => $"{kv.Key} {kv.Value}"))}"));

    private static Dictionary<string, int> Names(IReadOnlyDictionary<OpSource, int> counts) =>
        counts.ToDictionary(kv => kv.Key switch { OpSource.Table => "table", OpSource.TableEdge => "table_edge", _ => "roofline" }, kv => kv.Value);
}
