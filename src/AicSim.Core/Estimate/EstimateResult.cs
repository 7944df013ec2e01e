using AicSim.Core.Serving;

namespace AicSim.Core.Estimate;

/// <summary>The answer to an <see cref="EstimateRequest"/>.</summary>
public sealed record EstimateResult(EstimateRequest Request, ServingEstimate Serving, IReadOnlyList<EngineSummary> Engines)
{
    /// <summary>The estimator that priced the ops (roofline, or tables with roofline fallback).</summary>
    public Estimation.IOpEstimator? Estimator { get; init; }

    /// <summary>Whether every engine fits in GPU memory with room for KV cache.</summary>
    public bool Fits => Engines.All(e => e.Fits);

    /// <summary>Request readings, serving notes and memory warnings together.</summary>
    public IEnumerable<string> Notes =>
        Request.Readings
            .Concat(Serving.Notes)
            .Concat(Engines.Where(e => !e.Fits).Select(e => !e.Memory.Fits
                ? $"{e.Role} engine {e.Mapping} does not fit: {e.Memory.UsedBeforeKvBytes / (1L << 30):F1} GiB per GPU before KV cache, of {e.Memory.CapacityBytes / (1L << 30):F1} GiB."
                : $"{e.Role} engine {e.Mapping} does not fit one request: its KV cache holds {e.Memory.MaxKvTokens:N0} tokens{(e.AttentionDp > 1 ? $" over {e.AttentionDp} attention ranks" : string.Empty)}, a request needs {e.RequestTokens:N0} on one rank. Use more GPUs per engine or a shorter --isl/--osl."));
}
