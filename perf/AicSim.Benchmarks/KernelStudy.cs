using System.Globalization;
using AicSim.Core.Estimation;
using AicSim.Core.Ops;
using AicSim.Core.Specs;
using AicSim.Core.Tables;
using AicSim.Data.KernelData;
using AicSim.Data.Models;
using AicSim.Data.Systems;

namespace AicSim.Benchmarks;

/// <summary>A model on a system and backend, mapped and quantised, whose ops a study prices both ways.</summary>
/// <param name="System">System name (its folder in the database).</param>
/// <param name="Backend">trtllm, vllm or sglang.</param>
/// <param name="Model">Bundled model id.</param>
/// <param name="Parallel">The mapping.</param>
/// <param name="Weights">GEMM and expert weights (default: the model's own).</param>
/// <param name="Kv">KV cache (default: the model's own).</param>
public sealed record StudyCase(string System, string Backend, string Model, ParallelConfig Parallel, QuantMode? Weights = null, QuantMode? Kv = null);

/// <summary>One case, loaded: the system's rates, an estimator over its measured tables, the compiled ops.</summary>
public sealed record LoadedCase(StudyCase Case, ModelSpec Model, HardwareParams Hardware, TableEstimator Tables, OpTable Ops)
{
    /// <summary>"DeepSeek-V3 TEP8" and the like.</summary>
    public string Label => $"{Model.ShortName} {Case.Parallel.Name}";

    /// <summary>Roofline and measured-table microseconds of one run of an op, and where the table value came from.</summary>
    public (double RooflineUs, double TableUs, OpSource Source) Price(Op op, in StepShape shape)
    {
        op.Count = 1;
        var (seconds, source) = Tables.Estimate(op, shape);
        return (Roofline.OpSeconds(op, shape, Hardware, EfficiencyParams.Default) * 1e6, seconds * 1e6, source);
    }
}

/// <summary>
/// The roofline against aiconfigurator's measured kernels (`--perf-db`), op by op: what the README's kernel studies run
/// on. Run any of them with: dotnet run -c Release --project perf/AicSim.Benchmarks -- NAME-study ../shared/data/aic-perf-db
/// </summary>
public static class KernelStudy
{
    /// <summary>The studies by command name, each given one path: the kernel database, or (weak-points-study) the calibration CSV.</summary>
    public static IReadOnlyDictionary<string, Action<string>> Commands { get; } = new Dictionary<string, Action<string>>(StringComparer.Ordinal)
    {
        ["gemm-study"] = GemmStudy.Run,
        ["moe-study"] = perfDb => MoeStudy.Run(perfDb),
        ["moe-prefill-study"] = perfDb => MoeStudy.Run(perfDb, prefill: true),
        ["allreduce-study"] = AllReduceStudy.Run,
        ["attention-study"] = AttentionStudy.Run,
        ["context-attention-study"] = ContextAttentionStudy.Run,
        ["prefill-study"] = PrefillStudy.Run,
        ["gemm-efficiency-study"] = GemmEfficiencyStudy.Run,
        ["weak-points-study"] = WeakPointsStudy.Run,
    };

    public static IEnumerable<LoadedCase> Load(string perfDb, IEnumerable<StudyCase> cases)
    {
        var models = ModelCatalog.Load();
        var systems = SystemCatalog.Load();
        foreach (var c in cases)
        {
            var system = systems.Get(c.System);
            var model = models.Resolve(c.Model);
            var (tables, _) = PerfDbReader.Load(perfDb, system.Name, c.Backend);
            var hw = HardwareParams.From(system);
            var d = model.DefaultQuant;
            var quant = new QuantConfig(c.Weights ?? d.Gemm, c.Weights ?? d.Moe, c.Kv ?? d.KvCache);
            yield return new LoadedCase(c, model, hw, new TableEstimator(tables, hw, EfficiencyParams.Default), OpTableCompiler.Compile(model, c.Parallel, quant, system));
        }
    }

    /// <summary>Writes one markdown table row, numbers in the invariant culture.</summary>
    public static void Row(params object[] cells) =>
        Console.WriteLine("| " + string.Join(" | ", cells.Select(c => c is IFormattable f ? f.ToString(c is double ? "F1" : null, CultureInfo.InvariantCulture) : c.ToString())) + " |");

    /// <summary>Writes a markdown table header.</summary>
    public static void Header(params string[] columns)
    {
        Console.WriteLine("| " + string.Join(" | ", columns) + " |");
        Console.WriteLine("|" + string.Concat(Enumerable.Repeat("---|", columns.Length)));
    }
}
