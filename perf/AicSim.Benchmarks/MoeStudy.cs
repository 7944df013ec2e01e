using System.Globalization;
using AicSim.Core.Ops;
using AicSim.Core.Specs;

namespace AicSim.Benchmarks;

/// <summary>
/// The routed-expert block of one MoE layer, for the MoE models of the calibration file: how much of the roofline the
/// fused-MoE kernels reach in decode-sized steps (1–256 tokens; the README's MoE overhead comes from here), or in
/// prefill-sized ones (1024–16384 tokens), where "table efficiency" is the measured kernel's flops over its time and the
/// peak of its compute dtype. The Kimi-K2.5 cases (INT4 weight-only experts) show where the W4A16 kernels stop following
/// the memory roofline: about 3.3 TB/s of packed weights, on H200 and GB200 alike.
/// </summary>
public static class MoeStudy
{
    private static readonly StudyCase[] Cases =
    [
        new("h200_sxm", "sglang", "deepseek-ai/DeepSeek-V3", ParallelConfig.FromSizes(8, 1, 1, 1, 8, true), QuantMode.Fp8Block, QuantMode.Bf16),
        new("h200_sxm", "trtllm", "deepseek-ai/DeepSeek-V3", ParallelConfig.FromSizes(8, 1, 1, 1, 8, true), QuantMode.Fp8Block, QuantMode.Bf16),
        new("b200_sxm", "trtllm", "deepseek-ai/DeepSeek-V3", ParallelConfig.FromSizes(8, 1, 1, 1, 8, true), QuantMode.Nvfp4, QuantMode.Bf16),
        new("h200_sxm", "vllm", "Qwen/Qwen3-235B-A22B", ParallelConfig.FromSizes(4, 1, 1, 4, 1, true), QuantMode.Fp8Block, QuantMode.Bf16),
        new("h100_sxm", "trtllm", "Qwen/Qwen3-235B-A22B", ParallelConfig.FromSizes(8, 1, 1, 8, 1, true), QuantMode.Fp8Block, QuantMode.Bf16),
        new("b200_sxm", "vllm", "MiniMaxAI/MiniMax-M2.5", ParallelConfig.FromSizes(2, 1, 1, 2, 1, true), QuantMode.Fp8Block, QuantMode.Bf16),
        new("h200_sxm", "vllm", "moonshotai/Kimi-K2.5", ParallelConfig.FromSizes(8, 1, 1, 8, 1, true), QuantMode.Int4WeightOnly, QuantMode.Bf16),
        new("h200_sxm", "sglang", "moonshotai/Kimi-K2.5", ParallelConfig.FromSizes(8, 1, 1, 8, 1, true), QuantMode.Int4WeightOnly, QuantMode.Bf16),
        new("gb200", "vllm", "moonshotai/Kimi-K2.5", ParallelConfig.FromSizes(4, 1, 1, 4, 1, true), QuantMode.Int4WeightOnly, QuantMode.Bf16),
        new("gb200", "sglang", "moonshotai/Kimi-K2.5", ParallelConfig.FromSizes(4, 1, 1, 4, 1, true), QuantMode.Int4WeightOnly, QuantMode.Bf16),
        // gpt-oss-120b's MXFP4 experts on Hopper run weight-only (no FP4 tensor cores): BackendProfile.MxfpMoeOverheadUs.
        new("h200_sxm", "trtllm", "openai/gpt-oss-120b", ParallelConfig.FromSizes(1, 1, 1, 1, 1, true), QuantMode.Mxfp4, QuantMode.Bf16),
        new("h200_sxm", "trtllm", "openai/gpt-oss-120b", ParallelConfig.FromSizes(4, 1, 1, 1, 4, true), QuantMode.Mxfp4, QuantMode.Bf16),
        new("h200_sxm", "vllm", "openai/gpt-oss-120b", ParallelConfig.FromSizes(1, 1, 1, 1, 1, true), QuantMode.Mxfp4, QuantMode.Bf16),
        new("h200_sxm", "vllm", "openai/gpt-oss-120b", ParallelConfig.FromSizes(8, 1, 1, 8, 1, true), QuantMode.Mxfp4, QuantMode.Bf16),
        new("h200_sxm", "sglang", "openai/gpt-oss-120b", ParallelConfig.FromSizes(1, 1, 1, 1, 1, true), QuantMode.Mxfp4, QuantMode.Bf16),
    ];

    public static void Run(string perfDb, bool prefill = false)
    {
        KernelStudy.Header("system", "backend", "model, mapping, quant", "tokens", "roofline (µs)", "table (µs)", "source", "roofline / table", "table efficiency");
        foreach (var c in KernelStudy.Load(perfDb, Cases))
        {
            foreach (var op in c.Ops.Ops.ToArray().Where(o => o.Kind == OpKind.MoeExperts))
            {
                foreach (int m in prefill ? new[] { 1024, 4096, 16384 } : new[] { 1, 4, 16, 64, 256 })
                {
                    var (roof, table, source) = c.Price(op, prefill ? StepShape.Prefill(1, m) : StepShape.Decode(m, 1000));
                    double efficiency = 2.0 * m * op.PairsPerToken * op.N * op.K / (table * 1e-6) / c.Hardware.Peak(op.Compute);
                    KernelStudy.Row(c.Case.System, c.Case.Backend, $"{c.Label} {c.Case.Weights}", m, roof, table, source, F2(roof / table), F2(efficiency));
                }
            }
        }
    }

    private static string F2(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
}
