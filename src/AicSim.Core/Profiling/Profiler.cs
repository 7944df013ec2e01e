using AicSim.Core.Engine;
using AicSim.Core.Errors;
using AicSim.Core.Specs;

namespace AicSim.Core.Profiling;

/// <summary>
/// The offline SLA profiler: sweep the mappings, measure prefill TTFT and decode ITL with the model, recommend, and
/// build the planner's interpolation data for the chosen engines.
/// </summary>
public static class Profiler
{
    /// <summary>Decode interpolation runs at a fixed OSL (DOMAIN.md §3).</summary>
    public const int InterpolationOsl = 500;

    /// <summary>DEP prefill is measured with a burst of 4 requests per attention rank; TTFT = max TTFT / 4.</summary>
    public const int DepPrefillBurstPerRank = 4;

    public static ProfileResult Run(ProfileRequest request, IProgress<ProfileProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = new List<string>();
        if (request.Isl < 1 || request.Osl < 1)
        {
            problems.Add("isl and osl must be 1 or more.");
        }

        if (request.TtftMs <= 0 || request.ItlMs <= 0)
        {
            problems.Add("ttft and itl targets must be positive milliseconds.");
        }

        if (request.PrefillGranularity < 2 || request.DecodeGranularity < 2)
        {
            problems.Add("interpolation granularities must be 2 or more.");
        }

        if (request.ContextLimit < request.Isl + request.Osl)
        {
            problems.Add($"isl + osl = {request.Isl + request.Osl} tokens is beyond the max context length of {request.ContextLimit}"
                + (request.MaxContextLength is null ? $" ({request.Model.ShortName}'s max_position_embeddings)" : string.Empty)
                + ". Lower --isl or --osl, or raise --max-context-length where the engine runs longer contexts (RoPE scaling).");
        }

        if (problems.Count > 0)
        {
            throw new AicSimException(problems);
        }

        var plan = SweepPlan.For(request);
        if (plan.Candidates.Count == 0)
        {
            throw new UnsupportedException(
                $"No mapping of {request.Model.ShortName} between {plan.MinGpus} and {plan.MaxGpus} GPUs can run: " +
                string.Join(" ", plan.Skipped.Select(s => $"{s.Mapping.Name}: {s.Reason}")) +
                " Widen --min-num-gpus/--max-num-gpus or pick a larger system.");
        }

        int total = (2 * plan.Candidates.Count) + 2;
        int done = 0;
        var engines = plan.Candidates.Select(c => EngineModel.Create(new EngineConfig(request.Model, request.System, c, request.Quant, request.Backend), request.Estimator)).ToList();

        var prefill = new List<PrefillPoint>();
        foreach (var engine in engines)
        {
            prefill.Add(PrefillAt(engine, request.Isl));
            progress?.Report(new ProfileProgress(++done, total, $"prefill {engine.Config.Parallel.Name}"));
        }

        var decode = new List<DecodePoint>();
        foreach (var engine in engines)
        {
            var sweep = DecodeSweep(engine, request.Isl, request.Osl, request.DecodeGranularity).ToList();
            if (LargestWithinItl(engine, request.Isl, request.Osl, request.ItlMs) is { } edge && !sweep.Any(p => p.Requests == edge.Requests))
            {
                sweep.Add(edge);
            }

            decode.AddRange(sweep.OrderBy(p => p.Requests));

            progress?.Report(new ProfileProgress(++done, total, $"decode {engine.Config.Parallel.Name}"));
        }

        var prefillChoice = Recommender.ChoosePrefill(prefill, request.TtftMs);
        var decodeChoice = Recommender.ChooseDecode(decode, request.ItlMs);
        var prefillEngine = engines.First(e => e.Config.Parallel == prefillChoice.Point.Mapping);
        var decodeEngine = engines.First(e => e.Config.Parallel == decodeChoice.Point.Mapping);

        var prefillData = PrefillData(prefillEngine, request);
        progress?.Report(new ProfileProgress(++done, total, "prefill interpolation"));
        var decodeData = DecodeData(decodeEngine, request);
        progress?.Report(new ProfileProgress(++done, total, "decode interpolation"));

        return new ProfileResult(request, plan, prefill, decode, prefillChoice, decodeChoice, prefillData, decodeData);
    }

    /// <summary>
    /// TTFT of one request (serving overhead included) and prefill tokens per second per GPU. DEP engines take a burst of
    /// 4 requests per rank and report max TTFT / 4 (DOMAIN.md §2).
    /// </summary>
    public static PrefillPoint PrefillAt(EngineModel engine, int isl)
    {
        ArgumentNullException.ThrowIfNull(engine);
        int dp = engine.AttentionDp;
        double overhead = engine.RequestOverheadMs;
        double ttft = dp > 1
            ? (overhead + engine.PrefillMs(isl, DepPrefillBurstPerRank)) / DepPrefillBurstPerRank
            : overhead + engine.PrefillTtftMs(isl);
        double throughput = isl / (ttft / 1000.0) / engine.Config.Gpus * dp;
        return new PrefillPoint(engine.Config.Parallel, ttft, throughput);
    }

