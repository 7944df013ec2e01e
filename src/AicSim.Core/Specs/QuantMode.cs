namespace AicSim.Core.Specs;

/// <summary>How a tensor's elements are stored (weights) and which tensor-core rate their math runs at.</summary>
public enum QuantMode
{
    /// <summary>bfloat16 weights and math.</summary>
    Bf16,

    /// <summary>FP8 e4m3 with per-tensor scales.</summary>
    Fp8,

    /// <summary>FP8 e4m3 with 128x128 block scales (DeepSeek-style).</summary>
    Fp8Block,

    /// <summary>NVFP4: 4-bit e2m1 values with an FP8 scale per 16 elements (Blackwell tensor cores).</summary>
    Nvfp4,

    /// <summary>MXFP4: 4-bit e2m1 values with an 8-bit power-of-two scale per 32 (gpt-oss). FP4 math on Blackwell, weight-only elsewhere.</summary>
    Mxfp4,

    /// <summary>INT4 weight-only (group size 32..128); math in bf16 after dequantisation.</summary>
    Int4WeightOnly,
}
