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
/// Roofline against measured-table latency of the routed-expert kernel in decode-sized steps, for the MoE models of the
/// calibration file: how much of the memory roofline fused-MoE kernels reach. The README's MoE efficiency comes from here.
/// Run: dotnet run -c Release --project perf/AicSim.Benchmarks -- moe-study ../shared/data/aic-perf-db
/// </summary>
public static class MoeStudy
{
    private static readonly (string System, string Backend, string Model, ParallelConfig Par, QuantMode Quant)[] Cases =
    [
        ("h200_sxm", "sglang", "deepseek-ai/DeepSeek-V3", ParallelConfig.FromSizes(8, 1, 1, 1, 8, true), QuantMode.Fp8Block),
        ("h200_sxm", "trtllm", "deepseek-ai/DeepSeek-V3", ParallelConfig.FromSizes(8, 1, 1, 1, 8, true), QuantMode.Fp8Block),
        ("b200_sxm", "trtllm", "deepseek-ai/DeepSeek-V3", ParallelConfig.FromSizes(8, 1, 1, 1, 8, true), QuantMode.Nvfp4),
        ("h200_sxm", "vllm", "Qwen/Qwen3-235B-A22B", ParallelConfig.FromSizes(4, 1, 1, 4, 1, true), QuantMode.Fp8Block),
        ("h100_sxm", "trtllm", "Qwen/Qwen3-235B-A22B", ParallelConfig.FromSizes(8, 1, 1, 8, 1, true), QuantMode.Fp8Block),
        ("b200_sxm", "vllm", "MiniMaxAI/MiniMax-M2.5", ParallelConfig.FromSizes(2, 1, 1, 2, 1, true), QuantMode.Fp8Block),
    ];

    /// <summary>Decode-sized steps (1–256 tokens), or with <paramref name="prefill"/> prefill-sized ones (1024–16384), where
    /// the column "table efficiency" is the measured kernel's flops over its time and the peak of its compute dtype.</summary>
    public static void Run(string perfDb, bool prefill = false)
    {
        var models = ModelCatalog.Load();
        var systems = SystemCatalog.Load();
        Console.WriteLine("| system | backend | model, mapping, quant | tokens | roofline (µs) | table (µs) | source | roofline / table | table efficiency |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var (systemName, backend, modelId, par, quantMode) in Cases)
        {
            var system = systems.Get(systemName);
            var model = models.Resolve(modelId);
            var (tables, _) = PerfDbReader.Load(perfDb, system.Name, backend);
            var hw = HardwareParams.From(system);
            var table = new TableEstimator(tables, hw, EfficiencyParams.Default);
            var quant = new QuantConfig(quantMode, quantMode, QuantMode.Bf16);
            var ops = OpTableCompiler.Compile(model, par, quant, system);
            for (int i = 0; i < ops.Count; i++)
            {
                var op = ops.Ops[i];
                if (op.Kind != OpKind.MoeExperts)
                {
                    continue;
                }

                op.Count = 1;
                foreach (int m in prefill ? new[] { 1024, 4096, 16384 } : new[] { 1, 4, 16, 64, 256 })
                {
                    var shape = prefill ? StepShape.Prefill(1, m) : StepShape.Decode(m, 1000);
                    double roof = Roofline.OpSeconds(op, shape, hw, EfficiencyParams.Default) * 1e6;
                    var (seconds, source) = table.Estimate(op, shape);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {systemName} | {backend} | {model.ShortName} {par.Name} {quantMode} | {m} | {roof:F1} | {seconds * 1e6:F1} | {source} | {roof / (seconds * 1e6):F2} | {2.0 * m * op.PairsPerToken * op.N * op.K / seconds / hw.Peak(op.Compute):F2} |"));
                }
            }
        }
    }
}
