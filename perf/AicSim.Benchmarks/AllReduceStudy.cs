using AicSim.Core.Ops;
using AicSim.Core.Specs;

namespace AicSim.Benchmarks;

/// <summary>
/// The tensor-parallel all-reduce of a decode step (Qwen3-32B's hidden size, 1 to 256 tokens) at TP 2, 4 and 8: how the
/// collective's time grows with the number of GPUs. The README's all-reduce table comes from here.
/// </summary>
public static class AllReduceStudy
{
    public static void Run(string perfDb)
    {
        var cases = from system in new[] { "h100_sxm", "h200_sxm", "b200_sxm" }
                    from backend in new[] { "trtllm", "vllm", "sglang" }
                    from tp in new[] { 2, 4, 8 }
                    select new StudyCase(system, backend, "Qwen/Qwen3-32B", ParallelConfig.FromSizes(tp, 1, 1, tp, 1, false), QuantMode.Bf16, QuantMode.Bf16);
        KernelStudy.Header("system", "backend", "TP", "tokens", "roofline (µs)", "table (µs)", "source");
        foreach (var c in KernelStudy.Load(perfDb, cases))
        {
            var op = c.Ops.Ops.ToArray().First(o => o.Kind == OpKind.Communication);
            foreach (int m in new[] { 1, 16, 64, 256 })
            {
                var (roof, table, source) = c.Price(op, StepShape.Decode(m, 1000));
                KernelStudy.Row(c.Case.System, c.Case.Backend, c.Case.Parallel.Tp, m, roof, table, source);
            }
        }
    }
}
