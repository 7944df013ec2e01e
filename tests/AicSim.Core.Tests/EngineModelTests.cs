using AicSim.Core.Engine;
using AicSim.Core.Errors;
using AicSim.Core.Estimation;
using AicSim.Core.Ops;
using AicSim.Core.Specs;
using AicSim.Tests;

namespace AicSim.Core.Tests;

public sealed class EngineModelTests
{
    private static EngineModel Engine(ModelSpec model, ParallelConfig par, SystemSpec? system = null, QuantConfig? quant = null) =>
        EngineModel.Create(new EngineConfig(model, system ?? Fixtures.H200, par, quant ?? model.DefaultQuant, Fixtures.TrtLlm));

    public static TheoryData<string> Families => new() { "dense", "gqa-moe", "mla-moe" };

    private static EngineModel ForFamily(string family) => family switch
    {
        "dense" => Engine(Fixtures.Llama31_8B, ParallelConfig.TensorParallel(2)),
        "gqa-moe" => Engine(Fixtures.Qwen3_30B_A3B, ParallelConfig.TensorExpertParallel(4)),
        _ => Engine(Fixtures.DeepSeekV3, ParallelConfig.DataExpertParallel(8)),
    };

    [Fact]
    public void The_framework_overhead_of_a_step_is_paid_per_layer()
    {
        // Hand calculation: Llama-3.1-8B has 32 layers and Llama-3.1-405B 126; at 10 µs per layer a step pays 0.32 ms and
        // 1.26 ms on top of its kernels, whatever the batch.
        var profile = Fixtures.TrtLlm with { LayerOverheadUs = 10 };
        foreach (var (model, layers) in new[] { (Fixtures.Llama31_8B, 32), (Fixtures.Llama31_405B, 126) })
        {
            var e = EngineModel.Create(new EngineConfig(model, Fixtures.H200, ParallelConfig.TensorParallel(8), model.DefaultQuant, profile));
            var shape = StepShape.Decode(16, 1000);
            double kernelsMs = StepLatency.Seconds(e.Ops.Ops, shape, e.Estimator) * 1000.0;
            Approx.AssertClose(layers * 0.010, e.StepMs(shape) - kernelsMs, 1e-9);
        }
    }

    [Fact]
    public void A_step_takes_the_hosts_per_sequence_work_when_that_is_longer()
    {
        // Hand calculation: at 50 µs of host work per sequence, 512 sequences take 25.6 ms on the host, longer than
        // Llama-3.1-8B's TP8 decode step on H200 (weights and 512 × 1000 tokens of KV cache read in about 3 ms): 25.6 ms.
        // At 4 sequences the host needs 0.2 ms and the GPU's step, kernels plus 32 layers × 10 µs, is the longer.
        var profile = Fixtures.TrtLlm with { LayerOverheadUs = 10, HostUsPerSequence = 50 };
        var e = EngineModel.Create(new EngineConfig(Fixtures.Llama31_8B, Fixtures.H200, ParallelConfig.TensorParallel(8), Fixtures.Llama31_8B.DefaultQuant, profile));
        Approx.AssertClose(25.6, e.StepMs(StepShape.Decode(512, 1000)), 1e-9);
        var small = StepShape.Decode(4, 1000);
        Approx.AssertClose((StepLatency.Seconds(e.Ops.Ops, small, e.Estimator) * 1000.0) + 0.32, e.StepMs(small), 1e-9);
    }

