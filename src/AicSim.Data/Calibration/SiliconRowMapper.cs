using System.Globalization;
using System.Text.RegularExpressions;
using AicSim.Core.Engine;
using AicSim.Core.Errors;
using AicSim.Core.Estimate;
using AicSim.Core.Serving;
using AicSim.Core.Specs;
using AicSim.Data.Models;
using AicSim.Data.Systems;

namespace AicSim.Data.Calibration;

/// <summary>
/// Turns a <see cref="SiliconRow"/> into an <see cref="EstimateRequest"/>, reading the file's known quirks
/// (SOURCES.md) the documented way and recording each reading on the request.
/// </summary>
/// <remarks>
/// Readings:
/// <list type="bullet">
/// <item>0 or empty in a parallel field is missing (1), never a divisor.</item>
/// <item>When tp = moe_tp × moe_ep with both above 1 (e.g. tp 64 with moe 8×8 on an 8-GPU system), the worker's GPU
/// count N is the id's <c>tpN</c> (else moe_tp, when tp exceeds the NVLink domain): tp = N, experts split moe_ep ways.</item>
/// <item>Likewise when attention_dp = moe_tp × moe_ep with tp 1: a DEP worker of the id's <c>tpN</c> GPUs.</item>
/// <item>When moe_tp × moe_ep exceeds tp (tp 1 with moe_tp 2), the attention runs data-parallel over the experts' GPUs.</item>
/// <item>Otherwise, when the expert split disagrees with the attention GPUs, moe_ep is kept and moe_tp = GPUs / moe_ep.</item>
/// <item>Agg concurrency is batch_size, except in attention-DP rows whose silicon_concurrency is batch_size × attention_dp:
/// there batch_size is per rank and the concurrency is the clients'.</item>
/// <item>An agg tp_size that no single engine can use (above 8, breaking the heads rule or splitting every weight) is
/// the disaggregated run of its sweep (<see cref="ReadAsDisaggregatedRun"/>): both roles run the smallest power-of-two
/// engine, dividing tp_size, with its weights in half its memory, and tp_size counts the decode GPUs.</item>
/// <item>gpt-oss rows labelled nvfp4 are MXFP4 checkpoints.</item>
/// <item>Quantised rows (fp8, nvfp4, mxfp4) use an FP8 KV cache; others use the checkpoint's KV dtype.</item>
/// <item>Builds measured with speculative decoding (<see cref="SpeculativeBuilds"/>) decode with it.</item>
/// <item>Disaggregated rows without batch sizes: the client concurrency in silicon_data_source, and the deployment a
/// planner would size for it (<see cref="AssumedDeployment"/>); where their decode carries the tp_size quirk, tp_size
/// counts its GPUs (<see cref="DecodeOfExportedGpus"/>).</item>
/// </list>
/// </remarks>
public sealed partial class SiliconRowMapper(ModelCatalog models, SystemCatalog systems)
{
    /// <summary>
    /// Framework builds whose rows were measured with speculative decoding, which the file does not record. TensorRT-LLM
    /// 1.2.0rc6.post3 (68 rows, all DeepSeek-R1 on B200): at the 19 configurations it shares with 1.2.0rc6.post2, its
    /// TPOT is 0.49–0.80 of post2's — 0.49–0.72 where answers are long or batches small, 0.70–0.80 with 8192-token
    /// prompts, whose prefill speculation does not speed up — while its TTFT is higher (1.16× at the median): what
    /// multi-token prediction does (fewer, longer steps), and no faster kernel build would. Read as the checkpoint's own
    /// MTP: its one draft module (num_nextn_predict_layers 1 in DeepSeek-R1's config.json), drafting one token that is
    /// accepted 85% of the time (the DeepSeek-V3 technical report: 85–90% for the second token), 1.85 tokens a step.
    /// </summary>
    public static IReadOnlyDictionary<(Backend Backend, string Version), (SpeculativeDecoding Decoding, string Evidence)> SpeculativeBuilds { get; } =
        new Dictionary<(Backend, string), (SpeculativeDecoding, string)>
        {
            [(Backend.TrtLlm, "1.2.0rc6.post3")] = (new(1, 0.85), "its TPOT is 0.49–0.80× that of the same configurations on 1.2.0rc6.post2"),
        };

