using AicSim.Core.Engine;
using AicSim.Core.Ops;
using AicSim.Core.Serving;
using AicSim.Core.Specs;
using AicSim.Tests;

namespace AicSim.Core.Tests;

public sealed class SpeculativeDecodingTests
{
    private static readonly Workload Chat = new(1000, 500);

    private static EngineModel Llama(SpeculativeDecoding? mtp) =>
        EngineModel.Create(new EngineConfig(Fixtures.Llama31_8B, Fixtures.H200, ParallelConfig.TensorParallel(1), QuantConfig.Bf16, Fixtures.TrtLlm with { Speculative = mtp }));

    [Theory]
    [InlineData(3, 0.5, 1.875)] // 1 + 0.5 + 0.25 + 0.125
    [InlineData(1, 0.8, 1.8)]
    [InlineData(3, 0.0, 1.0)] // every draft rejected: the verified token only
    [InlineData(3, 1.0, 4.0)] // every draft kept
    public void Tokens_per_step_is_the_verified_token_plus_each_surviving_draft(int draft, double acceptance, double expected)
    {
        // Oracle: hand calculation of 1 + a + a² + … + aⁿ.
        Approx.AssertClose(expected, new SpeculativeDecoding(draft, acceptance).TokensPerStep, 1e-12);
    }

    [Fact]
    public void Impossible_settings_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpeculativeDecoding(-1, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpeculativeDecoding(3, 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpeculativeDecoding(3, -0.1));
    }

    [Fact]
    public void Without_speculation_a_token_costs_one_decode_step()
    {
        var e = Llama(null);
        Assert.Equal(e.StepMs(StepShape.Decode(8, 1250)), e.DecodeTokenMs(8, 1250));
    }

    [Fact]
    public void A_speculative_step_is_n_draft_layers_and_a_verify_of_n_plus_1_tokens_per_sequence_over_the_tokens_kept()
    {
        // Hand composition: the verify step runs B·(n+1) tokens through the GEMMs but reads each sequence's KV once (the
        // decode attention of B sequences); each draft is one of the L layers' share of a plain step plus the logits.
        const int n = 3;
        const double b = 8, context = 1250;
        var mtp = new SpeculativeDecoding(n, 0.6);
        var e = Llama(mtp);
        var plain = StepShape.Decode(b, context);
        var wide = StepShape.Decode(b * (n + 1), context);
        var breakdownPlain = e.Breakdown(plain);
        var breakdownWide = e.Breakdown(wide);
        double logits = breakdownPlain.Where(o => o.Group == OpGroup.EmbeddingAndLogits).Sum(o => o.Ms);
        var attention = e.Ops.Ops.ToArray().Select((op, i) => (op, i)).Where(x => x.op.Kind == OpKind.GenerationAttention).Select(x => x.i).ToList();
        double attentionPlain = attention.Sum(i => breakdownPlain[i].Ms);
        double attentionWide = attention.Sum(i => breakdownWide[i].Ms);
        double verify = e.StepMs(wide) - attentionWide + attentionPlain; // TensorRT-LLM: no host floor
        double draft = n * (((e.StepMs(plain) - logits) / 32) + logits);
        Approx.AssertClose((verify + draft) / mtp.TokensPerStep, e.DecodeTokenMs(b, context), 1e-12);
    }

