using System.Globalization;
using AicSim.Core.Errors;

namespace AicSim.Core.Specs;

/// <summary>Names, storage sizes and compute rates of <see cref="QuantMode"/>s.</summary>
public static class QuantModes
{
    private static readonly Dictionary<string, QuantMode> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["bf16"] = QuantMode.Bf16,
        ["bfloat16"] = QuantMode.Bf16,
        ["float16"] = QuantMode.Bf16,
        ["fp16"] = QuantMode.Bf16,
        ["fp8"] = QuantMode.Fp8,
        ["fp8_block"] = QuantMode.Fp8Block,
        ["nvfp4"] = QuantMode.Nvfp4,
        ["fp4"] = QuantMode.Nvfp4,
        ["mxfp4"] = QuantMode.Mxfp4,
        ["int4_wo"] = QuantMode.Int4WeightOnly,
        ["w4a16"] = QuantMode.Int4WeightOnly,
        ["int4"] = QuantMode.Int4WeightOnly,
        ["int8"] = QuantMode.Int8WeightOnly,

        // aiconfigurator's names (its GEMM and MoE quant modes), which calibration-style CSVs use.
        ["fp8_static"] = QuantMode.Fp8,
        ["w4a16_mxfp4"] = QuantMode.Mxfp4,
        ["int8_wo"] = QuantMode.Int8WeightOnly,
        ["w4afp8"] = QuantMode.W4Afp8,
        ["w4a16_nvfp4"] = QuantMode.Nvfp4WeightOnly,
        ["fp8_ootb"] = QuantMode.Fp8,

        // MXFP4 experts with MXFP8 activations (aiconfigurator's gpt-oss mode on Blackwell): priced as its MXFP4, as gpt-oss
        // is (at the FP8 rate its rows fitted worse; docs/accuracy-history.md).
        ["w4a8_mxfp4_mxfp8"] = QuantMode.Mxfp4,
    };

    /// <summary>The canonical names, as the CLI and the calibration CSV spell them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["bf16", "fp8", "fp8_block", "nvfp4", "mxfp4", "int4_wo", "int8_wo", "w4afp8", "w4a16_nvfp4"];

    /// <summary>Parses a quant-mode name; throws with the accepted names if unknown.</summary>
    public static QuantMode Parse(string name, string field)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (ByName.TryGetValue(name.Trim(), out var mode))
        {
            return mode;
        }

        throw new AicSimException(
            $"{field}: unknown quantisation '{name}'. Use one of {string.Join(", ", Names)}.{NameSuggester.Hint(name, Names)}");
    }

    /// <summary>The canonical name of a mode.</summary>
    public static string Name(QuantMode mode) => mode switch
    {
        QuantMode.Bf16 => "bf16",
        QuantMode.Fp8 => "fp8",
        QuantMode.Fp8Block => "fp8_block",
        QuantMode.Nvfp4 => "nvfp4",
        QuantMode.Mxfp4 => "mxfp4",
        QuantMode.Int4WeightOnly => "int4_wo",
        QuantMode.Int8WeightOnly => "int8_wo",
        QuantMode.W4Afp8 => "w4afp8",
        QuantMode.Nvfp4WeightOnly => "w4a16_nvfp4",
        _ => mode.ToString().ToLower(CultureInfo.InvariantCulture),
    };

    /// <summary>Bytes per stored element, scales included.</summary>
    /// <remarks>
    /// NVFP4: 4 bits + one FP8 scale per 16 values = 4.5 bits = 0.5625 B. MXFP4: 4 bits + one 8-bit scale per 32 = 0.53125 B.
    /// INT4 weight-only and W4A8: 4 bits + one bf16 scale per 128 values ≈ 0.516 B. INT8 weight-only: 1 B (its per-channel
    /// scales are negligible).
    /// FP8 block: 1 B + one fp32 scale per 128x128 block (negligible).
    /// </remarks>
    public static double BytesPerElement(QuantMode mode) => mode switch
    {
        QuantMode.Bf16 => 2.0,
        QuantMode.Fp8 => 1.0,
        QuantMode.Fp8Block => 1.0,
        QuantMode.Nvfp4 => 0.5625,
        QuantMode.Mxfp4 => 0.53125,
        QuantMode.Int4WeightOnly => 0.5 + (2.0 / 128.0),
        QuantMode.Int8WeightOnly => 1.0,
        QuantMode.W4Afp8 => 0.5 + (2.0 / 128.0),
        QuantMode.Nvfp4WeightOnly => 0.5625,
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    /// <summary>The tensor-core rate the GEMM math of this mode runs at.</summary>
    public static ComputeType Compute(QuantMode mode) => mode switch
    {
        QuantMode.Bf16 => ComputeType.Bf16,
        QuantMode.Fp8 => ComputeType.Fp8,
        QuantMode.Fp8Block => ComputeType.Fp8,
        QuantMode.Nvfp4 => ComputeType.Fp4,
        QuantMode.Mxfp4 => ComputeType.Fp4,
        QuantMode.Int4WeightOnly => ComputeType.Bf16,
        QuantMode.Int8WeightOnly => ComputeType.Bf16,
        QuantMode.W4Afp8 => ComputeType.Fp8,
        QuantMode.Nvfp4WeightOnly => ComputeType.Bf16,
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    /// <summary>Bytes per input activation of a GEMM running at <paramref name="compute"/>: fp8 and fp4 kernels read quantised inputs.</summary>
    public static double ActivationBytes(ComputeType compute) => compute switch
    {
        ComputeType.Fp4 => 0.5625,
        ComputeType.Fp8 => 1.0,
        _ => 2.0,
    };

    /// <summary>
    /// The compute type <paramref name="mode"/> runs at on <paramref name="system"/>. MXFP4 runs weight-only (W4A16) on GPUs
    /// without FP4 tensor cores, as vLLM and TensorRT-LLM run gpt-oss on Hopper; any other missing dtype is an error.
    /// </summary>
    public static ComputeType ComputeOn(QuantMode mode, SystemSpec system)
    {
        ArgumentNullException.ThrowIfNull(system);
        var compute = Compute(mode);
        if (mode == QuantMode.Mxfp4 && !system.PeakFlopsPerSec.ContainsKey(compute))
        {
            return ComputeType.Bf16;
        }

        system.PeakFlops(compute, mode);
        return compute;
    }
}