    [Theory]
    // Hand counts of the ops a prefill step's decoder layers run, each once per layer it runs in (decode-only ops, the
    // embedding and the logits left out): Llama-3.1-8B, 32 layers, TP8: two norms, qkv, context attention, o, all-reduce,
    // gate+up, activation, down, all-reduce = 10 a layer → 320; at TP1 the two all-reduces go: 8·32 = 256.
    // DeepSeek-V3, 61 layers (3 dense, 58 MoE), DEP8 (TP1): two norms and q/kv down, q up, kv up, context attention, o a
    // layer (7·61 = 427); the dense FFN's three (9); router, experts (their activation inside the block), the shared
    // expert's three, dispatch and combine a MoE layer (7·58 = 406) → 842.
    // Qwen3.5-397B, 60 layers (15 full attention, 45 Gated DeltaNet, all MoE), TP8: two norms a layer (120); a full
    // attention layer's qkv, context attention, o and all-reduce (4·15 = 60); a Gated DeltaNet layer's kernels as vLLM and
    // SGLang launch them — two input GEMMs (qkvz, ba), the causal convolution, the gated norm, nine for the recurrence
    // (l2 norms of q and k, the gating, and flash-linear-attention's six chunked passes), the out projection and the
    // all-reduce (15·45 = 675); router, experts, the shared expert's three and the all-reduce a MoE layer (6·60 = 360)
    // → 1215.
    // The request overhead counts them without their collectives: Llama's 64 all-reduces at TP8 (256, as at TP1),
    // DeepSeek's 58 dispatches and 58 combines (726), Qwen3.5's 15 + 45 + 60 all-reduces (1095).
    [InlineData("llama8b", 8, 320, 256)]
    [InlineData("llama8b", 1, 256, 256)]
    [InlineData("deepseek-v3", 8, 842, 726)]
    [InlineData("qwen3.5", 8, 1215, 1095)]
    public void The_request_overhead_of_a_ttft_is_paid_per_kernel_of_a_prefill_step(string model, int gpus, double kernels, double overheadKernels)
    {
        var profile = Fixtures.TrtLlm with { RequestOverheadPerKernelUs = 50 };
        var (spec, parallel) = model switch
        {
            "llama8b" => (Fixtures.Llama31_8B, ParallelConfig.TensorParallel(gpus)),
            "qwen3.5" => (Fixtures.Qwen35_397B, ParallelConfig.TensorParallel(gpus)),
            _ => (Fixtures.DeepSeekV3, ParallelConfig.DataExpertParallel(gpus)),
        };
        var e = EngineModel.Create(new EngineConfig(spec, Fixtures.H200, parallel, spec.DefaultQuant, profile));
        Assert.Equal(kernels, e.PrefillKernels);
        Assert.Equal(overheadKernels, e.RequestOverheadKernels);
        Approx.AssertClose(overheadKernels * 0.05, e.RequestOverheadMs, 1e-12);
        Approx.AssertClose(kernels * profile.PromptLaunchUsPerKernel / 1000.0, e.PromptLaunchMs, 1e-12);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Decode_itl_grows_with_batch_size(string family)
    {
        var e = ForFamily(family);
        double previous = 0;
        foreach (int batch in new[] { 8, 32, 128, 512 })
        {
            double itl = e.DecodeItlMs(batch, 2048);
            Assert.True(itl > previous, $"{family}: ITL at batch {batch} = {itl} ms, not above {previous} ms");
            previous = itl;
        }
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Decode_itl_grows_with_context(string family)
    {
        var e = ForFamily(family);
        Assert.True(e.DecodeItlMs(64, 16384) > e.DecodeItlMs(64, 1024));
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Ttft_grows_with_isl(string family)
    {
        var e = ForFamily(family);
        double previous = 0;
        foreach (int isl in new[] { 128, 1024, 8192, 32768 })
        {
            double ttft = e.PrefillTtftMs(isl);
            Assert.True(ttft > previous, $"{family}: TTFT at ISL {isl} = {ttft} ms, not above {previous} ms");
            previous = ttft;
        }
    }

    [Fact]
    public void A_single_decode_step_of_a_dense_model_is_near_the_weight_read_time()
    {
        // Oracle: the memory roofline. Llama-3.1-8B bf16 on one H200 reads 16.06 GB per step;
        // at 4.8 TB/s × 0.8 that is 4.18 ms, and the step (kernels + launches + framework) must not beat it.
        var e = Engine(Fixtures.Llama31_8B, ParallelConfig.TensorParallel(1));
        double itl = e.DecodeItlMs(1, 1000);
        Assert.InRange(itl, 16.06e9 / (4.8e12 * 0.8) * 1000, 16.06e9 / (4.8e12 * 0.8) * 1000 * 1.5);
    }

    [Fact]
    public void Mixtures_read_only_the_experts_a_batch_touches()
    {
        // With one token, 8 of 128 experts are touched; with thousands, all are: the step costs far more than 1/16 more.
        var e = Engine(Fixtures.Qwen3_30B_A3B, ParallelConfig.TensorParallel(1));
        double one = e.DecodeItlMs(1, 100);
        double many = e.DecodeItlMs(256, 100);
        Assert.True(many > 3 * one, $"batch 256 {many} ms vs batch 1 {one} ms");
    }

    [Fact]
    public void Fp4_on_hopper_is_an_error_not_a_fallback()
    {
        var nvfp4 = new QuantConfig(QuantMode.Nvfp4, QuantMode.Nvfp4, QuantMode.Fp8);
        var e = Assert.Throws<UnsupportedException>(() => Engine(Fixtures.DeepSeekV3, ParallelConfig.DataExpertParallel(8), Fixtures.H100, nvfp4));
        Assert.Contains("fp4", e.Message, StringComparison.Ordinal);
        Assert.Contains("b200_sxm", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fp4_runs_on_blackwell()
    {
        var nvfp4 = new QuantConfig(QuantMode.Nvfp4, QuantMode.Nvfp4, QuantMode.Fp8);
        var e = Engine(Fixtures.DeepSeekV3, ParallelConfig.DataExpertParallel(8), Fixtures.B200, nvfp4);
        Assert.True(e.DecodeItlMs(64, 2000) > 0);
    }

    [Fact]
    public void Mxfp4_runs_weight_only_on_hopper()
    {
        var mx = new QuantConfig(QuantMode.Bf16, QuantMode.Mxfp4, QuantMode.Bf16);
        var e = Engine(Fixtures.Qwen3_30B_A3B, ParallelConfig.TensorParallel(1), Fixtures.H100, mx);
        foreach (var op in e.Ops.Ops)
        {
            Assert.Equal(ComputeType.Bf16, op.Compute);
        }
    }

    [Theory]
    [InlineData(Backend.TrtLlm, "h100", 60.0)] // MXFP4 experts dequantised on Hopper: TensorRT-LLM's own fused-MoE fixed time
    [InlineData(Backend.TrtLlm, "b200", 0.0)] // FP4 tensor cores: the default block time
    [InlineData(Backend.Vllm, "h100", 0.0)] // vLLM keeps the default
    public void Mxfp4_experts_without_fp4_tensor_cores_take_the_frameworks_own_moe_block_time(Backend backend, string system, double expectedUs)
    {
        // BackendProfile.MxfpMoeOverheadUs: 60 µs for TensorRT-LLM, from aiconfigurator's H200 fused-MoE table for
        // gpt-oss-120b (78.7 µs at one token on one GPU against 45.4 µs of roofline with the default 25 µs).
        var mx = new QuantConfig(QuantMode.Bf16, QuantMode.Mxfp4, QuantMode.Bf16);
        var spec = system == "h100" ? Fixtures.H100 : Fixtures.B200;
        var e = EngineModel.Create(new EngineConfig(Fixtures.Qwen3_30B_A3B, spec, ParallelConfig.TensorParallel(1), mx, BackendProfile.For(backend)));
        var experts = e.Ops.Ops.ToArray().Where(o => o.Kind == OpKind.MoeExperts).ToList();
        Assert.NotEmpty(experts);
        Assert.All(experts, o => Approx.AssertClose(expectedUs * 1e-6, o.LatencySec, 1e-15));
    }

    [Fact]
    public void Op_decomposition_has_the_families_signature_ops()
    {
        Assert.Contains("ffn gate+up", Engine(Fixtures.Llama31_8B, ParallelConfig.TensorParallel(2)).Ops.Names);
        Assert.Contains("routed experts", Engine(Fixtures.Qwen3_30B_A3B, ParallelConfig.TensorExpertParallel(4)).Ops.Names);
        var mla = Engine(Fixtures.DeepSeekV3, ParallelConfig.DataExpertParallel(8)).Ops.Names;
        Assert.Contains("absorbed q bmm (decode)", mla);
        Assert.Contains("moe dispatch all-to-all", mla);
        Assert.DoesNotContain("attention all-reduce", mla);
    }

    [Fact]
    public void Decoding_sequences_ride_along_in_prefill_steps()
    {
        // Each prefill step also decodes the running sequences, and their tokens come out of the step's budget:
        // a 1000-token prompt next to 64 decodes costs exactly the mixed step, more than the prompt alone.
        var e = EngineModel.Create(new EngineConfig(Fixtures.Llama31_8B, Fixtures.H200, ParallelConfig.TensorParallel(1), QuantConfig.Bf16, Fixtures.TrtLlm));
        double alone = e.PrefillMs(1000);
        double riding = e.PrefillMs(1000, 1, 64, 2000);
        var mixed = new StepShape { PrefillSequences = 1, PrefillTokensPerSequence = 1000, DecodeSequences = 64, DecodeContext = 2000 };
        Assert.Equal(e.StepMs(mixed), riding);
        Assert.True(riding > alone, $"{riding} > {alone}");
    }

    [Fact]
    public void Tp_one_has_no_collectives()
    {
        var e = Engine(Fixtures.Llama31_8B, ParallelConfig.TensorParallel(1));
        foreach (var op in e.Ops.Ops)
        {
            Assert.NotEqual(OpKind.Communication, op.Kind);
        }
    }

    [Fact]
    public void A_prompt_longer_than_the_chunk_is_prefilled_in_chunks()
    {
        var e = Engine(Fixtures.Llama31_8B, ParallelConfig.TensorParallel(1));
        int chunk = Fixtures.TrtLlm.MaxNumTokens;
        double twoChunks = e.PrefillMs(2 * chunk);
        double expected = e.StepMs(StepShape.Prefill(1, chunk)) + e.StepMs(StepShape.Prefill(1, chunk, chunk));
        Assert.Equal(expected, twoChunks, 9);
    }

    [Theory]
    // SGLang's server_args divide chunked_prefill_size by the DP size under DP attention: a DEP8 rank takes 8192 / 8 =
    // 1024 tokens a step, DEP4 2048, TP (one rank) all 8192; TensorRT-LLM and vLLM give each rank all 8192.
    [InlineData(Backend.Sglang, 8, 1024)]
    [InlineData(Backend.Sglang, 4, 2048)]
    [InlineData(Backend.Sglang, 1, 8192)]
    [InlineData(Backend.TrtLlm, 8, 8192)]
    [InlineData(Backend.Vllm, 8, 8192)]
    public void Sglang_divides_the_step_s_token_budget_among_its_attention_ranks(Backend backend, int dp, int budget)
    {
        var parallel = dp > 1 ? ParallelConfig.DataExpertParallel(dp) : ParallelConfig.FromSizes(8, 1, 1, 1, 8, true);
        var e = EngineModel.Create(new EngineConfig(Fixtures.DeepSeekV3, Fixtures.H200, parallel, Fixtures.DeepSeekV3.DefaultQuant, BackendProfile.For(backend)));
        Assert.Equal(budget, e.PrefillTokenBudget);
    }

    [Fact]
    public void A_sglang_dep_rank_prefills_a_prompt_in_chunks_of_its_share_of_the_budget()
    {
        // Hand count: a 4096-token prompt on one rank of SGLang's DEP8 runs as four 1024-token chunks, each attending to
        // the ones before it; TensorRT-LLM's DEP8 rank takes it in one step.
        var sglang = EngineModel.Create(new EngineConfig(Fixtures.DeepSeekV3, Fixtures.H200, ParallelConfig.DataExpertParallel(8), Fixtures.DeepSeekV3.DefaultQuant, BackendProfile.For(Backend.Sglang)));
        double expected = Enumerable.Range(0, 4).Sum(i => sglang.StepMs(StepShape.Prefill(1, 1024, 1024 * i)));
        Approx.AssertClose(expected, sglang.PrefillMs(4096), 1e-12);

        var trtllm = EngineModel.Create(new EngineConfig(Fixtures.DeepSeekV3, Fixtures.H200, ParallelConfig.DataExpertParallel(8), Fixtures.DeepSeekV3.DefaultQuant, Fixtures.TrtLlm));
        Assert.Equal(trtllm.StepMs(StepShape.Prefill(1, 4096)), trtllm.PrefillMs(4096), 12);
    }

    [Fact]
    public void Long_prompts_in_a_burst_pack_into_full_steps()
    {
        // Hand count: 64 decodes leave 8192 − 64 = 8128 tokens a step; four 8192-token prompts are 32768 tokens, which
        // stream through ⌈32768 / 8128⌉ = 5 steps, not 4 × 2 = 8 (each prompt's 64-token tail shares the next prompt's step).
        // Each chunk adds what its kernels add beside the 64 decodes; the decodes and the step's own costs come 5 times.
        var e = Engine(Fixtures.Llama31_8B, ParallelConfig.TensorParallel(1));
        const int decoding = 64;
        const double context = 2000;
        int budget = Fixtures.TrtLlm.MaxNumTokens - decoding;
        var decodeOnly = StepShape.Decode(decoding, context);
        StepShape Chunk(int tokens, int past) => new()
        {
            PrefillSequences = 1, PrefillTokensPerSequence = tokens, PrefillPastTokens = past, DecodeSequences = decoding, DecodeContext = context,
        };
        double ridingMs = e.StepMs(decodeOnly);
        double perPrompt = (e.StepMs(Chunk(budget, 0)) - ridingMs) + (e.StepMs(Chunk(8192 - budget, budget)) - ridingMs);
        double expected = (4 * perPrompt) + (5 * ridingMs);

        Assert.Equal(expected, e.PrefillMs(8192, 4, decoding, context), 9);
    }

    [Fact]
    public void Short_prompts_fill_each_step_to_its_token_budget()
    {
        // Nine 1000-token prompts are 9000 tokens: one full step of 8192 tokens (8.192 prompts' worth) and one of the
        // remaining 808 tokens, not 8 whole prompts and then 1.
        var e = Engine(Fixtures.Llama31_8B, ParallelConfig.TensorParallel(1));
        double expected = e.StepMs(StepShape.Prefill(8.192, 1000)) + e.StepMs(StepShape.Prefill(0.808, 1000));
        Assert.Equal(expected, e.PrefillMs(1000, 9), 9);
    }
}
