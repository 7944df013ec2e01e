using AicSim.Core.Engine;

namespace AicSim.Core.Estimate;

/// <summary>One engine of an estimate: mapping and memory, for the report.</summary>
/// <param name="Role">"agg", "prefill" or "decode".</param>
/// <param name="Mapping">TP4, TEP8, DEP16, ...</param>
/// <param name="Gpus">GPUs of one engine.</param>
/// <param name="Memory">Memory per GPU and KV capacity.</param>
public sealed record EngineSummary(string Role, string Mapping, int Gpus, MemoryFit Memory)
{
    /// <summary>Whole requests of the workload one attention rank's KV cache holds at once.</summary>
    public long RequestsPerRank { get; init; } = long.MaxValue;

    /// <summary>Attention-DP ranks, each with its own share of the KV cache.</summary>
    public int AttentionDp { get; init; } = 1;

    /// <summary>The tokens one request keeps in this engine's cache: isl + osl, or isl on a prefill engine.</summary>
    public long RequestTokens { get; init; }

    /// <summary>Whether weights and workspace fit and the KV cache holds at least one whole request.</summary>
    public bool Fits => Memory.Fits && RequestsPerRank >= 1;
}
