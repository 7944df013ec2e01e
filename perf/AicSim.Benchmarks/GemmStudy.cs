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
/// Roofline against measured-table latency for Qwen3-32B's GEMMs on h200_sxm with TensorRT-LLM (the README's table).
/// Run: dotnet run -c Release --project perf/AicSim.Benchmarks -- gemm-study ../shared/data/aic-perf-db
/// </summary>
public static class GemmStudy
{
    public static void Run(string perfDb)
    {
        var system = SystemCatalog.Load().Get("h200_sxm");
        var model = ModelCatalog.Load().Resolve("Qwen/Qwen3-32B");
        var (tables, report) = PerfDbReader.Load(perfDb, system.Name, "trtllm");
        var hw = HardwareParams.From(system);
        var table = new TableEstimator(tables, hw, EfficiencyParams.Default);
        var ops = OpTableCompiler.Compile(model, ParallelConfig.TensorParallel(1), QuantConfig.Bf16, system);
        Console.WriteLine($"gemm tables: {report.VersionsByFamily["gemm/trtllm"]}");
        Console.WriteLine("| GEMM (n × k), bf16, TP1 | m | roofline (µs) | table (µs) | table source |");
        Console.WriteLine("|---|---|---|---|---|");
        for (int i = 0; i < ops.Count; i++)
        {
            var op = ops.Ops[i];
            if (op.Kind != OpKind.Gemm || ops.Names[i] is not ("qkv proj" or "o proj" or "ffn gate+up" or "ffn down"))
            {
                continue;
            }

            op.Count = 1;
            foreach (int m in new[] { 1, 64, 4096 })
            {
                var shape = StepShape.Prefill(1, m);
                double roof = Roofline.OpSeconds(op, shape, hw, EfficiencyParams.Default) * 1e6;
                var (seconds, source) = table.Estimate(op, shape);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {ops.Names[i]} ({op.N} × {op.K}) | {m} | {roof:F1} | {seconds * 1e6:F1} | {source} |"));
            }
        }
    }
}
