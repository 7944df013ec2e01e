using System.Globalization;
using AicSim.Core.Ops;
using AicSim.Core.Specs;

namespace AicSim.Benchmarks;

/// <summary>
/// Context (prefill) attention of one prompt, one layer, over the prompt's length, per framework: the frameworks run
/// different kernels (TensorRT-LLM its own FMHA, vLLM and SGLang FlashAttention or FlashInfer), and long prompts are where
/// the served prefill ran slower than predicted (README, against the Dynamo profiler's measurements).
/// </summary>
public static class ContextAttentionStudy
{
    private static readonly StudyCase[] Cases =
    [
        .. from system in new[] { "h100_sxm", "h200_sxm", "b200_sxm" }
           from backend in new[] { "trtllm", "vllm", "sglang" }
           select new StudyCase(system, backend, "meta-llama/Llama-3.1-70B", ParallelConfig.FromSizes(2, 1, 1, 2, 1, false), Kv: QuantMode.Bf16),
        .. from backend in new[] { "trtllm", "vllm", "sglang" }
           select new StudyCase("h200_sxm", backend, "Qwen/Qwen3-32B", ParallelConfig.FromSizes(1, 1, 1, 1, 1, false), Kv: QuantMode.Bf16),
    ];

    public static void Run(string perfDb)
    {
        KernelStudy.Header("system", "backend", "model, mapping", "prompt", "roofline (µs)", "table (µs)", "source", "roofline / table", "efficiency the table implies");
        foreach (var c in KernelStudy.Load(perfDb, Cases))
        {
            var op = c.Ops.Ops.ToArray().First(o => o.Kind == OpKind.ContextAttention);
            foreach (int isl in new[] { 1024, 4096, 16384, 32768 })
            {
                var (roof, table, source) = c.Price(op, StepShape.Prefill(1, isl));
                // The roofline runs at 0.6·s/(s + 512) of the peak here, so a table this many times slower implies that share.
                double implied = 0.6 * isl / (isl + 512.0) * roof / table;
                KernelStudy.Row(c.Case.System, c.Case.Backend, c.Label, isl, roof, table, source, (roof / table).ToString("F2", CultureInfo.InvariantCulture), implied.ToString("F2", CultureInfo.InvariantCulture));
            }
        }
    }
}
