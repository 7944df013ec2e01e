using AicSim.Core.Engine;
using AicSim.Core.Estimation;
using AicSim.Core.Serving;

namespace AicSim.Core.Estimate;

/// <summary>Runs an <see cref="EstimateRequest"/> through the engine and serving models.</summary>
public static class Estimator
{
    /// <summary>Estimates one configuration. Throws <see cref="Errors.UnsupportedException"/> for mappings or dtypes that cannot run.</summary>
    public static EstimateResult Run(EstimateRequest request, IOpEstimator? estimator = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        EngineModel Engine(Specs.ParallelConfig p) =>
            EngineModel.Create(new EngineConfig(request.Model, request.System, p, request.Quant, request.Backend), estimator);

        if (request.Mode == ServingMode.Aggregated)
        {
            var engine = Engine(request.Parallel);
            var serving = AggregatedServing.Estimate(engine, request.Workload, request.Concurrency, request.ClientConnections);
            return new EstimateResult(request, serving, [Summary("agg", engine, request.Workload)]) { Estimator = engine.Estimator };
        }

        var decodeParallel = request.DecodeParallel ?? throw new ArgumentException("A disaggregated request needs DecodeParallel.", nameof(request));
        var deployment = request.Deployment ?? throw new ArgumentException("A disaggregated request needs Deployment.", nameof(request));
        var prefill = Engine(request.Parallel);
        var decode = Engine(decodeParallel);
        var disagg = DisaggregatedServing.Estimate(prefill, decode, deployment, request.Workload, request.ClientConnections);
        return new EstimateResult(request, disagg, [Summary("prefill", prefill, request.Workload), Summary("decode", decode, request.Workload)]) { Estimator = decode.Estimator };
    }

    // Each attention rank keeps its own requests whole, so one request must fit in one rank's share: its prompt on a
    // prefill engine (which hands the cache on), prompt and answer elsewhere.
    private static EngineSummary Summary(string role, EngineModel engine, Workload workload)
    {
        int tokens = role == "prefill" ? workload.Isl : workload.Isl + workload.Osl;
        return new(role, engine.Config.Parallel.Name, engine.Config.Gpus, engine.Memory)
        {
            RequestsPerRank = engine.Memory.RequestsHeld(tokens) / engine.AttentionDp,
            RequestTokens = tokens,
            AttentionDp = engine.AttentionDp,
        };
    }
}
