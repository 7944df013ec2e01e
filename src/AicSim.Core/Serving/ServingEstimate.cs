namespace AicSim.Core.Serving;

/// <summary>What a user sees from a deployment at a given load.</summary>
/// <param name="TtftMs">Mean time to first token, serving overhead and queueing included.</param>
/// <param name="TpotMs">Mean time per output token after the first.</param>
/// <param name="OutputTokensPerSecPerGpu">Output tokens per second across the deployment, per GPU.</param>
/// <param name="OutputTokensPerSecPerUser">Streaming speed one user sees: 1000 / TPOT.</param>
/// <param name="Gpus">GPUs of the deployment.</param>
/// <param name="Concurrency">Requests in flight.</param>
/// <param name="Notes">Assumptions and warnings worth showing (KV capacity exceeded, prefill saturated...).</param>
public sealed record ServingEstimate(
    double TtftMs,
    double TpotMs,
    double OutputTokensPerSecPerGpu,
    double OutputTokensPerSecPerUser,
    int Gpus,
    double Concurrency,
    IReadOnlyList<string> Notes)
{
    /// <summary>Where <see cref="TtftMs"/> goes, part by part.</summary>
    public TtftParts? TtftParts { get; init; }

    /// <summary>Where <see cref="TpotMs"/> goes, part by part.</summary>
    public TpotParts? TpotParts { get; init; }
}
