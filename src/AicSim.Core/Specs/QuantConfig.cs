namespace AicSim.Core.Specs;

/// <summary>Quantisation of an engine: dense GEMMs, MoE experts, and the KV cache (which also sets attention math).</summary>
/// <param name="Gemm">Dense FFNs, shared experts, and the attention projections unless <see cref="AttentionOverride"/> says otherwise.</param>
/// <param name="Moe">Routed experts.</param>
/// <param name="KvCache">KV cache storage: bf16 or fp8.</param>
public sealed record QuantConfig(QuantMode Gemm, QuantMode Moe, QuantMode KvCache)
{
    /// <summary>Everything in bf16.</summary>
    public static QuantConfig Bf16 { get; } = new(QuantMode.Bf16, QuantMode.Bf16, QuantMode.Bf16);

    /// <summary>
    /// The attention projections' own format, where a checkpoint keeps them apart from the other GEMMs (NVIDIA's NVFP4
    /// GLM-5 keeps them in BF16 and its shared experts in NVFP4; Qwen3.6's FP8 attention beside weight-only FP4 MLPs).
    /// Null = <see cref="Gemm"/>. Linear-attention and Mamba mixers' projections count as attention.
    /// </summary>
    public QuantMode? AttentionOverride { get; init; }

    /// <summary>The format of the attention (and other token-mixer) projections.</summary>
    public QuantMode Attention => AttentionOverride ?? Gemm;

    public override string ToString() =>
        $"gemm {QuantModes.Name(Gemm)}, " + (AttentionOverride is { } a ? $"attention {QuantModes.Name(a)}, " : string.Empty) +
        $"moe {QuantModes.Name(Moe)}, kv {QuantModes.Name(KvCache)}";
}
