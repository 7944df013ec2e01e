namespace AicSim.Core.Specs;

/// <summary>Quantisation of an engine: dense GEMMs, MoE experts, and the KV cache (which also sets attention math).</summary>
/// <param name="Gemm">Attention projections, dense FFNs, shared experts.</param>
/// <param name="Moe">Routed experts.</param>
/// <param name="KvCache">KV cache storage: bf16 or fp8.</param>
public sealed record QuantConfig(QuantMode Gemm, QuantMode Moe, QuantMode KvCache)
{
    /// <summary>Everything in bf16.</summary>
    public static QuantConfig Bf16 { get; } = new(QuantMode.Bf16, QuantMode.Bf16, QuantMode.Bf16);

    public override string ToString() =>
        $"gemm {QuantModes.Name(Gemm)}, moe {QuantModes.Name(Moe)}, kv {QuantModes.Name(KvCache)}";
}
