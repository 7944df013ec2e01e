using System.Globalization;
using AicSim.Core.Ops;
using AicSim.Core.Specs;
using AicSim.Core.Tables;

namespace AicSim.Benchmarks;

/// <summary>
/// One prefill step of one prompt, roofline against measured kernel tables, summed by op group (ops the tables do not
/// cover are priced by the roofline on both sides): where the prefill roofline, and so TTFT, is off.
/// </summary>
public static class PrefillStudy
{
    private static readonly StudyCase[] Cases =
    [
        new("h200_sxm", "trtllm", "Qwen/Qwen3-32B", ParallelConfig.FromSizes(2, 1, 1, 2, 1, false)),
        new("h200_sxm", "trtllm", "deepseek-ai/DeepSeek-V3", ParallelConfig.FromSizes(8, 1, 1, 1, 8, true)),
        new("h200_sxm", "sglang", "deepseek-ai/DeepSeek-V3", ParallelConfig.FromSizes(8, 1, 1, 1, 8, true)),
        new("b200_sxm", "trtllm", "deepseek-ai/DeepSeek-V3", ParallelConfig.FromSizes(8, 1, 1, 1, 8, true)),
        new("h200_sxm", "vllm", "Qwen/Qwen3-235B-A22B", ParallelConfig.FromSizes(4, 1, 1, 4, 1, true), QuantMode.Fp8Block, QuantMode.Bf16),
        new("b200_sxm", "vllm", "MiniMaxAI/MiniMax-M2.5", ParallelConfig.FromSizes(2, 1, 1, 2, 1, true), QuantMode.Fp8Block, QuantMode.Bf16),
    ];

    public static void Run(string perfDb)
    {
        KernelStudy.Header("system", "backend", "model, mapping", "prompt", "group", "roofline (ms)", "tables (ms)", "ops from tables", "roofline / tables");
        foreach (var c in KernelStudy.Load(perfDb, Cases))
        {
            foreach (int isl in new[] { 1024, 8192 })
            {
                var shape = StepShape.Prefill(1, isl);
                var byGroup = new SortedDictionary<OpGroup, (double Roof, double Table, int Measured, int All)>();
                foreach (var op in c.Ops.Ops.ToArray())
                {
                    // Every layer of the op counts here, not one run.
                    var (roof, table, source) = c.Price(op, shape);
                    var g = byGroup.GetValueOrDefault(op.Group);
                    bool measured = source is OpSource.Table or OpSource.TableEdge;
                    byGroup[op.Group] = (g.Roof + (roof * op.Count / 1e3), g.Table + (table * op.Count / 1e3), g.Measured + (measured ? 1 : 0), g.All + 1);
                }

                foreach (var (group, v) in byGroup)
                {
                    KernelStudy.Row(c.Case.System, c.Case.Backend, c.Label, isl, group, v.Roof.ToString("F2", CultureInfo.InvariantCulture), v.Table.ToString("F2", CultureInfo.InvariantCulture), $"{v.Measured}/{v.All}", (v.Roof / v.Table).ToString("F2", CultureInfo.InvariantCulture));
                }
            }
        }
    }
}
