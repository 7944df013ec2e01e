using System.Globalization;
using AicSim.Core.Accuracy;
using AicSim.Core.Calibration;
using AicSim.Core.Engine;
using AicSim.Core.Errors;
using AicSim.Core.Profiling;
using AicSim.Core.Specs;
using AicSim.Data.Dynamo;
using AicSim.Data.Models;
using AicSim.Data.Systems;

namespace AicSim.Data.Calibration;

/// <summary>
/// Holds AicSim's planner data against what the Dynamo profiler measured on real engines (its online path): for each
/// measured engine, the TTFT of a lone prompt at every ISL (<see cref="Profiler.PrefillAt"/>, what `profile` writes as
/// prefill_ttft) and the ITL at every load and context (<see cref="EngineModel.DecodeItlMs"/>, what it writes as
/// z_itl), and the KV-cache capacity. These measurements are not in the calibration file, so they test generalisation.
/// </summary>
/// <remarks>
/// The decode sweep is read at OSL 500, the profiler's (context = isl + 250). A request count beyond what the engine runs
/// at once (KV cache, the framework's batch limit) is predicted at that limit, where the engine keeps the rest waiting.
/// The KV cache's dtype is not recorded; unless given, it is read as whichever of bf16 and the checkpoint's own makes the
/// predicted capacity nearer the recorded max_kv_tokens (vLLM, for one, keeps bf16 unless told otherwise), and the
/// reading is reported.
/// </remarks>
public static class PlannerDataCheck
{
    /// <summary>The profiler's decode OSL: its sweeps' context is isl + 500/2.</summary>
    public const int DecodeOsl = 500;

    public static IReadOnlyList<PlannerEngineCheck> Run(IReadOnlyList<MeasuredEngine> engines, ModelCatalog models, SystemCatalog systems, CalibrationSet calibration, string perfSource, string? perfDb, string? kvQuant)
    {
        ArgumentNullException.ThrowIfNull(engines);
        return engines.Select(e => Check(e, models, systems, calibration, perfSource, perfDb, kvQuant)).ToList();
    }

    public static PlannerEngineCheck Check(MeasuredEngine measured, ModelCatalog models, SystemCatalog systems, CalibrationSet calibration, string perfSource, string? perfDb, string? kvQuant)
    {
        ArgumentNullException.ThrowIfNull(measured);
        ArgumentNullException.ThrowIfNull(calibration);
        string reading;
        EngineModel engine;
        if (kvQuant is not null)
        {
            engine = Build(measured, models, systems, calibration, perfSource, perfDb, kvQuant);
            reading = $"KV cache {kvQuant} (--kv-quant)";
        }
        else
        {
            var own = Build(measured, models, systems, calibration, perfSource, perfDb, null);
            var bf16 = Build(measured, models, systems, calibration, perfSource, perfDb, "bf16");
            double Miss(EngineModel e) => Math.Abs(Math.Log(e.Memory.MaxKvTokens / (double)measured.MaxKvTokens));
            engine = Miss(bf16) <= Miss(own) ? bf16 : own;
            string kv = QuantModes.Name(engine.Config.Quant.KvCache);
            reading = string.Create(CultureInfo.InvariantCulture,
                $"KV cache read as {kv}: its predicted capacity ({engine.Memory.MaxKvTokens:N0} tokens) is the nearer to the recorded {measured.MaxKvTokens:N0}");
        }

        var points = new List<PlannerDataPoint>();
        foreach (var p in measured.Prefill)
        {
            points.Add(new PlannerDataPoint(measured.Source, "prefill", p.Isl, 1, p.Isl, p.TtftMs, Profiler.PrefillAt(engine, p.Isl).TtftMs));
        }

        foreach (var d in measured.Decode)
        {
            int isl = Math.Max(1, (int)Math.Round(d.Context - (DecodeOsl / 2.0)));
            long limit = Math.Max(1, engine.MaxConcurrentRequests(isl, DecodeOsl));
            int running = (int)Math.Min(d.Requests, limit);
            points.Add(new PlannerDataPoint(measured.Source, "decode", isl, d.Requests, d.Context, d.ItlMs, engine.DecodeItlMs(running, d.Context)));
        }

        return new PlannerEngineCheck(measured, engine.Config.Parallel.Name, reading, engine.Memory.MaxKvTokens, points);
    }

    private static EngineModel Build(MeasuredEngine m, ModelCatalog models, SystemCatalog systems, CalibrationSet calibration, string perfSource, string? perfDb, string? kvQuant)
    {
        var problems = new List<string>();
        var specs = SpecResolver.Resolve(models, systems, m.Model, m.System, m.Backend, null, null, kvQuant, problems);
        if (specs is null)
        {
            throw new AicSimException(problems.Select(p => $"{m.Source}: {p}").ToList());
        }

        var (model, system, backend, quant) = specs;
        var group = calibration.Find(system.Name, Backends.Name(backend));
        var (estimator, _) = KernelData.PerfSource.Create(perfSource, perfDb, m.BackendVersion, system, backend, CalibrationSet.Efficiency(group));
        var parallel = ParallelConfig.FromSizes(m.Tp, m.Pp, m.Dp, null, null, model.IsMoe);
        return EngineModel.Create(new EngineConfig(model, system, parallel, quant, CalibrationSet.Profile(BackendProfile.For(backend), group)), estimator);
    }
}
