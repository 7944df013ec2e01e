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

    /// <summary>INT8 weight-only (a scale per output channel); math in bf16.</summary>
    Int8WeightOnly,

    /// <summary>INT4 weights (a bf16 scale per 128) with FP8 activations: TensorRT-LLM's W4A8 experts on Hopper.</summary>
    W4Afp8,

    /// <summary>NVFP4 weights with bf16 activations (ModelOpt's W4A16_NVFP4): the storage of NVFP4, the math of bf16.</summary>
    Nvfp4WeightOnly,
}