    [Fact]
    public void The_verify_step_prices_compute_bound_attention_at_its_n_plus_1_queries()
    {
        // DeepSeek-V3 as DEP8 on B200 with an FP8 cache: all 128 MLA heads on every rank, so decode attention of 64
        // sequences at 8192 tokens is compute-bound (Mla_decode_attention_is_compute_bound_…). Hand composition as in the
        // test above, except that the verify step's attention is priced at 2 queries a sequence over one cache read
        // (DecodeQueriesPerSequence), which here costs about twice a plain step's attention, not the same.
        const double b = 64, context = 8192;
        var mtp = new SpeculativeDecoding(1, 0.85);
        var e = EngineModel.Create(new EngineConfig(Fixtures.DeepSeekV3, Fixtures.B200, ParallelConfig.DataExpertParallel(8), new QuantConfig(QuantMode.Fp8Block, QuantMode.Fp8Block, QuantMode.Fp8), Fixtures.TrtLlm with { Speculative = mtp }));
        var plain = StepShape.Decode(b, context);
        var wide = StepShape.Decode(b * 2, context);
        var attention = e.Ops.Ops.ToArray().Select((op, i) => (op, i)).Where(x => x.op.Kind == OpKind.GenerationAttention).Select(x => x.i).ToList();
        double Attention(StepShape shape) => attention.Sum(i => e.Breakdown(shape)[i].Ms);
        double twoQueries = Attention(plain with { DecodeQueriesPerSequence = 2 });
        Assert.InRange(twoQueries / Attention(plain), 1.8, 2.0);

        double logits = e.Breakdown(plain).Where(o => o.Group == OpGroup.EmbeddingAndLogits).Sum(o => o.Ms);
        double verify = e.StepMs(wide) - Attention(wide) + twoQueries;
        double draft = ((e.StepMs(plain) - logits) / Fixtures.DeepSeekV3.NumLayers) + logits;
        Approx.AssertClose((verify + draft) / mtp.TokensPerStep, e.DecodeTokenMs(b, context), 1e-12);
    }

    [Fact]
    public void Speculation_pays_when_drafts_are_accepted_and_costs_when_they_are_not()
    {
        // At batch 1 a decode step reads all weights whatever its few tokens: verifying 4 tokens costs about what 1 does.
        // Each of the 3 drafts adds one of 32 layers and the logits (0.5 B of Llama-3.1-8B's 8 B parameters, 6.5%): about
        // 3 × (3.1% + 6.5%) = 0.29 of a step (hand estimate). So a speculative step costs 1–1.35 plain ones, divided by the
        // 2.533 tokens kept at acceptance 0.7, or by 1 when every draft is rejected.
        double plain = Llama(null).DecodeTokenMs(1, 1250);
        double accepted = Llama(new SpeculativeDecoding(3, 0.7)).DecodeTokenMs(1, 1250);
        double rejected = Llama(new SpeculativeDecoding(3, 0)).DecodeTokenMs(1, 1250);
        Assert.InRange(accepted / plain, 1 / 2.533, 1.35 / 2.533);
        Assert.InRange(rejected / plain, 1.0, 1.35);
    }

    [Fact]
    public void Aggregated_tpot_with_speculation_adds_the_same_prefill_interference_per_token()
    {
        // Over its life a request still sees the other c requests' prefills once each, whatever the tokens per step:
        // TPOT = token time + w·c·(1 − s/2)·Δ/osl, Δ what a prompt adds to a plain decode step, its kernels' launches
        // outside the CUDA graphs included.
        var e = Llama(new SpeculativeDecoding(2, 0.8));
        var s = AggregatedServing.Estimate(e, Chat, 32);
        double step = e.StepMs(StepShape.Decode(32, Chat.MeanDecodeContext));
        double mixed = e.StepMs(new StepShape { PrefillSequences = 1, PrefillTokensPerSequence = 1000, DecodeSequences = 32, DecodeContext = Chat.MeanDecodeContext });
        var p = Fixtures.TrtLlm;
        double expected = e.DecodeTokenMs(32, Chat.MeanDecodeContext) + (p.PrefillInterference * 32 * (1 - (p.ArrivalSynchronisation / 2)) * (mixed - step + e.PromptLaunchMs) / 500);
        Approx.AssertClose(expected, s.TpotMs, 1e-12);
    }

