using System.Globalization;
using AicSim.Core.Engine;
using AicSim.Core.Estimate;
using AicSim.Core.Serving;
using AicSim.Core.Specs;

namespace AicSim.Data.Calibration;

/// <summary>
/// The deployments <see cref="SiliconRowMapper"/> assumes where a row does not give its whole configuration:
/// disaggregated rows without batch sizes, and the GPUs that some rows' tp_size counts rather than one engine's. Each is
/// sized with the built-in constants, so it is an assumption, not something fitted to the rows (README, Batch mode;
/// docs/validate.md, odd rows).
/// </summary>
internal static class AssumedDeployments
{
    /// <summary>
    /// A disaggregated row without batch sizes, read at its source's client concurrency as the deployment a planner would
    /// size for it: the decode engine and its worker count as the row implies them (<see cref="DecodeOfExportedGpus"/>),
    /// else sized to hold the clients (<see cref="Sized"/>). A role's tp_size that no engine can use (GB200 DeepSeek-R1
    /// rows with tp 12–72 in both roles) stands for workers of the smallest engine that can, as in aggregated rows
    /// (<see cref="DisaggregatedRun"/>): the decode's tp_size counts its GPUs, the prefill workers keep up.
    /// </summary>
    public static EstimateRequest Disaggregated(RowParallel decodeRow, string id, EstimateRequest common, int concurrency, List<string> readings)
    {
        var (decode, decodeWorkers) = DecodeOfExportedGpus(decodeRow, common, concurrency, id, readings);
        return OnStatedGpus(common, decode, decodeWorkers, concurrency, readings);
    }

    /// <summary>
    /// An aggregated row whose tp_size no single engine can use (GB200 DeepSeek-R1 rows with tp 12–72 for 128 heads, or pure
    /// tensor parallelism over more than 8 GPUs) is read as the disaggregated run of its sweep. The sweeps' disaggregated
    /// rows give the same tp_size to both roles; 13 such agg rows measure what a disaggregated row of theirs measures at
    /// the same load (within 1% in TPOT and 2% in TTFT: validate's same-as-disaggregated check); and their TTFT is a
    /// prefill pool's queue, which reading them as replicas of aggregated engines put at 0.4× the measured (41 rows,
    /// cross-validated: TTFT 62% → 40% MAPE, TPOT 24% → 18%, the rows without a twin gaining too; docs/validate.md).
    /// Both roles get that tp_size and are read as disaggregated rows without batch sizes are (<see cref="OnStatedGpus"/>).
    /// </summary>
    public static EstimateRequest? DisaggregatedRun(EstimateRequest agg, List<string> readings)
    {
        if (ReplicaWorker(agg, agg.Parallel) is not var (_, why))
        {
            return null;
        }

        readings.Add($"agg: tp_size {agg.Parallel.Tp} {why}; read as the disaggregated run of its sweep, tp_size {agg.Parallel.Tp} in both roles");
        return OnStatedGpus(agg with { Mode = ServingMode.Disaggregated }, agg.Parallel, null, agg.Concurrency, readings);
    }

    /// <summary>
    /// A disaggregated deployment whose roles may state a tp_size no engine can use (<see cref="ReplicaWorker"/>): such a
    /// role runs workers of the smallest engine that can, the decode's tp_size counting its GPUs (never more workers than
    /// clients) and the prefill workers keeping up with them (<see cref="Sized"/>).
    /// </summary>
    private static EstimateRequest OnStatedGpus(EstimateRequest common, ParallelConfig decode, int? decodeWorkers, int concurrency, List<string> readings)
    {
        if (ReplicaWorker(common, common.Parallel) is var (prefillWorker, prefillWhy))
        {
            readings.Add($"prefill: tp_size {common.Parallel.Tp} {prefillWhy}; read as {prefillWorker.Name} workers (the smallest with its weights in half its memory)");
            common = common with { Parallel = prefillWorker };
        }

        if (ReplicaWorker(common, decode) is var (decodeWorker, decodeWhy))
        {
            decodeWorkers = Math.Min(decode.Tp / decodeWorker.Gpus, concurrency);
            readings.Add($"decode: tp_size {decode.Tp} {decodeWhy}; read as its GPUs in {decode.Tp / decodeWorker.Gpus} workers of {decodeWorker.Name} (the smallest with its weights in half its memory)");
            decode = decodeWorker;
        }

        return common with { DecodeParallel = decode, Deployment = Sized(common, decode, concurrency, readings, decodeWorkers) };
    }

