using AicSim.Core.Engine;
using AicSim.Core.Ops;
using AicSim.Core.Serving;
using AicSim.Core.Specs;
using AicSim.Tests;

namespace AicSim.Core.Tests;

public sealed class ServingTests
{
    private static readonly Workload Chat = new(1000, 500);

    private static EngineModel Llama(int tp) =>
        EngineModel.Create(new EngineConfig(Fixtures.Llama31_8B, Fixtures.H200, ParallelConfig.TensorParallel(tp), QuantConfig.Bf16, Fixtures.TrtLlm));

    /// <summary>Llama-3.1-8B TP1 decode, and a prefill engine of it whose clients arrive in lock step (s = 1).</summary>
    private static (BackendProfile LockStep, EngineModel Decode, EngineModel Prefill) LockStepPool()
    {
        var lockStep = Fixtures.TrtLlm with { ArrivalSynchronisation = 1.0 };
        var engine = Llama(1);
        return (lockStep, engine, engine.With(engine.Estimator, lockStep));
    }

    [Fact]
    public void Aggregated_ttft_grows_with_concurrency()
    {
        var e = Llama(1);
        double previous = 0;
        foreach (int c in new[] { 1, 8, 64, 256 })
        {
            double ttft = AggregatedServing.Estimate(e, Chat, c).TtftMs;
            Assert.True(ttft > previous, $"TTFT at concurrency {c} = {ttft}, not above {previous}");
            previous = ttft;
        }
    }