    /// <summary>ITL at request counts from attention-DP up to what the engine holds at once (KV cache, batch limit), in multiples of attention-DP.</summary>
    public static IReadOnlyList<DecodePoint> DecodeSweep(EngineModel engine, int isl, int osl, int granularity)
    {
        ArgumentNullException.ThrowIfNull(engine);
        double context = isl + (osl / 2.0);
        var points = new List<DecodePoint>();
        foreach (int requests in RequestCounts(engine.MaxConcurrentRequests(isl, osl), engine.AttentionDp, granularity))
        {
            double itl = engine.DecodeItlMs(requests, context);
            points.Add(new DecodePoint(engine.Config.Parallel, requests, itl, requests * 1000.0 / itl / engine.Config.Gpus));
        }

        return points;
    }

    /// <summary>
    /// The most requests (a multiple of attention-DP, up to what the engine holds) whose ITL meets the target, by bisection
    /// on ITL growing with requests; null when even the fewest miss it. The sweep's few even steps can straddle the edge
    /// by hundreds of requests (a hybrid model's small cache holds thousands), so the recommender sees the edge itself.
    /// </summary>
    public static DecodePoint? LargestWithinItl(EngineModel engine, int isl, int osl, double itlTargetMs)
    {
        ArgumentNullException.ThrowIfNull(engine);
        double context = isl + (osl / 2.0);
        int dp = engine.AttentionDp;
        long top = Math.Max(1, engine.MaxConcurrentRequests(isl, osl) / dp);
        DecodePoint At(long ranks) => new(engine.Config.Parallel, (int)(ranks * dp), engine.DecodeItlMs((int)(ranks * dp), context), 0);
        if (At(1).ItlMs > itlTargetMs)
        {
            return null;
        }

        long lo = 1, hi = top;
        while (lo < hi)
        {
            long mid = lo + ((hi - lo + 1) / 2);
            if (At(mid).ItlMs <= itlTargetMs)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        var edge = At(lo);
        return edge with { ThroughputPerGpu = edge.Requests * 1000.0 / edge.ItlMs / engine.Config.Gpus };
    }

    /// <summary>Up to <paramref name="count"/> request counts spread evenly from dp to the capacity, multiples of dp, distinct.</summary>
    public static IReadOnlyList<int> RequestCounts(long capacity, int dp, int count)
    {
        long top = Math.Max(dp, capacity / dp * dp);
        var counts = new SortedSet<int>();
        for (int k = 0; k < count; k++)
        {
            double at = dp + ((top - dp) * k / (double)(count - 1));
            counts.Add((int)Math.Max(dp, Math.Round(at / dp) * dp));
        }

        return [.. counts];
    }

    /// <summary>Prefill ISL from 100 to (max context − 512) in <c>granularity</c> equal integer steps (granularity + 1 points).</summary>
    public static PrefillInterpolation PrefillData(EngineModel engine, ProfileRequest request)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(request);
        const int first = 100;
        int last = Math.Max(first + request.PrefillGranularity, request.ContextLimit - 512);
        int step = (last - first) / request.PrefillGranularity;
        int n = request.PrefillGranularity + 1;
        var isl = new long[n];
        var ttft = new double[n];
        var thpt = new double[n];
        for (int k = 0; k < n; k++)
        {
            int s = first + (k * step);
            var p = PrefillAt(engine, s);
            isl[k] = s;
            ttft[k] = p.TtftMs;
            thpt[k] = p.ThroughputPerGpu;
        }

        return new PrefillInterpolation(isl, ttft, thpt);
    }

    /// <summary>
    /// Decode at OSL 500 for <c>granularity</c> ISLs from 100 to (max context − 500), each at request counts up to the KV
    /// capacity; flattened in ISL-major order as the planner reads it.
    /// </summary>
    public static DecodeInterpolation DecodeData(EngineModel engine, ProfileRequest request)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(request);
        const int first = 100;
        int last = Math.Max(first + request.DecodeGranularity, request.ContextLimit - InterpolationOsl);
        int step = (last - first) / request.DecodeGranularity;
        long maxKv = engine.Memory.MaxKvTokens;
        var usage = new List<double>();
        var context = new List<double>();
        var itl = new List<double>();
        var thpt = new List<double>();
        for (int k = 0; k < request.DecodeGranularity; k++)
        {
            int isl = first + (k * step);
            if (engine.Memory.MaxRequests(isl, InterpolationOsl) < 1)
            {
                continue;
            }

            double ctx = isl + (InterpolationOsl / 2.0);
            foreach (var p in DecodeSweep(engine, isl, InterpolationOsl, request.DecodeGranularity))
            {
                usage.Add(ctx * p.Requests / maxKv);
                context.Add(ctx);
                itl.Add(p.ItlMs);
                thpt.Add(p.ThroughputPerGpu);
            }
        }

        return new DecodeInterpolation([.. usage], [.. context], [.. itl], [.. thpt], maxKv);
    }
}