    [Fact]
    public void A_new_request_waits_on_whole_speculative_steps_of_the_running_engine()
    {
        // TTFT's fixed steps of the running engine (TtftDecodeSteps) are steps, and a speculative step keeps
        // TokensPerStep = 1 + 0.8 + 0.64 = 2.44 tokens a sequence: the step is 2.44 token times, not one (hand
        // calculation); without speculation the step and the token time are the same plain decode step.
        var mtp = Llama(new SpeculativeDecoding(2, 0.8));
        double token = mtp.DecodeTokenMs(32, Chat.MeanDecodeContext);
        Approx.AssertClose(2.44 * token, mtp.RunningStepMs(token), 1e-12);
        var s = AggregatedServing.Estimate(mtp, Chat, 32);
        Approx.AssertClose(Fixtures.TrtLlm.TtftDecodeSteps * 2.44 * token, s.TtftParts!.RunningStepsMs, 1e-12);

        var plain = Llama(null);
        double step = plain.StepMs(StepShape.Decode(32, Chat.MeanDecodeContext));
        Assert.Equal(step, plain.RunningStepMs(plain.DecodeTokenMs(32, Chat.MeanDecodeContext)));
    }

    [Fact]
    public void The_host_floor_of_a_speculative_step_counts_sequences_not_verified_tokens()
    {
        // SGLang's 50 µs of host work per running request (BackendProfile.HostUsPerSequence): a step of 100 sequences
        // takes at least 5 ms, whatever tokens each verifies; counted per verified token it would take 20 ms, more than
        // the kernels of Llama-3.1-8B at 400 tokens.
        var sglang = BackendProfile.For(Backend.Sglang) with { LayerOverheadUs = 0, Speculative = new SpeculativeDecoding(3, 0) };
        var e = EngineModel.Create(new EngineConfig(Fixtures.Llama31_8B, Fixtures.H200, ParallelConfig.TensorParallel(1), QuantConfig.Bf16, sglang));
        var plain = StepShape.Decode(100, 10);
        var breakdown = e.Breakdown(plain);
        double logits = breakdown.Where(o => o.Group == OpGroup.EmbeddingAndLogits).Sum(o => o.Ms);
        double draft = 3 * (((e.StepMs(plain) - logits) / 32) + logits);
        double token = e.DecodeTokenMs(100, 10);

        // Acceptance 0: one token a step, so the step is the token time. Its verify part is at least 100 × 50 µs and
        // never 400 × 50 µs = 20 ms (hand calculation), which only a per-token count would give.
        Assert.InRange(token - draft, 5.0, 20.0 - 1e-9);
    }

    [Fact]
    public void SGLang_adds_its_host_work_to_a_speculative_step_which_an_overlapping_scheduler_hides()
    {
        // SGLang's server_args turn the overlap scheduler off for EAGLE/NEXTN speculation (spec V1, its 0.5.x default),
        // so the host's 10 µs × 100 sequences = 1 ms (hand calculation) adds to the verify step's kernels, which take
        // longer than 1 ms for Llama-3.1-8B (16 GB of weights at 4.8 TB/s is 3.3 ms); with overlap it hides behind
        // them. Acceptance 0 keeps one token a step, so the difference per token is the whole 1 ms.
        Assert.True(BackendProfile.For(Backend.Sglang).SpeculationStopsOverlap);
        Assert.False(BackendProfile.For(Backend.TrtLlm).SpeculationStopsOverlap);
        Assert.False(BackendProfile.For(Backend.Vllm).SpeculationStopsOverlap);

        var serial = BackendProfile.For(Backend.Sglang) with { HostUsPerSequence = 10, Speculative = new SpeculativeDecoding(3, 0) };
        EngineModel Engine(BackendProfile b) => EngineModel.Create(new EngineConfig(Fixtures.Llama31_8B, Fixtures.H200, ParallelConfig.TensorParallel(1), QuantConfig.Bf16, b));
        double stopped = Engine(serial).DecodeTokenMs(100, 1000);
        double overlapped = Engine(serial with { SpeculationStopsOverlap = false }).DecodeTokenMs(100, 1000);
        Approx.AssertClose(1.0, stopped - overlapped, 1e-9);

        // Without speculation the flag changes nothing: the plain step stays max(kernels, host).
        var plain = serial with { Speculative = null };
        Assert.Equal(Engine(plain).DecodeTokenMs(100, 1000), Engine(plain with { SpeculationStopsOverlap = false }).DecodeTokenMs(100, 1000));
    }
}
