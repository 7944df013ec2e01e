using System.Globalization;
using AicSim.Core.Estimation;
using AicSim.Core.Ops;
using AicSim.Core.Specs;
using AicSim.Core.Tables;
using AicSim.Data.KernelData;
using AicSim.Data.Models;
using AicSim.Data.Systems;

namespace AicSim.Benchmarks;

/// <summary>
/// Roofline against measured latency of generation (decode) attention, one layer, over batch and cached length: MLA
/// (DeepSeek-V3, attention data-parallel, 128 heads per rank) and GQA (Qwen3-32B, TP1 and TP4). The README's decode
/// attention efficiency comes from here.
/// Run: dotnet run -c Release --project perf/AicSim.Benchmarks -- attention-study ../shared/data/aic-perf-db
/// </summary>
public static class AttentionStudy
{
    private static readonly (string System, string Backend, string Model, ParallelConfig Par, QuantMode Kv)[] Cases =
    [
        ("h200_sxm", "trtllm", "deepseek-ai/DeepSeek-V3", ParallelConfig.FromSizes(1, 1, 8, 1, 8, true), QuantMode.Fp8),
        ("h200_sxm", "sglang", "deepseek-ai/DeepSeek-V3", ParallelConfig.FromSizes(1, 1, 8, 1, 8, true), QuantMode.Bf16),
        ("b200_sxm", "trtllm", "deepseek-ai/DeepSeek-V3", ParallelConfig.FromSizes(1, 1, 8, 1, 8, true), QuantMode.Fp8),
        ("gb200", "trtllm", "deepseek-ai/DeepSeek-V3", ParallelConfig.FromSizes(1, 1, 8, 1, 8, true), QuantMode.Fp8),
        ("h200_sxm", "trtllm", "Qwen/Qwen3-32B", ParallelConfig.FromSizes(1, 1, 1, 1, 1, false), QuantMode.Bf16),
        ("h200_sxm", "vllm", "Qwen/Qwen3-32B", ParallelConfig.FromSizes(4, 1, 1, 4, 1, false), QuantMode.Bf16),
        ("b200_sxm", "trtllm", "Qwen/Qwen3-32B", ParallelConfig.FromSizes(4, 1, 1, 4, 1, false), QuantMode.Fp8),
    ];

    public static void Run(string perfDb)
    {
        var models = ModelCatalog.Load();
        var systems = SystemCatalog.Load();
        Console.WriteLine("| system | backend | model, mapping, KV | batch | cached tokens | roofline (µs) | table (µs) | source | roofline / table |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var (systemName, backend, modelId, par, kv) in Cases)
        {
            var system = systems.Get(systemName);
            var model = models.Resolve(modelId);
            var (tables, _) = PerfDbReader.Load(perfDb, system.Name, backend);
            var hw = HardwareParams.From(system);
            var table = new TableEstimator(tables, hw, EfficiencyParams.Default);
            var quant = new QuantConfig(model.DefaultQuant.Gemm, model.DefaultQuant.Moe, kv);
            var ops = OpTableCompiler.Compile(model, par, quant, system);
            for (int i = 0; i < ops.Count; i++)
            {
                var op = ops.Ops[i];
                if (op.Kind != OpKind.GenerationAttention)
                {
                    continue;
                }

                op.Count = 1;
                foreach (int batch in new[] { 8, 64, 256 })
                {
                    foreach (int context in new[] { 1024, 8192 })
                    {
                        var shape = StepShape.Decode(batch, context);
                        double roof = Roofline.OpSeconds(op, shape, hw, EfficiencyParams.Default) * 1e6;
                        var (seconds, source) = table.Estimate(op, shape);
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"| {systemName} | {backend} | {model.ShortName} {par.Name} {kv} | {batch} | {context} | {roof:F1} | {seconds * 1e6:F1} | {source} | {roof / (seconds * 1e6):F2} |"));
                    }
                }
            }
        }
    }
}
