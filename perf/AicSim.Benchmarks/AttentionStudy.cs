using AicSim.Core.Ops;
using AicSim.Core.Specs;

namespace AicSim.Benchmarks;

/// <summary>
/// Generation (decode) attention, one layer, over batch and cached length: MLA (DeepSeek-V3, attention data-parallel,
/// 128 heads per rank) and GQA (Qwen3-32B, TP1 and TP4). The README's decode attention efficiency comes from here.
/// </summary>
public static class AttentionStudy
{
    private static readonly StudyCase[] Cases =
    [
        new("h200_sxm", "trtllm", "deepseek-ai/DeepSeek-V3", ParallelConfig.FromSizes(1, 1, 8, 1, 8, true), Kv: QuantMode.Fp8),
        new("h200_sxm", "sglang", "deepseek-ai/DeepSeek-V3", ParallelConfig.FromSizes(1, 1, 8, 1, 8, true), Kv: QuantMode.Bf16),
        new("b200_sxm", "trtllm", "deepseek-ai/DeepSeek-V3", ParallelConfig.FromSizes(1, 1, 8, 1, 8, true), Kv: QuantMode.Fp8),
        new("gb200", "trtllm", "deepseek-ai/DeepSeek-V3", ParallelConfig.FromSizes(1, 1, 8, 1, 8, true), Kv: QuantMode.Fp8),
        new("h200_sxm", "trtllm", "Qwen/Qwen3-32B", ParallelConfig.FromSizes(1, 1, 1, 1, 1, false), Kv: QuantMode.Bf16),
        new("h200_sxm", "vllm", "Qwen/Qwen3-32B", ParallelConfig.FromSizes(4, 1, 1, 4, 1, false), Kv: QuantMode.Bf16),
        new("b200_sxm", "trtllm", "Qwen/Qwen3-32B", ParallelConfig.FromSizes(4, 1, 1, 4, 1, false), Kv: QuantMode.Fp8),
    ];

    public static void Run(string perfDb)
    {
        KernelStudy.Header("system", "backend", "model, mapping, KV", "batch", "cached tokens", "roofline (µs)", "table (µs)", "source", "roofline / table");
        foreach (var c in KernelStudy.Load(perfDb, Cases))
        {
            var op = c.Ops.Ops.ToArray().First(o => o.Kind == OpKind.GenerationAttention);
            foreach (int batch in new[] { 8, 64, 256 })
            {
                foreach (int context in new[] { 1024, 8192 })
                {
                    var (roof, table, source) = c.Price(op, StepShape.Decode(batch, context));
                    KernelStudy.Row(c.Case.System, c.Case.Backend, $"{c.Label} {c.Case.Kv}", batch, context, roof, table, source, (roof / table).ToString("F2", System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }
    }
}
