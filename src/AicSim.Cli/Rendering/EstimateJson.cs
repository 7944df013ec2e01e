using System.Text.Json;
using AicSim.Core.Estimate;
using AicSim.Core.Specs;
using AicSim.Data.Aiperf;
using AicSim.Data.Calibration;

namespace AicSim.Cli.Rendering;

/// <summary>The JSON form of an estimate (<c>--json</c>): snake_case keys, units in the names.</summary>
internal static class EstimateJson
{
    public static string Serialize(EstimateResult result, string source, AiperfComparison? comparison = null, AccuracyView? accuracy = null)
    {
        var r = result.Request;
        var s = result.Serving;
        var doc = new
        {
            Model = r.Model.Id,
            System = r.System.Name,
            Backend = Backends.Name(r.Backend.Backend),
            Mode = r.Mode == ServingMode.Aggregated ? "agg" : "disagg",
            r.Workload.Isl,
            r.Workload.Osl,
            Mtp = r.Backend.Speculative is { } mtp ? new { mtp.DraftTokens, mtp.Acceptance, mtp.TokensPerStep } : null,
            Quant = new { Gemm = QuantModes.Name(r.Quant.Gemm), Attention = QuantModes.Name(r.Quant.Attention), Moe = QuantModes.Name(r.Quant.Moe), KvCache = QuantModes.Name(r.Quant.KvCache) },
            s.TtftMs,
            TtftParts = s.TtftParts is { } t ? new
            {
                t.RequestOverheadMs,
                t.OverheadKernels,
                t.RunningStepsMs,
                t.RunningSteps,
                t.PrefillMs,
                t.AdmissionMs,
                t.BalanceWaitMs,
                t.QueueMs,
                t.ClientWaitMs,
                t.DisaggOverheadMs,
                t.KvTransferMs,
            } : null,
            s.TpotMs,
            TpotParts = s.TpotParts is { } tp ? new
            {
                tp.DecodeMs,
                tp.PrefillKernelsMs,
                tp.PromptLaunchesMs,
                tp.PromptsBeside,
                tp.PrefillInterference,
            } : null,
            TokensPerSecPerGpu = s.OutputTokensPerSecPerGpu,
            TokensPerSecPerUser = s.OutputTokensPerSecPerUser,
            s.Concurrency,
            s.Gpus,
            result.Fits,
            Engines = result.Engines.Select(e => new
            {
                e.Role,
                e.Mapping,
                e.Gpus,
                WeightBytesPerGpu = e.Memory.WeightBytes,
                UsedBeforeKvBytesPerGpu = e.Memory.UsedBeforeKvBytes,
                KvBudgetBytesPerGpu = e.Memory.KvBudgetBytes,
                KvBytesPerToken = e.Memory.KvBytesPerToken,
                e.Memory.MaxKvTokens,
                e.Fits,
            }),
            PerfSource = source,
            OpSources = SourceCounts.ByStep(result),
            Notes = result.Notes.ToArray(),
            Accuracy = accuracy is null ? null : AccuracyLookup.Json(accuracy, s.TtftMs, s.TpotMs),
            AccuracyNote = accuracy?.Note,
            Measured = comparison is null ? null : new
            {
                File = comparison.Run.Path,
                comparison.Run.Layout,
                TtftMs = comparison.Run.Ttft.Avg,
                TpotMs = comparison.Run.Itl.Avg,
                OutputTokensPerSec = comparison.Run.OutputTokensPerSec,
                comparison.Run.Concurrency,
                comparison.TtftErrorPct,
                comparison.TpotErrorPct,
                comparison.ThroughputErrorPct,
                comparison.Mismatches,
                WithinAccuracyRange = accuracy?.Card is null ? null : new
                {
                    Ttft = AccuracyLookup.Judge(accuracy, "TTFT", s.TtftMs, comparison.Run.Ttft.Avg)?.Within,
                    Tpot = AccuracyLookup.Judge(accuracy, "TPOT", s.TpotMs, comparison.Run.Itl.Avg)?.Within,
                },
            },
        };
        return JsonSerializer.Serialize(doc, JsonOutput.OmittingNulls);
    }
}
