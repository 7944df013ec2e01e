using AicSim.Core.Estimation;
using AicSim.Core.Ops;
using AicSim.Core.Specs;

namespace AicSim.Core.Engine;

/// <summary>
/// One engine compiled for estimation: its op table, memory fit, and step latencies for prefill, decode and mixed steps.
/// Shapes given to this type are engine-wide (all attention-DP ranks); it divides them per rank itself.
/// </summary>
public sealed class EngineModel
{
    private readonly OpTable _ops;

    // Counted once: a block-pattern model counts its pattern to know it, and every priced step needs it.
    private readonly int _transformerLayers;

    private EngineModel(EngineConfig config, OpTable ops, IOpEstimator estimator, MemoryFit? memory = null, EngineModel? counted = null)
    {
        Config = config;
        _ops = ops;
        _transformerLayers = config.Model.TransformerLayers;
        Estimator = estimator;
        Memory = memory ?? MemoryModel.Compute(config, ops);
        PrefillKernels = counted?.PrefillKernels ?? CountPrefillKernels(ops, collectives: true);
        RequestOverheadKernels = counted?.RequestOverheadKernels ?? CountPrefillKernels(ops, collectives: false);
    }

    /// <summary>
    /// The same compiled engine priced differently: another estimator and the framework's timing constants (overheads,
    /// arrival synchronisation). Reuses the op table, its kernel count and the memory fit, which those do not change — what
    /// calibration needs, repricing every row at each trial.
    /// </summary>
    public EngineModel With(IOpEstimator estimator, BackendProfile backend)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        ArgumentNullException.ThrowIfNull(backend);
        return new EngineModel(Config with { Backend = backend }, _ops, estimator, Memory, this);
    }

    public EngineConfig Config { get; }

    public IOpEstimator Estimator { get; }

    public OpTable Ops => _ops;

    public MemoryFit Memory { get; }

    public int AttentionDp => Config.Parallel.AttentionDp;

    /// <summary>Validates the mapping, compiles the op table and fits memory. Throws on an impossible mapping or a missing dtype.</summary>
    public static EngineModel Create(EngineConfig config, IOpEstimator? estimator = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        MappingRules.Validate(config.Model, config.Parallel);
        var ops = WithFrameworkKernels(OpTableCompiler.Compile(config.Model, config.Parallel, config.Quant, config.System), config.Backend);
        estimator ??= new RooflineEstimator(HardwareParams.From(config.System), EfficiencyParams.Default);
        return new EngineModel(config, ops, estimator);
    }

    /// <summary>
    /// The framework's own kernels set some calls' fixed time: its all-reduce's (<see cref="BackendProfile.AllReduceLatencyUs"/>)
    /// and its MoE block's where MXFP4 experts run without FP4 tensor cores (<see cref="BackendProfile.MxfpMoeOverheadUs"/>).
    /// </summary>
    private static OpTable WithFrameworkKernels(OpTable table, BackendProfile backend)
    {
        if (backend.AllReduceLatencyUs <= 0 && backend.MxfpMoeOverheadUs <= 0)
        {
            return table;
        }

        var ops = table.ToArray();
        for (int i = 0; i < ops.Length; i++)
        {
            if (ops[i].Role == OpRole.AllReduce && backend.AllReduceLatencyUs > 0)
            {
                ops[i].LatencySec = backend.AllReduceLatencyUs / 1e6;
            }
            else if (ops[i].Kind == OpKind.MoeExperts && ops[i].Quant == QuantMode.Mxfp4 && ops[i].Compute != ComputeType.Fp4 && backend.MxfpMoeOverheadUs > 0)
            {
                ops[i].LatencySec = backend.MxfpMoeOverheadUs / 1e6;
            }
        }

        return new OpTable(ops, [.. table.Names]);
    }

    /// <summary>
    /// Requests of <paramref name="isl"/> + <paramref name="osl"/> tokens the engine runs at once: what the KV cache holds,
    /// capped by the framework's batch limit on every attention rank.
    /// </summary>
    public long MaxConcurrentRequests(int isl, int osl) =>
        Math.Min(Memory.MaxRequests(isl, osl), (long)Config.Backend.MaxBatchPerRank * AttentionDp);

    /// <summary>
    /// Requests that stay resident at once under continuous batching with a paged KV cache: each holds on average
    /// isl + osl/2 tokens over its life (its cache grows as it decodes), capped by the batch limit.
    /// </summary>
    public long MaxResidentRequests(int isl, int osl) =>
        Math.Min(Memory.RequestsHeld(isl + (osl / 2.0)), (long)Config.Backend.MaxBatchPerRank * AttentionDp);

    /// <summary>
    /// Milliseconds of one step on one attention rank: kernels plus the framework's per-layer overhead, or the host's
    /// per-sequence work where that is longer (<see cref="BackendProfile.HostUsPerSequence"/>).
    /// </summary>
    public double StepMs(in StepShape perRank) =>
        Math.Max(KernelsAndFrameworkMs(perRank), HostMs(perRank.DecodeSequences + perRank.PrefillSequences));

    private double KernelsAndFrameworkMs(in StepShape perRank) => (StepLatency.Seconds(_ops.Ops, perRank, Estimator) * 1000.0) + FrameworkStepMs;

    private double HostMs(double sequences) => Config.Backend.HostUsPerSequence * sequences / 1000.0;

    /// <summary>
    /// One step of the running engine, from its time per generated token (<see cref="DecodeTokenMs(double, double)"/>):
    /// the plain decode step, or with speculative decoding the draft-and-verify step, which keeps
    /// <see cref="SpeculativeDecoding.TokensPerStep"/> tokens a sequence. What a new request waits on is that step, not a
    /// token's share of it, nor a plain step. Over the 147 calibration rows read as MTP (three runs), TTFT priced with plain
    /// steps sat at ×0.55–0.76 of measured at each run's median, with whole speculative steps ×0.56–0.80; on the target
    /// rows, cross-validated by configuration, TTFT MAPE 31.4% → 31.2%.
    /// </summary>
    public double RunningStepMs(double tokenMs) =>
        tokenMs * (Config.Backend.Speculative is { DraftTokens: > 0 } speculative ? speculative.TokensPerStep : 1.0);

    /// <summary>
    /// Milliseconds per generated token of a decode step on one attention rank with <paramref name="perRank"/> sequences
    /// at mean context <paramref name="context"/>: the plain decode step, or with speculative decoding
    /// (<see cref="BackendProfile.Speculative"/>) n draft passes of one layer and the logits, then a verifying step in
    /// which every sequence runs n + 1 tokens against its cache, all divided by the tokens a step keeps.
    /// </summary>
    public double DecodeTokenMs(double perRank, double context) =>
        DecodeTokenMs(perRank, context, StepMs(StepShape.Decode(perRank, context)));

    /// <summary>
    /// <see cref="DecodeTokenMs(double, double)"/> for a caller that already has the plain decode step,
    /// <paramref name="plainMs"/> (= <see cref="StepMs"/> of that shape), so it is not priced twice.
    /// </summary>
    public double DecodeTokenMs(double perRank, double context, double plainMs)
    {
        var speculative = Config.Backend.Speculative;
        if (speculative is null || speculative.DraftTokens == 0)
        {
            return plainMs;
        }

        var plain = StepShape.Decode(perRank, context);

        // The draft layer is one more decoder layer with the shared logits: a layer's share of a plain step's kernels
        // and framework time, plus the logits, per drafted token. The verifying step runs (n + 1)·B tokens through every
        // GEMM, but its attention reads each sequence's cache once, as B sequences' decode attention does, and computes
        // n + 1 queries against it (DecodeQueriesPerSequence): compute-bound MLA with all its heads on a rank pays for them.
        int n = speculative.DraftTokens;
        var verify = StepShape.Decode(perRank * (n + 1), context);
        var verifyAttention = plain with { DecodeQueriesPerSequence = n + 1 };
        double logitsMs = 0;
        double attentionMs = 0;
        var ops = _ops.Ops;
        for (int i = 0; i < ops.Length; i++)
        {
            if (ops[i].Group == OpGroup.EmbeddingAndLogits)
            {
                logitsMs += Estimator.OpSeconds(ops[i], plain) * 1000.0;
            }
            else if (ops[i].Kind == OpKind.GenerationAttention)
            {
                attentionMs += (Estimator.OpSeconds(ops[i], verifyAttention) - Estimator.OpSeconds(ops[i], verify)) * 1000.0;
            }
        }

        double draftMs = n * (((plainMs - logitsMs) / _transformerLayers) + logitsMs);
        // The host's bookkeeping is per sequence, not per token it verifies; a framework whose speculation turns its
        // overlap scheduler off (SGLang) pays it after the kernels instead of beside them.
        double kernelsMs = KernelsAndFrameworkMs(verify) + attentionMs;
        double verifyMs = Config.Backend.SpeculationStopsOverlap ? kernelsMs + HostMs(perRank) : Math.Max(kernelsMs, HostMs(perRank));
        return (verifyMs + draftMs) / speculative.TokensPerStep;
    }

    /// <summary>
    /// What every request's TTFT pays the framework: its request overhead per kernel times the prefill step's kernels,
    /// its collectives aside (<see cref="RequestOverheadKernels"/>).
    /// </summary>
    public double RequestOverheadMs => Config.Backend.RequestOverheadPerKernelUs * RequestOverheadKernels / 1000.0;

    /// <summary>
    /// What launching a prompt's prefill step op by op, outside the captured CUDA graphs, holds the requests decoding in
    /// that step: <see cref="Specs.BackendProfile.PromptLaunchUsPerKernel"/> times the prefill step's kernels.
    /// </summary>
    public double PromptLaunchMs => Config.Backend.PromptLaunchUsPerKernel * PrefillKernels / 1000.0;

    /// <summary>
    /// Kernels the decoder layers of a prefill step launch on one GPU: each op of the table that runs on prompt tokens,
    /// once per layer it runs in (<see cref="Op.Count"/>), times the kernels it stands for (<see cref="Op.Launches"/>);
    /// the embedding and the logits, once a step, are left out (counting them too cross-validated a shade worse). A
    /// DeepSeek MLA and MoE layer at TP8 runs 15 of them, a Llama GQA layer 10, a Qwen3.5 Gated DeltaNet layer 17 before
    /// its MoE.
    /// </summary>
    public double PrefillKernels { get; }

    /// <summary>
    /// The kernels a request's overhead is paid on: <see cref="PrefillKernels"/> less the collectives (all-reduce,
    /// dispatch and combine), which tensor and expert parallelism add. Counted with them, the fixed part of TTFT grew with
    /// TP, while pairs of rows that differ only in TP show it shrinking; without them a Llama layer counts 8 at any TP.
    /// Transfer improved: TTFT MAPE holding out models 34.2% → 33.9%, holding out (system, backend) pairs 34.8% → 34.3%,
    /// at three of the four forward cuts 0.6–0.8 points (docs/accuracy-history.md). A prompt's launches still count
    /// every kernel.
    /// </summary>
    public double RequestOverheadKernels { get; }

    private static double CountPrefillKernels(OpTable table, bool collectives)
    {
        double kernels = 0;
        foreach (var op in table.Ops)
        {
            if (op.Scope != TokenScope.DecodeTokens && op.Group != OpGroup.EmbeddingAndLogits && (collectives || op.Group != OpGroup.Communication))
            {
                kernels += op.Count * op.KernelsPerRepetition;
            }
        }

        return kernels;
    }

    /// <summary>
    /// Tokens one attention rank's step takes (<see cref="BackendProfile.TokenBudgetPerRank"/>): the prefill chunk, and the
    /// budget a queued worker packs prompts into.
    /// </summary>
    public int PrefillTokenBudget => Config.Backend.TokenBudgetPerRank(AttentionDp);

    /// <summary>
    /// Prompt tokens one rank's step takes beside <paramref name="decoding"/> running sequences, whose tokens come out of
    /// its budget (at least one): the chunk a prompt is split into, for its TTFT and for the TPOT of those beside it.
    /// </summary>
    public int PrefillChunk(double decoding) => Math.Max(1, PrefillTokenBudget - (int)Math.Ceiling(decoding));

    /// <summary>The framework's own time in every step: its per-layer overhead times the layers (a mixer block and an FFN block count as one).</summary>
    public double FrameworkStepMs => Config.Backend.LayerOverheadUs * _transformerLayers / 1000.0;

    /// <summary>
    /// Prefill of <paramref name="batch"/> prompts of <paramref name="isl"/> tokens on one attention rank, packed into
    /// steps of the rank's token budget (<see cref="PrefillTokenBudget"/>) as chunked prefill schedules them (each chunk attends to the earlier ones
    /// of its prompt). With <paramref name="decoding"/> sequences running (continuous batching), every step also decodes
    /// them, and their tokens come out of the budget.
    /// </summary>
    public double PrefillMs(int isl, int batch = 1, double decoding = 0, double decodeContext = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(isl);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        int chunk = PrefillChunk(decoding);
        StepShape Step(double prompts, double tokens, double past) => new()
        {
            PrefillSequences = prompts,
            PrefillTokensPerSequence = tokens,
            PrefillPastTokens = past,
            DecodeSequences = decoding,
            DecodeContext = decodeContext,
        };

        // Whole prompts share a step while they fit.
        long tokens = (long)isl * batch;
        if (tokens <= chunk)
        {
            return StepMs(Step(batch, isl, 0));
        }

        // A longer prompt is split into chunks, and the scheduler packs the next prompt's first chunk behind the last
        // one's tail: the prompts stream through ⌈batch·isl / chunk⌉ full steps, not batch × ⌈isl / chunk⌉. Each chunk
        // adds what its kernels add to a step; the riding decodes and the step's own costs come once per packed step.
        if (isl > chunk)
        {
            double ridingMs = StepMs(Step(0, 0, 0));
            double addedMs = 0;
            for (int done = 0; done < isl; done += chunk)
            {
                addedMs += StepMs(Step(1, Math.Min(chunk, isl - done), done)) - ridingMs;
            }

            long steps = (tokens + chunk - 1) / chunk;
            return (addedMs * batch) + (steps * ridingMs);
        }

        // Shorter prompts fill each step's budget, the last of a step split across the boundary (priced as whole
        // prompts, chunk / isl of them a step): full steps, then the remainder.
        long fullSteps = tokens / chunk;
        double perStep = (double)chunk / isl;
        double left = batch - (fullSteps * perStep);
        double fullMs = fullSteps * StepMs(Step(perStep, isl, 0));
        return left > 1e-9 ? fullMs + StepMs(Step(left, isl, 0)) : fullMs;
    }

    /// <summary>Time to first token of one request alone on the engine (batch 1, no queueing, no serving overhead).</summary>
    public double PrefillTtftMs(int isl) => PrefillMs(isl, 1);

    /// <summary>
    /// Inter-token latency with <paramref name="batch"/> requests decoding at mean context <paramref name="context"/>,
    /// spread evenly over the attention-DP ranks.
    /// </summary>
    public double DecodeItlMs(double batch, double context)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        return DecodeTokenMs(Math.Max(1.0, batch / AttentionDp), context);
    }

    /// <summary>How many ops of a step each source priced (roofline, table, table edge): the estimate's provenance.</summary>
    public IReadOnlyDictionary<Tables.OpSource, int> Sources(in StepShape perRank)
    {
        var counts = new Dictionary<Tables.OpSource, int>();
        var ops = _ops.Ops;
        for (int i = 0; i < ops.Length; i++)
        {
            if (IsActive(ops[i], perRank))
            {
                var s = Estimator.SourceOf(ops[i], perRank);
                counts[s] = counts.GetValueOrDefault(s) + 1;
            }
        }

        return counts;
    }

    // An op outside the step's scope (prefill-only ops in a decode step) takes no time and is not counted.
    private static bool IsActive(in Op op, in StepShape shape) =>
        op.Kind switch
        {
            OpKind.ContextAttention => shape.PrefillSequences > 0,
            OpKind.GenerationAttention => shape.DecodeSequences > 0,
            _ => Estimation.Roofline.ScopeTokens(op.Scope, shape) > 0,
        };

    /// <summary>Latency of each op in a step, for breakdowns.</summary>
    public IReadOnlyList<(string Name, OpGroup Group, double Ms)> Breakdown(in StepShape perRank)
    {
        var result = new List<(string, OpGroup, double)>(_ops.Count);
        var ops = _ops.Ops;
        for (int i = 0; i < ops.Length; i++)
        {
            result.Add((_ops.Names[i], ops[i].Group, Estimator.OpSeconds(ops[i], perRank) * 1000.0));
        }

        return result;
    }
}