    /// <summary>
    /// The worker a tp_size no single engine can use stands for (<see cref="DisaggregatedRun"/>): the smallest power-of-two
    /// engine, dividing tp_size, whose weights fill at most half its memory, and why tp_size is not one engine; null when
    /// it is one.
    /// </summary>
    private static (ParallelConfig Worker, string Why)? ReplicaWorker(EstimateRequest request, ParallelConfig par)
    {
        if (par.AttentionDp > 1 || par.Pp > 1 || par.Tp <= 8)
        {
            return null;
        }

        bool breaksHeads = MappingRules.Problems(request.Model, par).Count > 0;
        if (!breaksHeads && par.MoeEp > 1)
        {
            return null;
        }

        string why = breaksHeads
            ? $"is no single engine's TP ({request.Model.NumAttentionHeads} heads)"
            : "would split every weight over more than 8 GPUs, which no serving engine does";

        var one = new EngineConfig(request.Model, request.System, new ParallelConfig(1, 1, 1, 1, 1), request.Quant, request.Backend);
        double weights = EngineModel.Create(one).Memory.WeightBytes;
        int n = 1;
        while (n < weights / (0.5 * request.System.MemoryBytes))
        {
            n *= 2;
        }

        for (; n < par.Tp; n *= 2)
        {
            int moeEp = Math.Min(par.MoeEp, n);
            var worker = new ParallelConfig(n, 1, 1, n / moeEp, moeEp);
            if (par.Tp % n == 0 && MappingRules.Problems(request.Model, worker).Count == 0)
            {
                return (worker, why);
            }
        }

        return null;
    }

