using System.Globalization;
using AicSim.Core.Estimate;
using AicSim.Core.Serving;

namespace AicSim.Data.Aiperf;

/// <summary>
/// An estimate held against what AIPerf measured on the deployment it describes: the errors on TTFT, TPOT and output
/// throughput, and where the run and the estimate do not describe the same load (sizes, concurrency, failed requests).
/// </summary>
/// <param name="Run">The measured run.</param>
/// <param name="TtftErrorPct">(predicted − measured) / measured × 100, on the means.</param>
/// <param name="TpotErrorPct">The same for TPOT against AIPerf's inter-token latency.</param>
/// <param name="ThroughputErrorPct">The same for output tokens per second of the deployment, where the run has it.</param>
/// <param name="Mismatches">Why the two may not be comparable; empty when they describe the same load.</param>
public sealed record AiperfComparison(AiperfRun Run, double TtftErrorPct, double TpotErrorPct, double? ThroughputErrorPct, IReadOnlyList<string> Mismatches)
{
    /// <summary>How far the run's mean ISL or OSL may sit from the estimate's before they are called different loads.</summary>
    public const double SizeTolerance = 0.05;

    public static AiperfComparison Of(AiperfRun run, EstimateResult result)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(result);
        var s = result.Serving;
        var w = result.Request.Workload;
        var mismatches = new List<string>();
        if (run.Isl is { } isl && Math.Abs(isl.Avg - w.Isl) > SizeTolerance * w.Isl)
        {
            mismatches.Add(string.Create(CultureInfo.InvariantCulture, $"the run's prompts average {isl.Avg:F0} tokens, the estimate's --isl is {w.Isl}: pass --isl {isl.Avg:F0}."));
        }

        if (run.Osl is { } osl && Math.Abs(osl.Avg - w.Osl) > SizeTolerance * w.Osl)
        {
            mismatches.Add(string.Create(CultureInfo.InvariantCulture, $"the run's answers average {osl.Avg:F0} tokens, the estimate's --osl is {w.Osl}: pass --osl {osl.Avg:F0} (answers that stop early shorten them)."));
        }

        if (run.Concurrency is int c && Math.Abs(c - s.Concurrency) > 0.5)
        {
            mismatches.Add(string.Create(CultureInfo.InvariantCulture, $"the run kept {c} requests in flight, the estimate {s.Concurrency:F0}: pass the run's concurrency (--batch-size {c} for an aggregated engine)."));
        }

        if (run.ErrorCount is > 0)
        {
            mismatches.Add(string.Create(CultureInfo.InvariantCulture, $"{run.ErrorCount} requests failed or were cancelled{(run.RequestCount is int n ? $" (against {n} that completed)" : string.Empty)}; the measured means leave them out, and the load was lighter than asked."));
        }

        // A run faster than the configuration's memory floor did not run it (at the run's own concurrency, where recorded;
        // from the weights alone where the run does not record its lengths).
        var measured = run.Concurrency is int clients && result.Request.Mode == ServingMode.Aggregated ? result.Request with { Concurrency = clients } : result.Request;
        if (MeasuredFloor.Of(measured, run.Ttft.Avg, run.Itl.Avg, lengthsKnown: run.Isl is not null && run.Osl is not null) is { } floor && run.Itl.Avg < floor.FloorMs)
        {
            mismatches.Add(string.Create(CultureInfo.InvariantCulture,
                $"the run's inter-token latency, {run.Itl.Avg:F2} ms, is shorter than any engine of this configuration can decode: {floor.Describe(result.Request.System)}. ") +
                "The run served a smaller model, a lighter quantisation, fewer requests or another mapping than the flags say, or decoded several tokens a step (pass --mtp N if it ran speculative decoding).");
        }

        double? measuredTps = run.OutputTokensPerSec;
        double predictedTps = s.OutputTokensPerSecPerGpu * s.Gpus;
        return new AiperfComparison(
            run,
            Error(s.TtftMs, run.Ttft.Avg),
            Error(s.TpotMs, run.Itl.Avg),
            measuredTps is > 0 ? Error(predictedTps, measuredTps.Value) : null,
            mismatches);
    }

    private static double Error(double predicted, double measured) => (predicted - measured) / measured * 100.0;
}
