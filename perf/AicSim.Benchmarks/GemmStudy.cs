using AicSim.Core.Ops;
using AicSim.Core.Specs;

namespace AicSim.Benchmarks;

/// <summary>Qwen3-32B's GEMMs on h200_sxm with TensorRT-LLM, bf16, TP1 (the README's GEMM table).</summary>
public static class GemmStudy
{
    public static void Run(string perfDb)
    {
        var c = KernelStudy.Load(perfDb, [new StudyCase("h200_sxm", "trtllm", "Qwen/Qwen3-32B", ParallelConfig.TensorParallel(1), QuantMode.Bf16, QuantMode.Bf16)]).Single();
        KernelStudy.Header("GEMM (n × k), bf16, TP1", "m", "roofline (µs)", "table (µs)", "table source");
        for (int i = 0; i < c.Ops.Count; i++)
        {
            var op = c.Ops.Ops[i];
            if (op.Kind != OpKind.Gemm || c.Ops.Names[i] is not ("qkv proj" or "o proj" or "ffn gate+up" or "ffn down"))
            {
                continue;
            }

            foreach (int m in new[] { 1, 64, 4096 })
            {
                var (roof, table, source) = c.Price(op, StepShape.Prefill(1, m));
                KernelStudy.Row($"{c.Ops.Names[i]} ({op.N} × {op.K})", m, roof, table, source);
            }
        }
    }
}
