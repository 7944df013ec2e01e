namespace AicSim.Core.Specs;

/// <summary>
/// What a serving framework adds on top of the kernels: fixed per-request and per-step costs, its prefill
/// chunk, and the memory it keeps for itself.
/// </summary>
/// <remarks>
/// The defaults are first estimates from the measurements' low-load rows (SOURCES.md: TTFT at low load is
/// dominated by tens of ms of serving overhead); the accuracy issue fits them per system and backend.
/// Framework memory (3.5 GiB) and the KV fraction (0.9) follow aiconfigurator's system files and DOMAIN.md §6.
/// </remarks>
/// <param name="Backend">The framework.</param>
/// <param name="RequestOverheadPerKernelUs">Added to every TTFT once per kernel of a prefill step, in µs: what a request
/// costs the framework beyond its kernels (HTTP, tokenisation and scheduling, and the host-side work of its first step,
/// which runs without a captured CUDA graph, launching op by op). Per kernel, its collectives aside
/// (<see cref="Engine.EngineModel.RequestOverheadKernels"/>),
/// because held-out models say so: 5-fold cross-validation holding out models gave TTFT MAPE 48.5% with one constant
/// per request, 46.3% with one per layer, and later 40.0% per layer against 38.3% per kernel: a DeepSeek MLA and MoE
/// layer at TP8 launches 15 kernels where a Llama GQA layer launches 10 and a gpt-oss layer on one GPU 8, and the
/// measured low-load TTFT beyond prefill differs by more than the layer counts (docs/accuracy-history.md). 67 µs for
/// TensorRT-LLM and 83 µs for vLLM and SGLang, the former per-layer defaults over 10 kernels.</param>
/// <param name="LayerOverheadUs">Framework time per layer of every forward step, in µs (kernel launches, the per-layer
/// synchronisation of tensor-parallel ranks, scheduler and sampling spread over the layers): a step of an L-layer model
/// pays L times it, so a 32-layer model pays half of what a 64-layer one does. Per layer rather than per step because
/// held-out models say so: with a per-step constant, 5-fold cross-validation holding out models over-predicted
/// Llama-3.1-8B's TPOT by 21% at the median; per layer, by 6% (docs/accuracy-history.md).</param>
/// <param name="MaxNumTokens">Tokens one forward step takes (prefill chunk size).</param>
/// <param name="FrameworkMemoryBytes">Memory the framework keeps outside weights and KV (CUDA context, workspaces).</param>
/// <param name="KvCacheFraction">Share of the memory left after weights that becomes KV cache (TensorRT-LLM's
/// free_gpu_memory_fraction, SGLang's pool); with <paramref name="KvFractionOfTotal"/>, the share of all GPU memory the
/// framework may use, KV being what is left of it after weights and workspace (vLLM's gpu_memory_utilization).</param>
/// <param name="ArrivalSynchronisation">Share of concurrent requests whose prompts arrive in one burst (0 = spread, 1 = lock-step).
/// 0.3 by default, near the fitted (system, backend) groups' median (0.29).</param>
/// <param name="DisaggTtftOverheadMs">Added to a disaggregated request's TTFT: routing to a prefill worker and handing the KV cache to a decode worker.</param>
/// <param name="KvFractionOfTotal">Whether <paramref name="KvCacheFraction"/> applies to the whole GPU (vLLM) rather than to what weights leave.</param>
/// <param name="TtftDecodeSteps">
/// TTFT's model- and load-dependent fixed part, in steps of the running engine (its decode step at the current batch):
/// the measurements' low-load TTFT beyond prefill grows with the model (25–35 ms for gpt-oss-120b, 150–300 ms for
/// DeepSeek-R1 and Qwen3.5), about as its step time does, and keeps growing with load. An empirical term: 5 steps by
/// default (the fitted groups range from 3 to 9); cross-validation prefers it to none (docs/accuracy-history.md).
/// </param>
/// <param name="HostUsPerSequence">Host time per running sequence per step, in µs (the scheduler's per-request
/// bookkeeping, sampling and detokenisation), which an overlapping scheduler hides behind the GPU's step until it is
/// the longer: a step takes max(kernels + framework, sequences × this), or their sum in a speculative step where the
/// framework's speculation stops the overlap (<paramref name="SpeculationStopsOverlap"/>). 50 µs for SGLang, whose Python scheduler shows
/// it: Llama-3.1-8B FP8 on H200 at 512 requests decodes in 23–26 ms at TP4 and at TP8 alike (45–50 µs a request), and
/// both kinds of cross-validation gain by it (docs/accuracy-history.md); none for TensorRT-LLM and vLLM, where it did not help.
/// </param>
/// <param name="PrefillInterference">How much a prompt's prefill delays the requests decoding beside it, as a multiple of
/// the time its kernels add to a step. Steps that carry a prefill chunk run outside the CUDA graphs captured for pure
/// decode steps, and wait on the scheduler's prefill bookkeeping (SGLang runs prefill batches apart from decode), so they
/// cost more than their kernels add. 1 (kernels only) by default; fitted per (system, backend) it comes out at 0.8–1.5
/// (docs/accuracy-history.md).</param>
/// <param name="Speculative">Multi-token prediction (speculative decoding) in decode steps, or none.</param>
/// <param name="AttentionDpBalanceSteps">Attention-DP prefill balancing: the most steps an engine with attention DP holds a
/// prompt back so that every rank starts a prefill together (TensorRT-LLM's attention_dp_config enable_balance, whose
/// executor "withholds context for up to timeout_iters so all ranks start prefill together"). 60 for TensorRT-LLM, as
/// its published DeepSeek recipes set it (enable_balance true, timeout_iters 60, batching_wait_iters 0); 0 (none) for
/// vLLM and SGLang.</param>
/// <param name="AllReduceLatencyUs">Fixed time of one all-reduce inside an NVLink domain with the framework's own kernel,
/// in µs; 0 takes the link's 8 µs (<see cref="Estimation.EfficiencyParams.NvlinkLatencySec"/>). aiconfigurator's custom
/// all-reduce tables take 12–17 µs at one token for vLLM and SGLang, launch included, and 3–6 µs for TensorRT-LLM: 14 µs
/// for vLLM and SGLang; TensorRT-LLM keeps the link's 8 µs. Cross-validated (TPOT / TTFT MAPE by configuration), against
/// 16.3 / 34.7 % with 8 µs for all: vLLM and SGLang at 12, 14 or 17 µs 16.2, 16.1, 16.2 / 34.6 %; TensorRT-LLM at 5 µs as
/// well 16.2 / 34.7 %.</param>
/// <param name="PromptAdmissionMs">Time, in ms, each prompt of a burst holds the prompts behind it in an aggregated engine
/// beyond its prefill: the framework's admission of a prompt into a running engine, serial on its host. 15 ms for SGLang,
/// none for TensorRT-LLM and vLLM. An empirical term, chosen by cross-validation: SGLang's aggregated TTFT grew with load
/// faster than its prefill and queueing explain where prompts are short against the burst (B200, Qwen3.5-397B TP4, ISL
/// 1024: measured over predicted ×1.07 at 4 clients, ×1.89 at 256, flat at ISL 8192), and without the term B200 SGLang's
/// fit put 21 decode steps into every TTFT (11 with it). At 10 / 15 / 20 ms the target rows' TTFT MAPE by configuration went
/// 32.8% → 32.4 / 32.3 / 32.3%, holding out models 37.1% → 36.5 / 36.4 / 36.2%, forward in time within ±0.2 (TPOT within
/// 0.1 throughout); as a share of the request overhead (0.1–0.4 of it), or for every framework, it lost; in disaggregated
/// SGLang's prefill pool it lost too (its 53 target rows' TTFT 64% → 67–99%), so it is not applied there. Its mechanism
/// is not identified: per-request scheduling and batch merging in SGLang's Python scheduler are the candidates
/// (docs/accuracy-history.md).</param>
/// <param name="MxfpMoeOverheadUs">Fixed time, in µs, of an MoE block whose MXFP4 experts run on a GPU without FP4 tensor
/// cores (Hopper: weight-only, dequantised to BF16) with the framework's own kernel; 0 takes the 25 µs of every other
/// block (<see cref="Estimation.EfficiencyParams.MoeOverheadSec"/>). aiconfigurator's fused-MoE tables on H200 for
/// gpt-oss-120b take, at one token, 78.7 µs on one GPU and 72.7 µs with EP4 for TensorRT-LLM (1.3.0rc20) where the
/// roofline with 25 µs takes 45.4 and 30.1: a fixed part of 58–68 µs; 60 µs for TensorRT-LLM. vLLM's table (0.24.0)
/// shows 37–41 µs and SGLang's (0.5.14) 52 µs, but their served rows did not follow (vLLM's gpt-oss TPOT on H100 and
/// H200 sits at ×1.00 of the prediction already; at 40 µs the target rows' TPOT MAPE went 15.0% → 15.2%), so they keep
/// 25. Cross-validated by configuration, TensorRT-LLM at 60 µs: TPOT 15.2% → 15.0%, TTFT 31.2% → 31.3%; its H200
/// gpt-oss-120b rows' TPOT 20.2% → 11.9%, measured over predicted ×0.83 at TP1 to ×1.52 at TP8 before, ×0.81 to ×1.17
/// after.</param>
/// <param name="SplitsBudgetOverAttentionDp">Whether an engine with attention DP divides the step's token budget among
/// its ranks. SGLang does (server_args: with DP attention, chunked_prefill_size //= dp_size, "to avoid MoE kernel
/// issues"), so a DEP8 rank prefills 1024 tokens a step, not 8192, and a queued DEP prefill worker packs no more than
/// that; TensorRT-LLM and vLLM give every rank the whole budget. Its disaggregated DEP prefill workers' TTFT went from
/// ×4.2 / ×1.6 / ×1.5 the prediction (B200, GB200, GB300; median) to ×2.9 / ×1.2 / ×1.2 (docs/accuracy-history.md).</param>
/// <param name="SpeculationStopsOverlap">Whether speculative decoding turns off the scheduler's overlap, so that the host's
/// per-sequence work (<paramref name="HostUsPerSequence"/>) adds to each draft-and-verify step instead of hiding behind it.
/// SGLang's does: its server_args set disable_overlap_schedule for EAGLE/NEXTN (MTP) unless SGLANG_ENABLE_SPEC_V2 is on,
/// which its releases through 0.5.x leave off (spec V2 became the default in mid-2026).</param>
/// <param name="PromptLaunchUsPerKernel">What each kernel of a prompt's prefill costs the requests decoding beside it
/// besides the time it adds to their step, in µs: the step that carries a prompt runs outside the CUDA graphs captured
/// for pure decode, so the host launches its kernels one by one (PyTorch's dispatch and cudaLaunchKernel, about 5–25 µs
/// an op; a Llama-3.1-8B decode step on H100 takes 8.4 ms eagerly against 5.1 ms as a graph), and the decoding
/// requests in that step wait for the launches. Charged per prompt (each chunk of it), over
/// <see cref="Engine.EngineModel.PrefillKernels"/>, with the prompt's kernels inside the
/// <paramref name="PrefillInterference"/> multiple. 15 µs for every framework, chosen by cross-validation: the rows
/// measure requests with 1024-token prompts and 1024-token answers decoding slower than the same engines' with 8192-token
/// answers at the same load, where their kernels alone say the longer context decodes slower (docs/accuracy-history.md).
/// Aggregated engines only: a disaggregated decode worker runs no prefill.</param>
/// <param name="MaxBatchPerRank">Most sequences one attention rank schedules per step (TensorRT-LLM max_batch_size 2048; vLLM and SGLang max_num_seqs / max_running_requests of about 1024 on Hopper-class GPUs).</param>
public sealed record BackendProfile(
    Backend Backend,
    double RequestOverheadPerKernelUs,
    double LayerOverheadUs,
    int MaxNumTokens,
    double FrameworkMemoryBytes,
    double KvCacheFraction,
    double ArrivalSynchronisation = 0.3,
    int MaxBatchPerRank = 1024,
    double DisaggTtftOverheadMs = 50,
    bool KvFractionOfTotal = false,
    double TtftDecodeSteps = 5,
    double HostUsPerSequence = 0,
    double PrefillInterference = 1,
    SpeculativeDecoding? Speculative = null,
    double AllReduceLatencyUs = 0,
    int AttentionDpBalanceSteps = 0,
    double PromptAdmissionMs = 0,
    double MxfpMoeOverheadUs = 0,
    bool SplitsBudgetOverAttentionDp = false,
    bool SpeculationStopsOverlap = false,
    double PromptLaunchUsPerKernel = 15)
{
    /// <summary>
    /// Tokens one attention rank's step takes in an engine of <paramref name="attentionDp"/> ranks: the prefill chunk and
    /// the budget queued prompts are packed into.
    /// </summary>
    public int TokenBudgetPerRank(int attentionDp) =>
        SplitsBudgetOverAttentionDp && attentionDp > 1 ? Math.Max(1, MaxNumTokens / attentionDp) : MaxNumTokens;

    private const double GiB = 1024.0 * 1024 * 1024;

    /// <summary>Built-in defaults for a backend.</summary>
    public static BackendProfile For(Backend backend) => backend switch
    {
        Backend.TrtLlm => new(backend, RequestOverheadPerKernelUs: 67, LayerOverheadUs: 7, MaxNumTokens: 8192, 3.5 * GiB, 0.9, MaxBatchPerRank: 2048, AttentionDpBalanceSteps: 60, MxfpMoeOverheadUs: 60),
        Backend.Vllm => new(backend, RequestOverheadPerKernelUs: 83, LayerOverheadUs: 13, MaxNumTokens: 8192, 3.5 * GiB, 0.9, KvFractionOfTotal: true, AllReduceLatencyUs: 14),
        Backend.Sglang => new(backend, RequestOverheadPerKernelUs: 83, LayerOverheadUs: 10, MaxNumTokens: 8192, 3.5 * GiB, 0.9, HostUsPerSequence: 50, AllReduceLatencyUs: 14, PromptAdmissionMs: 15, SplitsBudgetOverAttentionDp: true, SpeculationStopsOverlap: true),
        _ => throw new ArgumentOutOfRangeException(nameof(backend)),
    };
}
