using System.Runtime.InteropServices;

namespace AicSim.Core.Estimation;

/// <summary>
/// The roofline's empirical constants: how close kernels get to peak, as a function of shape, and fixed costs.
/// Few and physical on purpose, so a calibration cannot memorise measurements.
/// </summary>
/// <remarks>
/// Defaults: memory efficiency 0.8 and 3 µs per memory-bound kernel follow DOMAIN.md §6 (and aiconfigurator's
/// mem_bw_empirical_scaling_factor / mem_empirical_constant_latency); GEMM efficiency 0.8 at large m matches the
/// ~790 TFLOP/s of a 8192³ bf16 matmul on H200 (GPU.md) against a 989 TFLOP/s peak; flash-attention at 0.6 of
/// peak for long sequences; an MoE block's fixed 25 µs is what aiconfigurator's measured fused-MoE kernels take beyond
/// the memory roofline at one to four tokens (h100/h200/b200, TensorRT-LLM and vLLM: 22–33 µs; `moe-study`); W4A16
/// experts dequantise at most 3.3 TB/s of packed weights (measured on H200 and GB200 alike); a per-tensor FP8 GEMM's
/// extra 9 µs is about what the measured FP8 GEMMs take beyond BF16's at decode sizes (9.5–11.7 µs; 6 and 12 µs did no
/// better cross-validated);
/// NCCL/custom all-reduce ≈ 8 µs on NVLink, 20 µs across the network, P2P 10 µs. Generation attention at 0.5 of the
/// peak of its cache's dtype follows aiconfigurator's measured MLA decode kernels (`attention-study`: FP8 MLA at batch
/// 256 × 8192 tokens runs at half the FP8 peak on B200 and GB200, a third of it on H200, BF16 at 0.6 of the BF16 peak).
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
public struct EfficiencyParams
{
    /// <summary>GEMM compute efficiency at large m.</summary>
    public double GemmEfficiency;

    /// <summary>m at which a GEMM reaches half of <see cref="GemmEfficiency"/> (tile under-use at small m).</summary>
    public double GemmHalfEfficiencyTokens;

    /// <summary>Extra factor on grouped expert GEMMs (routing imbalance, smaller tiles).</summary>
    public double MoeEfficiency;

    /// <summary>Share of HBM bandwidth that streaming kernels achieve.</summary>
    public double MemoryEfficiency;

    /// <summary>Fixed cost of one kernel launch.</summary>
    public double KernelOverheadSec;

    /// <summary>
    /// Fixed latency of one MoE block on a GPU, however few its tokens: routing, sorting tokens by expert, permuting
    /// and un-permuting, the grouped GEMMs' launch and tail (several kernels, measured as one).
    /// </summary>
    public double MoeOverheadSec;

    /// <summary>
    /// Extra fixed time of a GEMM with per-tensor FP8 weights and activations: quantising the activations on the fly
    /// and the scaled epilogue (TensorRT-LLM's measured FP8 GEMMs at m = 1–64 take 13–16 µs beyond their weight read,
    /// BF16's 3–4 µs; `gemm-efficiency-study`). NVFP4's tables show 10 µs more than BF16 too, but the served rows did not
    /// bear that out (docs/accuracy-history.md), so it pays none.
    /// </summary>
    public double Fp8GemmExtraSec;

    /// <summary>
    /// The same for block-scaled FP8 (128-wide scale groups, DeepSeek's format), whose measured GEMMs take about 3 µs
    /// more than BF16's at decode sizes: the per-group activation quantisation is lighter, or fused.
    /// </summary>
    public double Fp8BlockGemmExtraSec;

    /// <summary>
    /// Packed INT4 bytes per second a weight-only (W4A16) expert kernel dequantises, whatever the HBM bandwidth: the
    /// measured W4A16 fused-MoE kernels stream their weights at 2.9–3.8 TB/s on H200 (0.75–1.0 of the memory roofline)
    /// and on GB200 alike (0.45–0.63 of it; vLLM and SGLang, Kimi-K2.5, 16–256 tokens; `moe-study`), so the rate is the
    /// dequantising CUDA cores', not the memory's. Below it (H100) nothing changes.
    /// </summary>
    public double Int4DequantBytesPerSec;

    /// <summary>Flash-attention compute efficiency at long sequence.</summary>
    public double AttentionEfficiency;

    /// <summary>Sequence length at which context attention reaches half of <see cref="AttentionEfficiency"/>.</summary>
    public double AttentionHalfEfficiencyTokens;

    /// <summary>Compute efficiency of generation attention (one query per sequence; MLA's 128 heads make it compute-bound).</summary>
    public double DecodeAttentionEfficiency;

    /// <summary>Share of link bandwidth collectives achieve.</summary>
    public double CommunicationEfficiency;

    public double NvlinkLatencySec;

    public double NetworkLatencySec;

    /// <summary>
    /// Least time of one MoE dispatch or combine between attention-DP ranks. NCCL's bare all-to-all takes 9–13 µs for
    /// small messages over 8 H100, H200 or B200 GPUs (aiconfigurator's nccl tables); the frameworks' dispatch adds the
    /// exchange of token counts and the permutation kernels around it. Chosen by 5-fold cross-validation (TPOT / TTFT
    /// MAPE by configuration): once, the link latency alone (8 µs) 16.6 / 34.6 %; 20 µs 16.5 / 34.5; 30 µs 16.3 / 34.7;
    /// 40 µs 16.3 / 34.9; 70 µs 16.7 / 35.1. Rechecked with the model of November 2026, when the report's mapping slices
    /// showed attention-DP engines predicted 13% fast: 30 µs 14.23 / 30.58 %; 40 µs 14.17 / 30.60; 45 µs 14.11 / 30.67;
    /// 50 µs 14.11 / 30.69; 55 µs 14.13 / 30.60; 60 µs 14.19 / 30.70 — and at 50 µs TPOT gains 0.12–0.23 points in
    /// every other split (fold seeds, models or (system, backend) held out) while TTFT moves within ±0.11.
    /// </summary>
    public double AllToAllLatencySec;

    public static EfficiencyParams Default => new()
    {
        GemmEfficiency = 0.8,
        GemmHalfEfficiencyTokens = 64,
        MoeEfficiency = 0.8,
        MemoryEfficiency = 0.8,
        KernelOverheadSec = 3e-6,
        MoeOverheadSec = 25e-6,
        Fp8GemmExtraSec = 9e-6,
        Fp8BlockGemmExtraSec = 3e-6,
        Int4DequantBytesPerSec = 3.3e12,
        AttentionEfficiency = 0.6,
        AttentionHalfEfficiencyTokens = 512,
        DecodeAttentionEfficiency = 0.5,
        CommunicationEfficiency = 0.8,
        NvlinkLatencySec = 8e-6,
        NetworkLatencySec = 20e-6,
        AllToAllLatencySec = 50e-6,
    };
}
