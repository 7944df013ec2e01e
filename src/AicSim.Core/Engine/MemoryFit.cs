namespace AicSim.Core.Engine;

/// <summary>Where one GPU's memory goes, and how many tokens of KV cache the engine holds.</summary>
/// <param name="CapacityBytes">HBM of one GPU.</param>
/// <param name="WeightBytes">Weights resident on one GPU.</param>
/// <param name="ActivationBytes">Activation workspace for the largest step.</param>
/// <param name="FrameworkBytes">Framework and CUDA context.</param>
/// <param name="CommunicationBufferBytes">NCCL buffers.</param>
/// <param name="KvBudgetBytes">Bytes per GPU given to the KV cache (0 when out of memory).</param>
/// <param name="KvBytesPerToken">KV bytes one token costs on one GPU.</param>
/// <param name="MaxKvTokens">Tokens the whole engine's KV cache holds (all attention-DP ranks together).</param>
public sealed record MemoryFit(
    double CapacityBytes,
    double WeightBytes,
    double ActivationBytes,
    double FrameworkBytes,
    double CommunicationBufferBytes,
    double KvBudgetBytes,
    double KvBytesPerToken,
    long MaxKvTokens)
{
    /// <summary>Fixed per-sequence memory on one GPU (linear-attention state), paid from the same budget as the KV cache.</summary>
    public double StateBytesPerSequence { get; init; }

    /// <summary>A sequence's fixed state expressed in KV tokens, so a request costs its tokens plus this.</summary>
    public double StateTokensPerSequence => KvBytesPerToken > 0 ? StateBytesPerSequence / KvBytesPerToken : 0;

    public double UsedBeforeKvBytes => WeightBytes + ActivationBytes + FrameworkBytes + CommunicationBufferBytes;

    /// <summary>Whether weights and workspace fit with room for at least one full request of KV.</summary>
    public bool Fits => KvBudgetBytes > 0 && MaxKvTokens > 0;

    /// <summary>Requests of <paramref name="isl"/> + <paramref name="osl"/> tokens the KV cache holds at once.</summary>
    public long MaxRequests(int isl, int osl) => RequestsHeld(isl + osl);

    /// <summary>Requests the cache holds when each keeps <paramref name="tokensPerRequest"/> tokens (plus its fixed state).</summary>
    public long RequestsHeld(double tokensPerRequest) =>
        (long)Math.Floor(MaxKvTokens / Math.Max(1.0, tokensPerRequest + StateTokensPerSequence));
}
