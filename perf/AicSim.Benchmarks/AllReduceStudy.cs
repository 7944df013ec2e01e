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
/// Roofline against measured latency of the tensor-parallel all-reduce of a decode step (Qwen3-32B's hidden size, 1 to
/// 256 tokens) at TP 2, 4 and 8: how the collective's fixed latency grows with the number of GPUs. The README's
/// all-reduce latency comes from here.
/// Run: dotnet run -c Release --project perf/AicSim.Benchmarks -- allreduce-study ../shared/data/aic-perf-db
/// </summary>
public static class AllReduceStudy
{
    private static readonly string[] Systems = ["h100_sxm", "h200_sxm", "b200_sxm"];

    private static readonly string[] BackendNames = ["trtllm", "vllm", "sglang"];

    public static void Run(string perfDb)
    {
        var model = ModelCatalog.Load().Resolve("Qwen/Qwen3-32B");
        var systems = SystemCatalog.Load();
        Console.WriteLine("| system | backend | TP | tokens | roofline (µs) | table (µs) | source |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (string systemName in Systems)
        {
            var system = systems.Get(systemName);
            var hw = HardwareParams.From(system);
            foreach (string backend in BackendNames)
            {
                var (tables, _) = PerfDbReader.Load(perfDb, system.Name, backend);
                var table = new TableEstimator(tables, hw, EfficiencyParams.Default);
                foreach (int tp in new[] { 2, 4, 8 })
                {
                    var par = ParallelConfig.FromSizes(tp, 1, 1, tp, 1, false);
                    var ops = OpTableCompiler.Compile(model, par, new QuantConfig(QuantMode.Bf16, QuantMode.Bf16, QuantMode.Bf16), system);
                    int index = -1;
                    for (int i = 0; i < ops.Count && index < 0; i++)
                    {
                        if (ops.Ops[i].Kind == OpKind.Communication)
                        {
                            index = i;
                        }
                    }

                    if (index < 0)
                    {
                        continue;
                    }

                    var op = ops.Ops[index];
                    op.Count = 1;
                    foreach (int m in new[] { 1, 16, 64, 256 })
                    {
                        var shape = StepShape.Decode(m, 1000);
                        double roof = Roofline.OpSeconds(op, shape, hw, EfficiencyParams.Default) * 1e6;
                        var (seconds, source) = table.Estimate(op, shape);
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"| {systemName} | {backend} | {tp} | {m} | {roof:F1} | {seconds * 1e6:F1} | {source} |"));
                    }
                }
            }
        }
    }
}