    public EstimateRequest Map(SiliconRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var readings = new List<string>();
        var model = models.Resolve(row.Model);
        if (!systems.TryGet(row.System, out var system) || system is null)
        {
            throw new UnsupportedException(
                $"system '{row.System}' is not modelled; AicSim has {string.Join(", ", systems.Systems.Select(s => s.Name))}.");
        }

        var backend = Backends.Parse(row.Backend, "backend");
        var quant = Quant(row, model, readings);
        var workload = new Workload(row.Isl, row.Osl);
        var profile = BackendProfile.For(backend);
        if (SpeculativeBuilds.TryGetValue((backend, row.BackendVersion), out var build))
        {
            profile = profile with { Speculative = build.Decoding };
            int draft = build.Decoding.DraftTokens;
            readings.Add($"read {row.Backend} {row.BackendVersion} as decoding with MTP: {draft} draft token{(draft == 1 ? string.Empty : "s")} a step, accepted at {build.Decoding.Acceptance.ToString(CultureInfo.InvariantCulture)} ({build.Evidence})");
        }

        bool isAgg = row.Mode.Equals("agg", StringComparison.OrdinalIgnoreCase);
        if (!isAgg && !row.Mode.Equals("disagg", StringComparison.OrdinalIgnoreCase))
        {
            throw new AicSimException($"mode '{row.Mode}': use agg or disagg.");
        }

        var common = new EstimateRequest
        {
            Model = model,
            System = system,
            Backend = profile,
            Quant = quant,
            Workload = workload,
            Mode = isAgg ? ServingMode.Aggregated : ServingMode.Disaggregated,
            Parallel = Parallel(isAgg ? row.Agg : row.Prefill, model, system, row.Id, isAgg ? "agg" : "prefill", readings),
            Readings = readings,
        };

        if (isAgg)
        {
            if (row.BatchSize is not > 0)
            {
                throw new UnsupportedException("agg row without batch_size (its concurrency).");
            }

            // batch_size is the concurrency, except in attention-DP rows, where it is per rank: their source names the
            // client concurrency, batch_size × attention_dp (c256 with DEP8 has batch_size 32). Rows of other mappings whose
            // source names more clients than batch_size ran several replicas; batch_size is what one engine sees.
            int concurrency = row.BatchSize.Value;
            int dp = row.Agg.AttentionDp is > 1 ? row.Agg.AttentionDp.Value : 1;
            if (dp > 1 && Concurrency(row.Source) is int clients && clients == concurrency * dp)
            {
                readings.Add($"concurrency {clients} from silicon_concurrency (batch_size {concurrency} is per attention-DP rank)");
                concurrency = clients;
            }

            var aggRequest = common with { Concurrency = concurrency };
            return ReplicaWorker(aggRequest, aggRequest.Parallel) is var (worker, why)
                ? ReadAsDisaggregatedRun(aggRequest, worker, why, readings)
                : aggRequest;
        }

        DisaggregatedDeployment deployment;
        ParallelConfig decode;
        if (row.PrefillBatchSize is > 0 && row.DecodeBatchSize is > 0)
        {
            decode = Parallel(row.Decode, model, system, row.Id, "decode", readings);
            deployment = new(row.PrefillWorkers is > 0 ? row.PrefillWorkers.Value : 1, row.PrefillBatchSize.Value, row.DecodeWorkers is > 0 ? row.DecodeWorkers.Value : 1, row.DecodeBatchSize.Value);
        }
        else
        {
            int concurrency = Concurrency(row.Source)
                ?? throw new UnsupportedException("disagg row without prefill/decode batch sizes or a silicon_concurrency to assume them from.");
            (decode, int? decodeWorkers) = DecodeOfExportedGpus(row.Decode, common, concurrency, row.Id, readings);

            // A role's tp_size that no engine can use (GB200 DeepSeek-R1 rows with tp 12–72 in both roles) stands for
            // workers of the smallest engine that can, as in aggregated rows (ReadAsDisaggregatedRun). The decode's tp_size
            // counts its GPUs, as where the tp_size quirk says so (DecodeOfExportedGpus); the prefill workers keep up.
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

            deployment = AssumedDeployment(common, decode, concurrency, readings, decodeWorkers);
        }

        return common with { DecodeParallel = decode, Deployment = deployment };
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
    /// as any other, and <see cref="AssumedDeployment"/> sizes its workers.
    /// </summary>
    private static (ParallelConfig Decode, int? Workers) DecodeOfExportedGpus(RowParallel p, EstimateRequest common, int concurrency, string id, List<string> readings)
    {
        var model = common.Model;
        int before = readings.Count;
        var worker = Parallel(p, model, common.System, id, "decode", readings);
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
    /// (osl × time per token)). Both engines are sized with the built-in constants: the deployment is an assumption, not
    /// something fitted to the rows.
    /// </summary>
    private static DisaggregatedDeployment AssumedDeployment(EstimateRequest prefillRequest, ParallelConfig decodeParallel, int concurrency, List<string> readings, int? decodeWorkersOfRow)
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

    private static QuantConfig Quant(SiliconRow row, ModelSpec model, List<string> readings)
    {
        var d = model.DefaultQuant;
        var gemm = row.GemmQuant.Length > 0 ? QuantModes.Parse(row.GemmQuant, "gemm_quant_mode") : d.Gemm;
        var moe = row.MoeQuant.Length > 0 ? QuantModes.Parse(row.MoeQuant, "moe_quant_mode") : d.Moe;
        if (model.Architecture == "GptOssForCausalLM" && moe == QuantMode.Nvfp4)
        {
            moe = QuantMode.Mxfp4;
            gemm = gemm == QuantMode.Nvfp4 ? QuantMode.Bf16 : gemm;
            readings.Add("read gpt-oss 'nvfp4' as its MXFP4 checkpoint (experts MXFP4, attention bf16)");
        }

        // "fp8" names the precision, not the scaling: where the model's own checkpoint is block-scaled FP8 (DeepSeek-R1
        // and V3, MiniMax-M2.5, Qwen3-235B-A22B-FP8: weight_block_size [128, 128] in their config.json), the row runs it.
        if (gemm == QuantMode.Fp8 && d.Gemm == QuantMode.Fp8Block)
        {
            gemm = QuantMode.Fp8Block;
            readings.Add("read gemm fp8 as the checkpoint's block-scaled fp8 (fp8_block)");
        }

        // Quantised rows are read with an fp8 KV cache: the serving recipes set it, and the measurements need it — at high
        // concurrency TTFT shows where the cache fills, and with bf16 KV that comes at about half the concurrency measured
        // (MiniMax-M2.5 fp8, TP2 B200, 8192+1024: about 105 resident requests measured, 59 fit in bf16, 96 in fp8).
        var kv = d.KvCache;
        if (kv == QuantMode.Bf16 && (IsQuantised(gemm) || IsQuantised(moe)))
        {
            kv = QuantMode.Fp8;
            readings.Add("read the KV cache as fp8 (a quantised row)");
        }

        return new QuantConfig(gemm, moe, kv);
    }

    /// <summary>
    /// An agg row whose tp_size no single engine can use (GB200 DeepSeek-R1 rows with tp 12–72 for 128 heads, or pure
    /// tensor parallelism over more than 8 GPUs) is read as the disaggregated run of its sweep. The sweeps' disaggregated
    /// rows give the same tp_size to both roles; 13 such agg rows measure what a disaggregated row of theirs measures at
    /// the same load (within 1% in TPOT and 2% in TTFT: validate's same-as-disaggregated check); and their TTFT is a
    /// prefill pool's queue, 0.3–0.4× of it left unexplained when they were read as replicas of aggregated engines (41
    /// rows, cross-validated: TTFT 62% → 40% MAPE, TPOT 24% → 18%, the rows without a twin gaining too; docs/validate.md).
    /// Both roles run the smallest engine that can (<see cref="ReplicaWorker"/>); tp_size counts the decode GPUs and the
    /// prefill workers keep up with them, as for disaggregated rows without batch sizes.
    /// </summary>
    private static EstimateRequest ReadAsDisaggregatedRun(EstimateRequest agg, ParallelConfig worker, string why, List<string> readings)
    {
        int gpus = agg.Parallel.Tp;
        int decodeWorkers = Math.Min(gpus / worker.Gpus, agg.Concurrency);
        readings.Add($"agg: tp_size {gpus} {why}; read as the disaggregated run of its sweep: {worker.Name} workers in both roles, " +
            $"the {gpus} GPUs decoding as {gpus / worker.Gpus} of them (the smallest engine with its weights in half its memory)");
        var run = agg with { Mode = ServingMode.Disaggregated, Parallel = worker };
        return run with { DecodeParallel = worker, Deployment = AssumedDeployment(run, worker, agg.Concurrency, readings, decodeWorkers) };
    }

    /// <summary>
    /// The worker a tp_size no single engine can use stands for (<see cref="ReadAsDisaggregatedRun"/>): the smallest power-of-two
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

    private static bool IsQuantised(QuantMode mode) => mode is QuantMode.Fp8 or QuantMode.Fp8Block or QuantMode.Nvfp4 or QuantMode.Mxfp4;

    private static ParallelConfig Parallel(RowParallel p, ModelSpec model, SystemSpec system, string id, string role, List<string> readings)
    {
        static int Size(int? v) => v is > 0 ? v.Value : 1;
        int tp = Size(p.Tp);
        int pp = Size(p.Pp);
        int dp = Size(p.AttentionDp);
        if (!model.IsMoe)
        {
            return ParallelConfig.FromSizes(tp, pp, dp, null, null, isMoe: false);
        }

        int gpus = tp * dp;
        if (p.MoeTp is not > 0 && p.MoeEp is not > 0)
        {
            return ParallelConfig.FromSizes(tp, pp, dp, null, null, isMoe: true);
        }

        int moeTp = Size(p.MoeTp);
        int moeEp = Size(p.MoeEp);

        // The export quirk: tp_size holds moe_tp × moe_ep. The id's tpN (else moe_tp on an HGX system the tp cannot fit) is the worker.
        if (tp == moeTp * moeEp && dp == 1 && moeTp > 1 && moeEp > 1)
        {
            var fromId = TpInId().Match(id);
            int? workerGpus = fromId.Success ? int.Parse(fromId.Groups[1].Value, CultureInfo.InvariantCulture)
                : tp > system.NvlinkDomainGpus ? moeTp : null;
            if (workerGpus is int n && n != tp && n % moeEp == 0)
            {
                readings.Add($"{role}: tp_size {tp} = moe_tp {moeTp} × moe_ep {moeEp}; read as a {n}-GPU worker (TEP: tp {n}, experts split {moeEp} ways)");
                return new ParallelConfig(n, pp, 1, n / moeEp, moeEp);
            }
        }

        // The same quirk under attention DP: attention_dp holds moe_tp × moe_ep (64 = 8 × 8 on an 8-GPU system); the id's
        // tpN (else moe_tp) is the worker, a DEP engine with one attention rank per GPU.
        if (dp == moeTp * moeEp && tp == 1 && moeTp > 1 && moeEp > 1)
        {
            var fromId = TpInId().Match(id);
            int n = fromId.Success ? int.Parse(fromId.Groups[1].Value, CultureInfo.InvariantCulture) : moeTp;
            if (n != dp && n % moeEp == 0)
            {
                readings.Add($"{role}: attention_dp {dp} = moe_tp {moeTp} × moe_ep {moeEp}; read as a {n}-GPU worker (DEP: attention DP {n}, experts split {moeEp} ways)");
                return new ParallelConfig(1, pp, n, n / moeEp, moeEp);
            }
        }

        if (moeTp * moeEp == gpus)
        {
            return new ParallelConfig(tp, pp, dp, moeTp, moeEp);
        }

        // More expert GPUs than attention GPUs (tp 1 with moe_tp 2): the experts' GPU count is the engine's, and the
        // attention runs data-parallel across it, as vLLM's --data-parallel-size does with experts sharded over all ranks.
        if (dp == 1 && moeTp * moeEp > gpus && moeTp * moeEp % tp == 0)
        {
            int ranks = moeTp * moeEp / tp;
            readings.Add($"{role}: moe_tp {moeTp} × moe_ep {moeEp} = {moeTp * moeEp} GPUs > tp {tp}; read as attention DP {ranks} over them");
            return new ParallelConfig(tp, pp, ranks, moeTp, moeEp);
        }

        if (gpus % moeEp == 0)
        {
            readings.Add($"{role}: moe_tp {moeTp} × moe_ep {moeEp} ≠ {gpus} GPUs; read as moe_ep {moeEp}, moe_tp {gpus / moeEp}");
            return new ParallelConfig(tp, pp, dp, gpus / moeEp, moeEp);
        }

        throw new UnsupportedException($"{role}: moe_tp {moeTp} × moe_ep {moeEp} does not match tp {tp} × attention_dp {dp} and cannot be read consistently.");
    }

    /// <summary>The client concurrency a row's source names (<c>silicon_concurrency=N</c>), or null.</summary>
    public static int? Concurrency(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var m = ConcurrencyInSource().Match(source);
        return m.Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>
    /// The day a row was measured, as its source names it (<c>measured=2026-03-27</c>, a time after the date ignored), or
    /// null when it names none or an impossible date.
    /// </summary>
    public static DateOnly? Measured(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var m = MeasuredInSource().Match(source);
        return m.Success && DateOnly.TryParseExact(m.Groups[1].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
    }

    [GeneratedRegex(@"_tp(\d+)_")]
    private static partial Regex TpInId();

    [GeneratedRegex(@"silicon_concurrency=(\d+)")]
    private static partial Regex ConcurrencyInSource();

    [GeneratedRegex(@"(?:^|;)\s*measured=(\d{4}-\d{2}-\d{2})")]
    private static partial Regex MeasuredInSource();
}