    [Fact]
    public void Aggregated_ttft_at_concurrency_one_is_overhead_plus_prefill()
    {
        var e = Llama(1);
        var s = AggregatedServing.Estimate(e, Chat, 1);
        // The request overhead is per kernel of a prefill step: 67 µs × Llama-3.1-8B's 256 at TP1 (EngineModelTests).
        double fixedMs = (Fixtures.TrtLlm.RequestOverheadPerKernelUs * 256 / 1000.0) + (Fixtures.TrtLlm.TtftDecodeSteps * e.StepMs(StepShape.Decode(1, Chat.MeanDecodeContext)));
        Approx.AssertClose(fixedMs + e.PrefillTtftMs(1000), s.TtftMs, 1e-12);
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.5, 1.0)]
    [InlineData(1.0, 1.0)]
    [InlineData(0.5, 1.4)]
    public void Aggregated_tpot_is_the_decode_step_plus_amortised_prefills(double sync, double interference)
    {
        // With c requests per rank arriving spread out (s = 0), each request's life of osl steps absorbs c prefills:
        // TPOT = ITL + c·Δ/osl. Arriving in lock-step (s = 1), it decodes only through the prompts after its own in the
        // burst, half on average: ITL + c·Δ/(2·osl). A prefill interference w weighs each prompt's Δ w times. Δ is what
        // the prompt's kernels add to the step plus their launches outside the CUDA graphs: 15 µs × 256 kernels.
        var llama = Llama(1);
        var e = llama.With(llama.Estimator, Fixtures.TrtLlm with { ArrivalSynchronisation = sync, PrefillInterference = interference });
        var s = AggregatedServing.Estimate(e, Chat, 32);
        double itl = e.StepMs(StepShape.Decode(32, Chat.MeanDecodeContext));
        double mixed = e.StepMs(new StepShape { PrefillSequences = 1, PrefillTokensPerSequence = 1000, DecodeSequences = 32, DecodeContext = Chat.MeanDecodeContext });
        double launches = 15 * 256 / 1000.0;
        Approx.AssertClose(itl + (interference * 32 * (1 - (sync / 2)) * (mixed - itl + launches) / 500), s.TpotMs, 1e-12);

        // The same terms, part by part.
        var parts = s.TpotParts!;
        Approx.AssertClose(itl, parts.DecodeMs, 1e-12);
        Approx.AssertClose(interference * 32 * (1 - (sync / 2)) * (mixed - itl) / 500, parts.PrefillKernelsMs, 1e-12);
        Approx.AssertClose(interference * 32 * (1 - (sync / 2)) * launches / 500, parts.PromptLaunchesMs, 1e-12);
        Approx.AssertClose(32 * (1 - (sync / 2)), parts.PromptsBeside, 1e-12);
        Assert.Equal(interference, parts.PrefillInterference);
        Approx.AssertClose(s.TpotMs, parts.TotalMs, 1e-12);
    }

    [Fact]
    public void A_prompt_s_kernels_launched_outside_the_cuda_graphs_hold_the_requests_decoding_beside_it()
    {
        // Hand calculation: Llama-3.1-8B at TP1 launches 256 kernels a prefill step (EngineModelTests). At 20 µs a kernel
        // instead of none, each of the 32 prompts a request decodes beside (s = 0, w = 1) adds 5.12 ms to one of its 500
        // steps: TPOT 32 × 5.12 / 500 = 0.32768 ms longer. The prompt's own TTFT does not wait for it.
        var llama = Llama(1);
        var none = llama.With(llama.Estimator, Fixtures.TrtLlm with { ArrivalSynchronisation = 0, PromptLaunchUsPerKernel = 0 });
        var some = llama.With(llama.Estimator, Fixtures.TrtLlm with { ArrivalSynchronisation = 0, PromptLaunchUsPerKernel = 20 });
        Approx.AssertClose(5.12, some.PromptLaunchMs, 1e-12);
        var without = AggregatedServing.Estimate(none, Chat, 32);
        var with = AggregatedServing.Estimate(some, Chat, 32);
        Approx.AssertClose(without.TpotMs + 0.32768, with.TpotMs, 1e-12);
        Assert.Equal(without.TtftMs, with.TtftMs);

        // A prompt longer than the step's token budget (8192) runs in ceil(20000 / 8192) = 3 steps, each launched anew:
        // three times the hold for one client (3 × 5.12 / 100 ms).
        var longPrompt = new Workload(20000, 100);
        Approx.AssertClose(
            AggregatedServing.Estimate(none, longPrompt, 1).TpotMs + (3 * 5.12 / 100),
            AggregatedServing.Estimate(some, longPrompt, 1).TpotMs,
            1e-12);

        // A disaggregated decode worker runs no prefill, so nothing is launched beside its requests.
        var deployment = new DisaggregatedDeployment(2, 1, 1, 64);
        Assert.Equal(
            DisaggregatedServing.Estimate(none, none, deployment, Chat).TpotMs,
            DisaggregatedServing.Estimate(some, some, deployment, Chat).TpotMs);

        // Every framework's built-in profile launches at 15 µs a kernel.
        Assert.All([Backend.TrtLlm, Backend.Vllm, Backend.Sglang], b => Assert.Equal(15, BackendProfile.For(b).PromptLaunchUsPerKernel));
    }

    [Fact]
    public void The_requests_decoding_beside_a_prompt_take_their_tokens_out_of_its_step_budget()
    {
        // Hand calculation: an 8192-token prompt beside 32 decoding requests (s = 0, w = 1) cannot run in one step of
        // the 8192-token budget, since the 32 decode tokens share it: it runs as 8160 tokens, then the last 32 (attending
        // to the 8160 before them), each step with the 32 decodes, and launches its kernels twice (2 × 5.12 ms at 20 µs
        // × 256 kernels). TPOT = ITL + 32 × (Δ₁ + Δ₂ + 2 × 5.12) / osl.
        var llama = Llama(1);
        var e = llama.With(llama.Estimator, Fixtures.TrtLlm with { ArrivalSynchronisation = 0, PrefillInterference = 1, PromptLaunchUsPerKernel = 20 });
        var workload = new Workload(8192, 500);
        var s = AggregatedServing.Estimate(e, workload, 32);
        double context = workload.MeanDecodeContext;
        double itl = e.StepMs(StepShape.Decode(32, context));
        double first = e.StepMs(new StepShape { PrefillSequences = 1, PrefillTokensPerSequence = 8160, DecodeSequences = 32, DecodeContext = context }) - itl;
        double last = e.StepMs(new StepShape { PrefillSequences = 1, PrefillTokensPerSequence = 32, PrefillPastTokens = 8160, DecodeSequences = 32, DecodeContext = context }) - itl;
        Approx.AssertClose(32 * (first + last) / 500, s.TpotParts!.PrefillKernelsMs, 1e-12);
        Approx.AssertClose(32 * 2 * 5.12 / 500, s.TpotParts.PromptLaunchesMs, 1e-12);
        Approx.AssertClose(itl + (32 * (first + last + (2 * 5.12)) / 500), s.TpotMs, 1e-12);
    }

    [Fact]
    public void Each_prompt_ahead_in_a_burst_adds_the_framework_s_admission_time()
    {
        // Hand calculation: 33 clients on one rank with synchronisation 0.5 arrive in bursts of 1 + round(0.5 × 32) = 17;
        // the mean prompt has (17 − 1)/2 = 8 ahead of it, each holding it 12 ms: 96 ms more TTFT, and TPOT as it was.
        var llama = Llama(1);
        var plain = llama.With(llama.Estimator, Fixtures.TrtLlm with { ArrivalSynchronisation = 0.5 });
        var admitting = llama.With(llama.Estimator, Fixtures.TrtLlm with { ArrivalSynchronisation = 0.5, PromptAdmissionMs = 12 });
        var without = AggregatedServing.Estimate(plain, Chat, 33);
        var with = AggregatedServing.Estimate(admitting, Chat, 33);
        Approx.AssertClose(without.TtftMs + 96, with.TtftMs, 1e-12);
        Assert.Equal(without.TpotMs, with.TpotMs);

        // SGLang's built-in profile carries it; the other frameworks' do not.
        Assert.Equal(15, BackendProfile.For(Backend.Sglang).PromptAdmissionMs);
        Assert.Equal(0, BackendProfile.For(Backend.TrtLlm).PromptAdmissionMs);
        Assert.Equal(0, BackendProfile.For(Backend.Vllm).PromptAdmissionMs);
    }

    [Fact]
    public void An_aggregated_ttft_is_told_part_by_part()
    {
        // One client: by hand, the request overhead (67 µs × 256 kernels), 5 steps of the running engine at batch 1 and
        // the prompt's own prefill; nothing ahead of it, no queue.
        var e = Llama(1);
        var one = AggregatedServing.Estimate(e, Chat, 1);
        var p = one.TtftParts!;
        Assert.False(p.Disaggregated);
        Assert.Equal(256, p.OverheadKernels);
        Approx.AssertClose(67 * 256 / 1000.0, p.RequestOverheadMs, 1e-12);
        Assert.Equal(Fixtures.TrtLlm.TtftDecodeSteps, p.RunningSteps);
        Approx.AssertClose(Fixtures.TrtLlm.TtftDecodeSteps * e.StepMs(StepShape.Decode(1, Chat.MeanDecodeContext)), p.RunningStepsMs, 1e-12);
        Approx.AssertClose(e.PrefillTtftMs(1000), p.PrefillMs, 1e-12);
        Assert.Equal((0.0, 0.0, 0.0, 0.0, 0.0), (p.AdmissionMs, p.BalanceWaitMs, p.QueueMs, p.DisaggOverheadMs, p.KvTransferMs));
        Approx.AssertClose(one.TtftMs, p.TotalMs, 1e-12);

        // A burst with admission (96 ms by hand, as above), and more clients than the KV cache holds: each part is there
        // and they still add up to the TTFT.
        var admitting = e.With(e.Estimator, Fixtures.TrtLlm with { ArrivalSynchronisation = 0.5, PromptAdmissionMs = 12 });
        var burst = AggregatedServing.Estimate(admitting, Chat, 33).TtftParts!;
        Approx.AssertClose(96, burst.AdmissionMs, 1e-12);
        Assert.Equal(0, burst.QueueMs);
        long capacity = e.MaxResidentRequests(Chat.Isl, Chat.Osl);
        var crowded = AggregatedServing.Estimate(e, Chat, (int)capacity * 2);
        Assert.True(crowded.TtftParts!.QueueMs > 0);
        Approx.AssertClose(crowded.TtftMs, crowded.TtftParts.TotalMs, 1e-12);
    }

    [Fact]
    public void Throughput_per_gpu_and_per_user_are_consistent()
    {
        var s = AggregatedServing.Estimate(Llama(2), Chat, 16);
        Approx.AssertClose(1000 / s.TpotMs, s.OutputTokensPerSecPerUser, 1e-12);
        double requestSeconds = (s.TtftMs + (499 * s.TpotMs)) / 1000;
        Approx.AssertClose(16 * 500 / requestSeconds / 2, s.OutputTokensPerSecPerGpu, 1e-12);
    }

    [Fact]
    public void Disaggregated_tpot_is_the_decode_engines_step()
    {
        var prefill = Llama(1);
        var decode = Llama(2);
        var s = DisaggregatedServing.Estimate(prefill, decode, new DisaggregatedDeployment(2, 1, 1, 64), Chat);
        Assert.Equal(decode.StepMs(StepShape.Decode(64, Chat.MeanDecodeContext)), s.TpotMs);
        Assert.Equal(4, s.Gpus);
        Assert.Equal(64, s.Concurrency);
        Assert.True(s.TtftMs > prefill.RequestOverheadMs + prefill.PrefillTtftMs(1000));
    }

    [Fact]
    public void A_disaggregated_decode_batch_past_the_kv_cache_is_priced_whole_and_said()
    {
        // Oracle: a paged cache holds max_kv_tokens / (isl + osl/2) requests at their mean context (Llama-3.1-8B's
        // 131,072 bytes a token, tested in MemoryTests); the decode batch of 100 more is priced as one step of that batch.
        var prefill = Llama(1);
        var decode = Llama(1);
        long holds = decode.Memory.MaxKvTokens / 1250;
        int batch = (int)holds + 100;
        var s = DisaggregatedServing.Estimate(prefill, decode, new DisaggregatedDeployment(64, 1, 1, batch), Chat);
        Assert.Equal(decode.StepMs(StepShape.Decode(batch, Chat.MeanDecodeContext)), s.TpotMs);
        Assert.Contains(s.Notes, n => n.Contains($"holds {holds} requests of 1000+500 tokens", StringComparison.Ordinal) && n.Contains($"batch of {batch}; the batch is priced as if it fit", StringComparison.Ordinal));
    }

    [Fact]
    public void Too_few_prefill_workers_make_requests_queue()
    {
        // Long prompts: one prefill worker needs ~0.2 s a prompt while 256 decoding requests finish one every ~40 ms.
        var engine = Llama(1);
        var longPrompts = new Workload(8000, 500);
        var enough = DisaggregatedServing.Estimate(engine, engine, new DisaggregatedDeployment(16, 1, 1, 256), longPrompts);
        var starved = DisaggregatedServing.Estimate(engine, engine, new DisaggregatedDeployment(1, 1, 1, 256), longPrompts);
        Assert.True(starved.TtftMs > enough.TtftMs);
        Assert.Contains(starved.Notes, n => n.Contains("prefill workers cannot keep up", StringComparison.Ordinal));

        // Little's law: one worker delivers a prompt per t_p, so about osl·TPOT/t_p requests decode at once, far fewer
        // than 256, and the decode step is the one at that batch.
        Assert.True(starved.TpotMs < enough.TpotMs, $"{starved.TpotMs} < {enough.TpotMs}");
        double tp = engine.PrefillMs(8000, 1);
        double inFlight = 500 * starved.TpotMs / tp;
        Approx.AssertClose(engine.StepMs(StepShape.Decode(inFlight, longPrompts.MeanDecodeContext)), starved.TpotMs, 0.02);
    }

    [Fact]
    public void Disaggregated_lock_step_arrivals_wait_for_half_the_burst_at_the_prefill_pool()
    {
        // Queueing by hand: 64 prompts of 1000 tokens arriving together at 2 prefill workers. A worker with a queue packs
        // its step to its token budget, as any of the frameworks' schedulers does (8192 tokens: 8 prompts), so the pool
        // serves 16 prompts per t₈ (the step of 8) and the mean prompt waits for half the burst: (64 − 1)/2 · t₈/16.
        // That is above the M/D/1 cap of 9.5 lone-prompt steps (ρ ≤ 0.95) used for random arrivals.
        var (lockStep, engine, prefill) = LockStepPool();
        var s = DisaggregatedServing.Estimate(prefill, engine, new DisaggregatedDeployment(2, 1, 1, 64), Chat);
        double tp = prefill.PrefillMs(1000, 1);
        double t8 = prefill.PrefillMs(1000, 8);
        double queue = 63.0 / 2 * t8 / 16;
        Assert.True(queue > 9.5 * tp, $"the burst ({queue:F1} ms) should outlast the M/D/1 cap ({9.5 * tp:F1} ms)");
        double transfer = 1000 * prefill.Memory.KvBytesPerToken / Fixtures.H200.NetworkBandwidthBytesPerSec * 1000.0;
        double ttft0 = prefill.RequestOverheadMs + (lockStep.TtftDecodeSteps * s.TpotMs) + lockStep.DisaggTtftOverheadMs + tp + transfer;
        Approx.AssertClose(ttft0 + queue, s.TtftMs, 1e-9);

        // And part by part, as estimate --breakdown tells it: the same terms, adding up to the TTFT.
        var p = s.TtftParts!;
        Assert.True(p.Disaggregated);
        Approx.AssertClose(prefill.RequestOverheadMs, p.RequestOverheadMs, 1e-12);
        Approx.AssertClose(lockStep.TtftDecodeSteps * s.TpotMs, p.RunningStepsMs, 1e-12);
        Assert.Equal(lockStep.DisaggTtftOverheadMs, p.DisaggOverheadMs);
        Approx.AssertClose(transfer, p.KvTransferMs, 1e-12);
        Approx.AssertClose(tp, p.PrefillMs, 1e-12);
        Approx.AssertClose(queue, p.QueueMs, 1e-9);
        Approx.AssertClose(s.TtftMs, p.TotalMs, 1e-12);
    }

    [Fact]
    public void Disaggregated_clients_fewer_than_the_decode_slots_set_the_load()
    {
        // 16 clients on a decode engine sized for 64: the load is 16, not 64. By hand, as above: a lock-step burst of 16
        // at 2 prefill workers packing 8 prompts a step waits (16 − 1)/2 · t₈/16 on average, and TPOT is the decode step
        // at 16.
        var (lockStep, engine, prefill) = LockStepPool();
        var s = DisaggregatedServing.Estimate(prefill, engine, new DisaggregatedDeployment(2, 1, 1, 64, Clients: 16), Chat);
        Assert.Equal(16, s.Concurrency);
        Assert.Equal(engine.StepMs(StepShape.Decode(16, Chat.MeanDecodeContext)), s.TpotMs);
        double tp = prefill.PrefillMs(1000, 1);
        double transfer = 1000 * prefill.Memory.KvBytesPerToken / Fixtures.H200.NetworkBandwidthBytesPerSec * 1000.0;
        double ttft0 = prefill.RequestOverheadMs + (lockStep.TtftDecodeSteps * s.TpotMs) + lockStep.DisaggTtftOverheadMs + tp + transfer;
        Approx.AssertClose(ttft0 + (15.0 / 2 * prefill.PrefillMs(1000, 8) / 16), s.TtftMs, 1e-9);

        // More clients than slots do not raise the load past what the batches hold.
        Assert.Equal(64, DisaggregatedServing.Estimate(prefill, engine, new DisaggregatedDeployment(2, 1, 1, 64, Clients: 100), Chat).Concurrency);
    }

    [Fact]
    public void A_client_with_fewer_connections_than_clients_runs_that_many_and_queues_the_rest_in_front()
    {
        // Oracle: Little's law on the clients. A client of 100 connections under 512 clients keeps 100 requests on the
        // engine, so the engine runs as it would for 100 clients (same TPOT, same server-side TTFT T₁₀₀), and each of
        // the 512 cycles through the client 512/100 times as long as a request spends on the server: it waits
        // (512 − 100)/100 · (T₁₀₀ + osl·TPOT) in the client first, counted in its TTFT.
        var e = Llama(1);
        var capped = AggregatedServing.Estimate(e, Chat, 512, clientConnections: 100);
        AssertWaitsInTheClient(AggregatedServing.Estimate(e, Chat, 100), capped, 412.0 / 100);
        Assert.Equal(512, capped.Concurrency);
        Assert.Contains(capped.Notes, n => n.Contains("keeps 100 requests open", StringComparison.Ordinal) && n.Contains("412 clients wait", StringComparison.Ordinal));

        // A client with as many connections as clients, or more, changes nothing.
        var uncapped = AggregatedServing.Estimate(e, Chat, 64);
        var roomy = AggregatedServing.Estimate(e, Chat, 64, clientConnections: 64);
        Assert.Equal(uncapped.TtftMs, roomy.TtftMs);
        Assert.Equal(uncapped.TpotMs, roomy.TpotMs);
        Assert.Equal(0, roomy.TtftParts!.ClientWaitMs);
        Assert.Throws<ArgumentOutOfRangeException>(() => AggregatedServing.Estimate(e, Chat, 64, clientConnections: 0));
    }

    [Fact]
    public void A_disaggregated_deployment_behind_a_client_of_fewer_connections_serves_that_many()
    {
        // Oracle: Little's law, as for the aggregated engine. Two decode workers at batch 64 hold 128 clients; a client
        // of 100 connections keeps 100 in the deployment, as 100 clients would (the deployment's Clients: 100), and the
        // other 28 wait (128 − 100)/100 · (T₁₀₀ + osl·TPOT) in the client.
        var (_, engine, prefill) = LockStepPool();
        var hundred = DisaggregatedServing.Estimate(prefill, engine, new DisaggregatedDeployment(2, 1, 2, 64, Clients: 100), Chat);
        var capped = DisaggregatedServing.Estimate(prefill, engine, new DisaggregatedDeployment(2, 1, 2, 64), Chat, clientConnections: 100);
        AssertWaitsInTheClient(hundred, capped, 28.0 / 100);
        Assert.Equal(128, capped.Concurrency);
    }

    /// <summary>
    /// <paramref name="capped"/> is <paramref name="open"/> (the load its connections carry) plus a wait in the client of
    /// <paramref name="aheadPerConnection"/> = (clients − connections)/connections of a request's time on the server.
    /// </summary>
    private static void AssertWaitsInTheClient(ServingEstimate open, ServingEstimate capped, double aheadPerConnection)
    {
        Assert.Equal(open.TpotMs, capped.TpotMs);
        double wait = aheadPerConnection * (open.TtftMs + (Chat.Osl * open.TpotMs));
        Approx.AssertClose(wait, capped.TtftParts!.ClientWaitMs, 1e-9);
        Approx.AssertClose(open.TtftMs + wait, capped.TtftMs, 1e-9);
        Approx.AssertClose(capped.TtftMs, capped.TtftParts.TotalMs, 1e-9);
    }

    [Fact]
    public void Disaggregated_prompts_that_fill_the_token_budget_alone_leave_the_prefill_pool_one_a_step()
    {
        // 8192-token prompts fill a step's 8192-token budget, so nothing packs: 64 of them at 2 workers leave in pairs,
        // the mean waiting (64 − 1)/2 · t₁/2, where t₁ is one prompt's step (hand calculation, as above).
        var (_, engine, prefill) = LockStepPool();
        var longPrompts = new Workload(8192, 500);
        var s = DisaggregatedServing.Estimate(prefill, engine, new DisaggregatedDeployment(2, 1, 1, 64), longPrompts);
        double t1 = prefill.PrefillMs(8192, 1);
        Approx.AssertClose(63.0 / 2 * t1 / 2, s.TtftParts!.QueueMs, 1e-9);
    }

    [Fact]
    public void A_queued_sglang_dep_prefill_worker_packs_only_its_ranks_share_of_the_budget()
    {
        // SGLang's DEP8 rank takes 8192 / 8 = 1024 tokens a step, so 1024-token prompts leave one a rank a step: 128
        // lock-step clients (DEP8 decode, 16 a rank) drain through one DEP8 prefill worker at 8 prompts per t₁, the mean
        // waiting (128 − 1)/2 · t₁/8 (hand calculation). TensorRT-LLM's rank packs 8192 / 1024 = 8 prompts a step.
        var sglang = BackendProfile.For(Backend.Sglang) with { ArrivalSynchronisation = 1.0 };
        EngineModel Dep8(BackendProfile b) => EngineModel.Create(new EngineConfig(Fixtures.DeepSeekV3, Fixtures.H200, ParallelConfig.DataExpertParallel(8), Fixtures.DeepSeekV3.DefaultQuant, b));
        var prefill = Dep8(sglang);
        var s = DisaggregatedServing.Estimate(prefill, Dep8(sglang), new DisaggregatedDeployment(1, 1, 1, 16), new Workload(1024, 500));
        Approx.AssertClose(127.0 / 2 * prefill.PrefillMs(1024, 1) / 8, s.TtftParts!.QueueMs, 1e-9);

        var trtllm = Fixtures.TrtLlm with { ArrivalSynchronisation = 1.0 };
        var packing = Dep8(trtllm);
        var t = DisaggregatedServing.Estimate(packing, Dep8(trtllm), new DisaggregatedDeployment(1, 1, 1, 16), new Workload(1024, 500));
        Approx.AssertClose(127.0 / 2 * packing.PrefillMs(1024, 8) / 64, t.TtftParts!.QueueMs, 1e-9);
    }

    [Fact]
    public void Disaggregated_prefill_batch_larger_than_the_token_budget_packs_is_kept()
    {
        // A deployment that runs 12 prompts of 1000 tokens a step (more than the 8 its 8192-token budget would pack): the
        // pool serves 2 × 12 per t₁₂, so the lock-step burst of 64 waits (64 − 1)/2 · t₁₂/24 (hand calculation, as above).
        var (_, engine, prefill) = LockStepPool();
        var s = DisaggregatedServing.Estimate(prefill, engine, new DisaggregatedDeployment(2, 12, 1, 64), Chat);
        Approx.AssertClose(63.0 / 2 * prefill.PrefillMs(1000, 12) / 24, s.TtftParts!.QueueMs, 1e-9);
    }

    [Theory]
    [InlineData(64, 808.04)] // B = 0.7·7/128 = 0.03828; w = B·20300/(1 − B) (hand calculation)
    [InlineData(16, 840.0)]  // B = 0.153: w would be 3669 ms; capped at 0.7 × 60 steps × 20 ms
    public void Attention_dp_balancing_holds_a_prompt_until_every_rank_has_one(double inFlight, double expectedMs)
    {
        // DEP8 on TensorRT-LLM (60 steps of balancing), s = 0.3, TTFT without it 300 ms, the rest of a request 20 s.
        var e = EngineModel.Create(new EngineConfig(Fixtures.DeepSeekV3, Fixtures.H200, ParallelConfig.DataExpertParallel(8), QuantConfig.Bf16, Fixtures.TrtLlm));
        Approx.AssertClose(expectedMs, AggregatedServing.AttentionDpBalanceWaitMs(e, inFlight, 300, 20_000, 20), 1e-5);
    }

    [Fact]
    public void The_balancing_wait_is_its_own_fixed_point_and_absent_without_attention_dp_or_on_other_frameworks()
    {
        var dep = EngineModel.Create(new EngineConfig(Fixtures.DeepSeekV3, Fixtures.H200, ParallelConfig.DataExpertParallel(8), QuantConfig.Bf16, Fixtures.TrtLlm));
        double w = AggregatedServing.AttentionDpBalanceWaitMs(dep, 64, 300, 20_000, 20);

        // Little's law on the cycle the wait itself lengthens: λ = c / (T₀ + w + L); the spread share waits (dp − 1)/(2λ).
        double rate = 64 / (300 + w + 20_000);
        Approx.AssertClose(0.7 * 7 / (2 * rate), w, 1e-9);

        var tep = EngineModel.Create(new EngineConfig(Fixtures.DeepSeekV3, Fixtures.H200, ParallelConfig.TensorExpertParallel(8), QuantConfig.Bf16, Fixtures.TrtLlm));
        Assert.Equal(0, AggregatedServing.AttentionDpBalanceWaitMs(tep, 64, 300, 20_000, 20));
        var vllm = dep.With(dep.Estimator, BackendProfile.For(Backend.Vllm));
        Assert.Equal(0, AggregatedServing.AttentionDpBalanceWaitMs(vllm, 64, 300, 20_000, 20));
    }

    [Fact]
    public void Aggregated_ttft_of_a_balanced_attention_dp_engine_adds_the_wait()
    {
        // NVFP4 on B200, where 128 requests of 1000 + 500 tokens fit (no queueing outside the engine).
        var nvfp4 = new QuantConfig(QuantMode.Nvfp4, QuantMode.Nvfp4, QuantMode.Fp8);
        var balanced = EngineModel.Create(new EngineConfig(Fixtures.DeepSeekV3, Fixtures.B200, ParallelConfig.DataExpertParallel(8), nvfp4, Fixtures.TrtLlm));
        var plain = balanced.With(balanced.Estimator, Fixtures.TrtLlm with { AttentionDpBalanceSteps = 0 });
        var withWait = AggregatedServing.Estimate(balanced, Chat, 128);
        var without = AggregatedServing.Estimate(plain, Chat, 128);
        Assert.True(balanced.MaxResidentRequests(1000, 500) >= 128);
        double step = balanced.StepMs(StepShape.Decode(16, Chat.MeanDecodeContext));
        double wait = AggregatedServing.AttentionDpBalanceWaitMs(balanced, 128, without.TtftMs, 500 * without.TpotMs, step);
        Assert.True(wait > 0);
        Approx.AssertClose(without.TtftMs + wait, withWait.TtftMs, 1e-12);
        Assert.Equal(without.TpotMs, withWait.TpotMs);
    }
}
