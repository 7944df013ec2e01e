using System.Runtime.InteropServices;
using AicSim.Core.Specs;

namespace AicSim.Core.Ops;

/// <summary>
/// One operator of a forward step on one GPU, as plain numbers so the same table runs in a CPU loop and in an
/// ILGPU kernel. Sizes are per shard (already divided by the mapping). Fields a kind does not use stay zero.
/// </summary>
/// <remarks>
/// Field meaning per <see cref="Kind"/>:
/// <list type="bullet">
/// <item>Gemm: N, K; weights N·K at <see cref="WeightBytesPerElement"/>.</item>
/// <item>MoeExperts: N = 3·I_e/moe_tp (gate, up, down; 2·I_e for ungated experts), K = the experts' width (hidden, or a latent MoE's); <see cref="LocalExperts"/>, <see cref="PairsPerToken"/>,
/// <see cref="TokensGathered"/> and <see cref="LogInactiveProbability"/> = ln(1 − k/E) for the expected number of experts a batch touches.</item>
/// <item>ContextAttention / GenerationAttention: <see cref="Heads"/>, <see cref="QkDim"/>, <see cref="VDim"/>,
/// <see cref="KvElementsPerToken"/> (per layer per GPU), <see cref="Window"/> (0 = full), <see cref="KvBytesPerElement"/>.</item>
/// <item>ElementWise: <see cref="BytesPerToken"/> read plus written.</item>
/// <item>Communication: <see cref="BytesPerToken"/> already multiplied by the algorithm's factor
/// (ring all-reduce 2(r−1)/r, all-to-all (r−1)/r, all-gather (r−1)); <see cref="OverNetwork"/> picks the link: 0 NVLink, 1 the
/// network; an all-to-all spanning NVLink domains carries the share of its bytes bound for other domains, (r − d)/(r − 1).</item>
/// </list>
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
public struct Op
{
    public OpKind Kind;
    public TokenScope Scope;
    public OpGroup Group;
    public ComputeType Compute;

    /// <summary>How many times the op runs per step (usually the layer count it belongs to).</summary>
    public double Count;

    /// <summary>
    /// Kernels one repetition launches, where the op stands for several (a Gated DeltaNet recurrence is nine); 0 reads as
    /// one. Only the framework's per-kernel costs count them (<see cref="Engine.EngineModel.PrefillKernels"/>).
    /// </summary>
    public double Launches;

    /// <summary>Kernels one repetition launches: <see cref="Launches"/>, at least one.</summary>
    public readonly double KernelsPerRepetition => Launches > 1 ? Launches : 1;

    public double N;
    public double K;
    public double WeightBytesPerElement;
    public double ActivationBytesPerElement;

    /// <summary>1 when the weights are counted by another op (MLA's absorbed BMMs reuse kv_b); else 0.</summary>
    public double SharesWeights;

    public double LocalExperts;
    public double PairsPerToken;
    public double TokensGathered;
    public double LogInactiveProbability;

    public double Heads;
    public double QkDim;
    public double VDim;
    public double KvElementsPerToken;
    public double KvBytesPerElement;
    public double Window;

    /// <summary>Attention over a compressed cache (DeepSeek-V4): one cached entry per this many tokens; 0 or 1 = every token.</summary>
    public double KeyStride;

    /// <summary>Tokens per cached entry: <see cref="KeyStride"/>, or 1 where the cache holds every token.</summary>
    public readonly double TokensPerKey => KeyStride > 1 ? KeyStride : 1;

    public double BytesPerToken;
    public double OverNetwork;

    /// <summary>
    /// Fixed time of one call where the framework's own kernel sets it: a collective's (0 takes the link's latency), or an
    /// MoE block's (0 takes <see cref="Estimation.EfficiencyParams.MoeOverheadSec"/>).
    /// </summary>
    public double LatencySec;

    // Identity for measured kernel tables (not used by the roofline).

    /// <summary>The quantisation the op's weights are stored in.</summary>
    public QuantMode Quant;

    public OpRole Role;

    /// <summary>GPUs taking part in a collective.</summary>
    public double Ranks;

    /// <summary>Elements one token contributes to a collective's message (before the algorithm's factor).</summary>
    public double ElementsPerToken;

    public double KvHeads;
    public double TopK;
    public double Experts;
    public double MoeTp;
    public double MoeEp;
}
