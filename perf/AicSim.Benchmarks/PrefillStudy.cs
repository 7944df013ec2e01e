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
/// One prefill step of one prompt, roofline against measured kernel tables, summed by op group (ops the tables do not
/// cover are priced by the roofline on both sides, so the ratio is of the covered ops): where the prefill roofline, and
/// so TTFT, is off.
/// Run: dotnet run -c Release --project perf/AicSim.Benchmarks -- prefill-study ../shared/data/aic-perf-db
/// </summary>
public static class PrefillStudy
{
    private static readonly (string System, string Backend, string Model, ParallelConfig Par, QuantConfig? Quant)[] Cases =
    [
        ("h200_sxm", "trtllm", "Qwen/Qwen3-32B", ParallelConfig.FromSizes(2, 1, 1, 2, 1, false), null),
        ("h200_sxm", "trtllm", "deepseek-ai/DeepSeek-V3", ParallelConfig.FromSizes(8, 1, 1, 1, 8, true), null),
        ("h200_sxm", "sglang", "deepseek-ai/DeepSeek-V3", ParallelConfig.FromSizes(8, 1, 1, 1, 8, true), null),
        ("b200_sxm", "trtllm", "deepseek-ai/DeepSeek-V3", ParallelConfig.FromSizes(8, 1, 1, 1, 8, true), null),
        ("h200_sxm", "vllm", "Qwen/Qwen3-235B-A22B", ParallelConfig.FromSizes(4, 1, 1, 4, 1, true), new QuantConfig(QuantMode.Fp8Block, QuantMode.Fp8Block, QuantMode.Bf16)),
        ("b200_sxm", "vllm", "MiniMaxAI/MiniMax-M2.5", ParallelConfig.FromSizes(2, 1, 1, 2, 1, true), new QuantConfig(QuantMode.Fp8Block, QuantMode.Fp8Block, QuantMode.Bf16)),
    ];

    public static void Run(string perfDb)
    {
        var models = ModelCatalog.Load();
        var systems = SystemCatalog.Load();
        Console.WriteLine("| system | backend | model, mapping | prompt | group | roofline (ms) | tables (ms) | ops from tables | roofline / tables |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var (systemName, backend, modelId, par, quantOverride) in Cases)
        {
            var system = systems.Get(systemName);
            var model = models.Resolve(modelId);
            var (tables, _) = PerfDbReader.Load(perfDb, system.Name, backend);
            var hw = HardwareParams.From(system);
            var table = new TableEstimator(tables, hw, EfficiencyParams.Default);
            var quant = quantOverride ?? model.DefaultQuant;
            var ops = OpTableCompiler.Compile(model, par, quant, system);
            foreach (int isl in new[] { 1024, 8192 })
            {
                var shape = StepShape.Prefill(1, isl);
                var byGroup = new SortedDictionary<OpGroup, (double Roof, double Table, int Measured, int All)>();
                for (int i = 0; i < ops.Count; i++)
                {
                    var op = ops.Ops[i];
                    double roof = Roofline.OpSeconds(op, shape, hw, EfficiencyParams.Default) * 1e3;
                    var (seconds, source) = table.Estimate(op, shape);
                    var g = byGroup.GetValueOrDefault(op.Group);
                    bool measured = source is OpSource.Table or OpSource.TableEdge;
                    byGroup[op.Group] = (g.Roof + roof, g.Table + (seconds * 1e3), g.Measured + (measured ? 1 : 0), g.All + 1);
                }

                foreach (var (group, v) in byGroup)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {systemName} | {backend} | {model.ShortName} {par.Name} | {isl} | {group} | {v.Roof:F2} | {v.Table:F2} | {v.Measured}/{v.All} | {v.Roof / v.Table:F2} |"));
                }
            }
        }
    }
}
