using AicSim.Core.Ops;

namespace AicSim.Core.Estimation;

/// <summary>
/// The least time a decode step can take: the bytes it cannot avoid reading, once each, at the GPU's peak memory
/// bandwidth, with no compute, communication or overhead. A bound that holds for any engine, however well tuned, so a
/// measurement below it did not run as it is read (or decoded several tokens a step).
/// </summary>
/// <remarks>
/// What a step must read on one GPU, per <see cref="Op"/> of its table (which already holds one GPU's share):
/// <list type="bullet">
/// <item>every GEMM's weights that decode runs (not the prefill-only ones), including the LM head;</item>
/// <item>of the routed experts, the k a token picks, spread over the expert-parallel GPUs (k/ep of this GPU's, at
/// least): the slowest GPU reads no less than the average, and routing may send every token to the same k;</item>
/// <item>each sequence's KV cache over its context (or window), and a linear-attention layer's state.</item>
/// </list>
/// Activations, norms and collectives are left out: the bound stays a bound.
/// </remarks>
public static class DecodeFloor
{
    /// <summary>Bytes one GPU must read in a decode step of <paramref name="sequences"/> sequences at mean context <paramref name="context"/>.</summary>
    public static DecodeBytes BytesPerGpu(ReadOnlySpan<Op> ops, double sequences, double context)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequences);
        ArgumentOutOfRangeException.ThrowIfNegative(context);
        double weights = 0;
        double cache = 0;
        foreach (ref readonly var op in ops)
        {
            switch (op.Kind)
            {
                case OpKind.Gemm when op.Scope != TokenScope.PrefillTokens:
                    weights += op.Count * op.N * op.K * op.WeightBytesPerElement;
                    break;
                case OpKind.MoeExperts:
                    double experts = Math.Min(op.LocalExperts, op.TopK / Math.Max(1.0, op.MoeEp));
                    weights += op.Count * experts * op.N * op.K * op.WeightBytesPerElement;
                    break;
                case OpKind.GenerationAttention:
                    double compressed = context / op.TokensPerKey;
                    double keys = op.Window > 0 ? Math.Min(compressed, op.Window) : compressed;
                    cache += op.Count * sequences * keys * op.KvElementsPerToken * op.KvBytesPerElement;
                    break;
                case OpKind.LinearAttention:
                    cache += op.Count * sequences * op.Heads * op.QkDim * op.VDim * op.KvBytesPerElement;
                    break;
            }
        }

        return new DecodeBytes(weights, cache);
    }
}

/// <summary>What a decode step must read on one GPU: weights, and the KV cache (or linear-attention state) of its sequences.</summary>
public readonly record struct DecodeBytes(double Weights, double Cache)
{
    public double Total => Weights + Cache;

    /// <summary>Milliseconds to read <see cref="Total"/> at <paramref name="bandwidthBytesPerSec"/>: the floor of one step.</summary>
    public double Ms(double bandwidthBytesPerSec)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bandwidthBytesPerSec);
        return Total / bandwidthBytesPerSec * 1000.0;
    }
}