    /// <summary>
    /// The decode engine of a disaggregated row without batch sizes, and its worker count when the row implies one. Where
    /// the export quirk holds (decode tp_size = moe_tp × moe_ep, both above 1: GB200 DeepSeek-R1 rows with tp 32 = 8 × 4,
    /// B200 ones with 8 = 2 × 4, all without batch sizes), tp_size counts the decode pool's GPUs and the id's tpN, which
    /// the quirk reads as the worker, is the prefill worker's. Those GPUs are read as the recipe that serves the row's
    /// clients faster: tp_size / N workers of that N-GPU TEP engine, or one DEP engine over all of them (attention
    /// data-parallel, experts split as many ways; where the experts divide and the clients fill its ranks), each with the
    /// clients shared evenly and counted only if its KV cache holds them (else the one holding more); never more workers
    /// than clients. Sweeps serve low load with TEP workers and
    /// high load with wide DEP (16 GB200s at 6144 clients of 1024 + 8192 tokens keep about 6000 requests decoding by
    /// Little's law, past what four TEP4 workers hold); docs/validate.md has the effect. Otherwise the row's decode reads
    /// as any other, and <see cref="Sized"/> sizes its workers.
    /// </summary>
    private static (ParallelConfig Decode, int? Workers) DecodeOfExportedGpus(RowParallel p, EstimateRequest common, int concurrency, string id, List<string> readings)
    {
        var model = common.Model;
        int before = readings.Count;
        var worker = SiliconRowMapper.Parallel(p, model, common.System, id, "decode", readings);
        int gpus = p.Tp is > 0 ? p.Tp.Value : 1;
        bool quirk = model.IsMoe && p.MoeTp is > 1 && p.MoeEp is > 1 && gpus == p.MoeTp * p.MoeEp && p.AttentionDp is not > 1 && p.Pp is not > 1;
        if (!quirk || worker.Gpus >= gpus || gpus % worker.Gpus != 0)
        {
            return (worker, null);
        }

        var w = common.Workload;
        (bool Fits, long Holds, double TokenMs) Serve(ParallelConfig par, int workers)
        {
            var engine = EngineModel.Create(new EngineConfig(model, common.System, par, common.Quant, common.Backend));
            long holds = engine.MaxResidentRequests(w.Isl, w.Osl) * workers;
            int perRank = (int)Math.Ceiling(concurrency / (double)(workers * par.AttentionDp));
            return (holds >= concurrency, holds, engine.DecodeTokenMs(perRank, w.MeanDecodeContext));
        }

        // A worker without a client serves nobody (the deployment's load is the clients', not the batches'), and a DEP
        // engine with fewer clients than ranks would price a fraction of a request per rank, which the serving model does not.
        int tepWorkers = Math.Min(gpus / worker.Gpus, concurrency);
        var dep = new ParallelConfig(1, 1, gpus, 1, gpus);
        string counts = $"decode: tp_size {gpus} = moe_tp {p.MoeTp} × moe_ep {p.MoeEp} counts the decode GPUs; read as";
        readings.RemoveRange(before, readings.Count - before);
        string? noDep = MappingRules.Problems(model, dep).Count > 0 ? $"{dep.Name} would split {model.NumExperts} experts unevenly"
            : concurrency < gpus ? $"{concurrency} clients cannot fill {dep.Name}'s {gpus} ranks"
            : null;
        if (noDep is not null)
        {
            readings.Add($"{counts} {tepWorkers} {worker.Name} worker{(tepWorkers == 1 ? string.Empty : "s")} ({noDep})");
            return (worker, tepWorkers);
        }

        var tep = Serve(worker, tepWorkers);
        var wide = Serve(dep, 1);
        bool bothFit = tep.Fits && wide.Fits;
        bool depServes = bothFit ? wide.TokenMs < tep.TokenMs : wide.Fits || (!tep.Fits && wide.Holds > tep.Holds);
        var (chosen, other) = depServes ? (wide, tep) : (tep, wide);
        string why = bothFit
            ? $"the faster decode for {concurrency} clients: {Ms(chosen.TokenMs)} against {Ms(other.TokenMs)} ms a token"
            : $"the one whose KV caches hold {(chosen.Fits ? string.Empty : "more of ")}its {concurrency} clients ({chosen.Holds} against {other.Holds})";
        readings.Add(depServes
            ? $"{counts} one {dep.Name} engine rather than {tepWorkers} {worker.Name} workers, {why}"
            : $"{counts} {tepWorkers} {worker.Name} workers rather than one {dep.Name} engine, {why}");
        return depServes ? (dep, 1) : (worker, tepWorkers);

        static string Ms(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The deployment a disaggregated row without batch sizes is read as: what a planner sizing for its clients would
    /// run. Decode: the workers the row implies (<see cref="DecodeOfExportedGpus"/>), else the fewest whose KV caches (and
    /// batch limit) hold every client at once, the clients shared evenly. Prefill: the fewest workers, one prompt at a
    /// time per attention rank, whose prompt rate keeps up with the rate those decode workers finish requests (clients /
    /// (osl × time per token)) — a lone prompt's rate, as Dynamo's planner sizes prefill from the profiler's lone-prompt
    /// TTFT, though a worker with a queue packs its steps and runs faster. Both engines are sized with the built-in
    /// constants: the deployment is an assumption, not something fitted to the rows.
    /// </summary>
    private static DisaggregatedDeployment Sized(EstimateRequest prefillRequest, ParallelConfig decodeParallel, int concurrency, List<string> readings, int? decodeWorkersOfRow)
    {
        EngineModel Engine(ParallelConfig p) => EngineModel.Create(new EngineConfig(prefillRequest.Model, prefillRequest.System, p, prefillRequest.Quant, prefillRequest.Backend));
        var w = prefillRequest.Workload;
        var decode = Engine(decodeParallel);
        var prefill = Engine(prefillRequest.Parallel);

        // An engine whose cache holds not one request still gets one: EstimateResult reports that it does not fit.
        long holds = Math.Max(1, decode.MaxResidentRequests(w.Isl, w.Osl));
        int decodeWorkers = decodeWorkersOfRow ?? (int)Math.Ceiling(concurrency / (double)holds);
        int decodeBatch = (int)Math.Ceiling(concurrency / (double)(decodeWorkers * decode.AttentionDp));
        double finishedPerMs = concurrency / (w.Osl * decode.DecodeTokenMs(decodeBatch, w.MeanDecodeContext));
        double promptsPerMsPerWorker = prefill.AttentionDp / prefill.PrefillMs(w.Isl, 1);
        int prefillWorkers = (int)Math.Max(1, Math.Ceiling(finishedPerMs / promptsPerMsPerWorker));
        readings.Add($"assumed {prefillWorkers} prefill worker{(prefillWorkers == 1 ? string.Empty : "s")} at batch 1 and {decodeWorkers} decode worker{(decodeWorkers == 1 ? string.Empty : "s")} at batch {decodeBatch} per rank " +
            (decodeWorkersOfRow is null
                ? $"(concurrency {concurrency}; the row gives no batch sizes: the fewest decode workers whose KV caches hold every client, and prefill workers to keep up with them)"
                : $"(concurrency {concurrency}; the row gives no batch sizes: its decode GPUs, and prefill workers to keep up with them)"));
        int ranks = decodeWorkers * decode.AttentionDp;
        if (concurrency < ranks)
        {
            readings.Add($"{concurrency} clients on the decode's {ranks} attention-DP ranks: each rank steps with at most one request, the load stays {concurrency}");
        }

        return new(prefillWorkers, 1, decodeWorkers, decodeBatch, concurrency);
    }
}
