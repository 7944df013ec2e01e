using System.Globalization;
using AicSim.Core.Errors;
using AicSim.Core.Estimation;
using AicSim.Core.Ops;
using AicSim.Core.Serving;
using AicSim.Core.Specs;

namespace AicSim.Core.Estimate;

/// <summary>
/// The <see cref="DecodeFloor"/> of a measured run of a configuration: the least TPOT any engine could have measured,
/// given how many requests the run's own TTFT and TPOT say were decoding at once. A TPOT below it means the run did not
/// run the configuration as described (or decoded several tokens a step).
/// </summary>
/// <param name="Engine">The decoding engine (the aggregated engine, or the disaggregated decode engine).</param>
/// <param name="Sequences">Requests decoding at once on one attention rank.</param>
/// <param name="Bytes">What one GPU must read per step.</param>
/// <param name="TokensPerStep">The most tokens one step can keep: 1, or 1 + the draft tokens with speculative decoding.</param>
/// <param name="FloorMs">The least milliseconds per generated token.</param>
public sealed record MeasuredFloor(ParallelConfig Engine, double Sequences, DecodeBytes Bytes, double TokensPerStep, double FloorMs)
{
    /// <summary>
    /// The floor for <paramref name="request"/> measured at <paramref name="ttftMs"/> and <paramref name="tpotMs"/>, or null
    /// when the request does not say how many requests decode. Requests decoding at once per rank: the request's clients
    /// (an aggregated engine's, or a disaggregated decode batch) times the share of a request's life spent decoding,
    /// osl·TPOT / (TTFT + osl·TPOT) (Little's law), each at the mean context isl + osl/2.
    /// </summary>
    /// <param name="request">The configuration the run is said to be.</param>
    /// <param name="ttftMs">The run's measured TTFT.</param>
    /// <param name="tpotMs">The run's measured TPOT.</param>
    /// <param name="lengthsKnown">False when the run does not record its prompt and answer lengths: the request's are then
    /// a guess, so the KV cache is left out and the floor is the weights' alone.</param>
    public static MeasuredFloor? Of(EstimateRequest request, double ttftMs, double tpotMs, bool lengthsKnown = true)
    {
        ArgumentNullException.ThrowIfNull(request);
        var engine = request.Mode == ServingMode.Aggregated ? request.Parallel : request.DecodeParallel;
        double perRank = request.Mode == ServingMode.Aggregated
            ? request.Concurrency / (double)request.Parallel.AttentionDp
            : request.Deployment?.DecodeBatch ?? 0;
        if (engine is null || perRank <= 0 || tpotMs <= 0 || ttftMs < 0)
        {
            return null;
        }

        OpTable ops;
        try
        {
            ops = OpTableCompiler.Compile(request.Model, engine, request.Quant, request.System);
        }
        catch (AicSimException)
        {
            return null;
        }

        var w = request.Workload;
        double decoding = w.Osl * tpotMs;
        double sequences = perRank * decoding / (ttftMs + decoding);
        var bytes = DecodeFloor.BytesPerGpu(ops.Ops, sequences, lengthsKnown ? w.MeanDecodeContext : 0);
        double tokensPerStep = 1 + (request.Backend.Speculative?.DraftTokens ?? 0);
        return new MeasuredFloor(engine, sequences, bytes, tokensPerStep, bytes.Ms(request.System.MemoryBandwidthBytesPerSec) / tokensPerStep);
    }

    /// <summary>What the floor is made of, in words: "read as TP4 on h100_sxm its decode step must read … ms at the GPU's peak …".</summary>
    public string Describe(SystemSpec system)
    {
        ArgumentNullException.ThrowIfNull(system);
        string speculative = TokensPerStep > 1 ? string.Create(CultureInfo.InvariantCulture, $", over the {TokensPerStep:F0} tokens a speculative step can keep") : string.Empty;
        string what = Bytes.Cache > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{Bytes.Total / 1e9:F1} GB a GPU ({Bytes.Weights / 1e9:F1} GB of weights, {Bytes.Cache / 1e9:F1} GB of KV cache for the {Sequences:F0} requests a rank decoded at once by Little's law on the measured TTFT and TPOT)")
            : string.Create(CultureInfo.InvariantCulture, $"{Bytes.Weights / 1e9:F1} GB a GPU of weights alone");
        return string.Create(CultureInfo.InvariantCulture,
            $"read as {Engine.Name} on {system.Name} its decode step must read {what}, {FloorMs:F2} ms at the GPU's peak {system.MemoryBandwidthBytesPerSec / 1e12:F2} TB/s{speculative}");
    }
}
