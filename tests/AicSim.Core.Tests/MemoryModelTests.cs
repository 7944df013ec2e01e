using AicSim.Core.Engine;
using AicSim.Core.Specs;
using AicSim.Tests;

namespace AicSim.Core.Tests;

public sealed class MemoryModelTests
{
    private static EngineModel Engine(ModelSpec model, ParallelConfig par, QuantConfig? quant = null, SystemSpec? system = null) =>
        EngineModel.Create(new EngineConfig(model, system ?? Fixtures.H200, par, quant ?? model.DefaultQuant, Fixtures.TrtLlm));

    [Fact]
    public void Llama_3_1_8b_bf16_weights_are_16_06_GB()
    {
        // Oracle: Meta's model card, 8.03 B parameters × 2 bytes = 16.06 GB (norms, ~0.27 M parameters, are left out).
        var engine = Engine(Fixtures.Llama31_8B, ParallelConfig.TensorParallel(1));
        Approx.AssertClose(16.06e9, engine.Memory.WeightBytes, 0.002);
    }

    [Fact]
    public void Llama_3_1_8b_bf16_kv_cache_costs_131072_bytes_per_token()
    {
        // Hand calculation: 2 (K and V) × 8 KV heads × 128 dims × 32 layers × 2 bytes.
        Assert.Equal(131_072, MemoryModel.KvBytesPerToken(Fixtures.Llama31_8B, ParallelConfig.TensorParallel(1), QuantMode.Bf16));
    }

    [Fact]
    public void Deepseek_v3_kv_cache_is_576_latent_elements_per_token_per_layer()
    {
        // DOMAIN.md §6: kv_lora_rank 512 + rope 64 = 576 elements per layer, replicated on every tensor rank.
        double perToken = MemoryModel.KvBytesPerToken(Fixtures.DeepSeekV3, ParallelConfig.TensorExpertParallel(8), QuantMode.Bf16);
        Assert.Equal(576.0 * 61 * 2, perToken);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Kv_heads_split_over_tp_until_replicated(int tp)
    {
        // 8 KV heads: TP1 → 8 per GPU, TP2 → 4, TP4 → 2; the per-GPU cost halves with each doubling.
        double perToken = MemoryModel.KvBytesPerToken(Fixtures.Llama31_8B, ParallelConfig.TensorParallel(tp), QuantMode.Bf16);
        Assert.Equal(131_072.0 / tp, perToken);
    }

    [Fact]
    public void Deepseek_v3_has_671_billion_parameters()
    {
        // Oracle: DeepSeek-V3 technical report, 671 B total parameters (without the 14 B multi-token-prediction module).
        // At bf16 on one GPU, weight bytes / 2 = parameters.
        var engine = Engine(Fixtures.DeepSeekV3, ParallelConfig.TensorExpertParallel(1), QuantConfig.Bf16);
        Approx.AssertClose(671e9, engine.Memory.WeightBytes / 2, 0.01);
    }

    [Fact]
    public void Mtp_adds_deepseek_v3s_14_billion_parameter_module_and_a_layer_of_kv_cache()
    {
        // Oracle: DeepSeek-V3's model card: 685 B on Hugging Face = 671 B main model + 14 B MTP module, which stores its
        // own copies of the embedding and head (2 × 129280 × 7168 = 1.85 B), so about 12.1 B for its decoder layer and
        // projection. AicSim prices the module as an average decoder layer (within 10%). Its KV cache is one more
        // layer's: 62 / 61 of the plain cache (hand calculation).
        var mtp = new SpeculativeDecoding(1, 0.85);
        var plain = Engine(Fixtures.DeepSeekV3, ParallelConfig.TensorExpertParallel(1), QuantConfig.Bf16);
        var config = plain.Config with { Backend = plain.Config.Backend with { Speculative = mtp } };
        var drafting = EngineModel.Create(config);
        Approx.AssertClose(12.1e9, (drafting.Memory.WeightBytes - plain.Memory.WeightBytes) / 2, 0.10);
        Approx.AssertClose(62.0 / 61, drafting.Memory.KvBytesPerToken / plain.Memory.KvBytesPerToken, 1e-12);

        // A chain of three drafts reuses the one module (TensorRT-LLM's MTP Eagle, vLLM's and SGLang's MTP).
        Assert.Equal(1, MemoryModel.DraftLayers(config with { Backend = config.Backend with { Speculative = new SpeculativeDecoding(3, 0.7) } }));
        Assert.Equal(0, MemoryModel.DraftLayers(plain.Config));
    }

    [Fact]
    public void Qwen3_30b_a3b_has_30_5_billion_parameters()
    {
        // Oracle: Qwen3 model card, 30.5 B total parameters.
        var engine = Engine(Fixtures.Qwen3_30B_A3B, ParallelConfig.TensorParallel(1), QuantConfig.Bf16);
        Approx.AssertClose(30.5e9, engine.Memory.WeightBytes / 2, 0.01);
    }

    [Fact]
    public void Qwen3_5_397b_has_397_billion_parameters()
    {
        // Oracle: the Qwen3.5-397B-A17B model card, 397 B total parameters (the vision tower, under 1 B, is not modelled).
        var engine = Engine(Fixtures.Qwen35_397B, ParallelConfig.TensorParallel(1), QuantConfig.Bf16, Fixtures.B200);
        Approx.AssertClose(397e9, engine.Memory.WeightBytes / 2, 0.01);
    }

    [Fact]
    public void Qwen3_5_kv_cache_covers_only_its_15_full_attention_layers()
    {
        // Hand calculation at TP8: 2 (K, V) × ceil(2/8) = 1 KV head × 256 dims × 15 layers × 2 bytes = 15,360 bytes.
        Assert.Equal(15_360, MemoryModel.KvBytesPerToken(Fixtures.Qwen35_397B, ParallelConfig.TensorParallel(8), QuantMode.Bf16));
    }

    [Fact]
    public void Qwen3_5_holds_a_fixed_recurrent_state_per_sequence()
    {
        // Hand calculation at TP8, per linear layer: 64/8 value heads × 128 × 128 × 4 bytes (fp32) = 524,288, plus the
        // convolution window (2·16·128 + 64·128)/8 = 1,536 channels × 3 × 2 bytes = 9,216; × 45 layers = 24,007,680 bytes.
        Assert.Equal(24_007_680, MemoryModel.StateBytesPerSequence(Fixtures.Qwen35_397B, ParallelConfig.TensorParallel(8)));
        Assert.Equal(0, MemoryModel.StateBytesPerSequence(Fixtures.Llama31_8B, ParallelConfig.TensorParallel(8)));
    }

    [Fact]
    public void The_recurrent_state_counts_against_the_requests_the_cache_holds()
    {
        // Each request costs its tokens plus its state in token-equivalents: 24,007,680 / 15,360 = 1,563 tokens.
        var fit = Engine(Fixtures.Qwen35_397B, ParallelConfig.TensorParallel(8), QuantConfig.Bf16, Fixtures.B200).Memory;
        Approx.AssertClose(1563, fit.StateTokensPerSequence, 1e-6);
        Assert.Equal((long)Math.Floor(fit.MaxKvTokens / (1000.0 + 1563)), fit.RequestsHeld(1000));
    }

    [Fact]
    public void Vllm_takes_its_kv_budget_from_a_share_of_the_whole_gpu()
    {
        // vLLM's gpu_memory_utilization (0.9) bounds everything it allocates, so KV = 0.9 × 141 GiB − weights − workspace;
        // TensorRT-LLM's free_gpu_memory_fraction (0.9) applies to what is free after them: KV = 0.9 × (141 GiB − used).
        var vllm = EngineModel.Create(new EngineConfig(Fixtures.Llama31_8B, Fixtures.H200, ParallelConfig.TensorParallel(1), QuantConfig.Bf16, BackendProfile.For(Backend.Vllm))).Memory;
        var trt = Engine(Fixtures.Llama31_8B, ParallelConfig.TensorParallel(1)).Memory;
        double gpu = 141.0 * (1L << 30);
        Approx.AssertClose((0.9 * gpu) - vllm.UsedBeforeKvBytes, vllm.KvBudgetBytes, 1e-12);
        Approx.AssertClose(0.9 * (gpu - trt.UsedBeforeKvBytes), trt.KvBudgetBytes, 1e-12);
    }

    [Fact]
    public void Sparse_attention_caches_the_indexer_key_beside_the_latent()
    {
        // DeepSeek-V3.2 config.json: index_head_dim 128, fp8. Hand calculation per token: 576 × 61 × 2 (bf16 latent) +
        // 128 × 61 × 1 (fp8 indexer key) = 70,272 + 7,808 = 78,080 bytes.
        var v32 = Fixtures.DeepSeekV3 with { SparseAttentionTopK = 2048, IndexerHeads = 64, IndexerHeadDim = 128 };
        Assert.Equal(78_080, MemoryModel.KvBytesPerToken(v32, ParallelConfig.TensorExpertParallel(8), QuantMode.Bf16));
    }

    [Fact]
    public void Per_gpu_weight_falls_with_tp()
    {
        double tp1 = Engine(Fixtures.Llama31_8B, ParallelConfig.TensorParallel(1)).Memory.WeightBytes;
        double tp2 = Engine(Fixtures.Llama31_8B, ParallelConfig.TensorParallel(2)).Memory.WeightBytes;
        double tp8 = Engine(Fixtures.Llama31_8B, ParallelConfig.TensorParallel(8)).Memory.WeightBytes;
        Assert.True(tp1 > tp2 && tp2 > tp8, $"{tp1} > {tp2} > {tp8}");

        // Everything but the replicated KV projections splits exactly: TP2 holds half the weights, within 1 %.
        Approx.AssertClose(tp1 / 2, tp2, 0.01);
    }

    [Fact]
    public void Experts_split_over_ep_under_dep()
    {
        double ep8 = Engine(Fixtures.DeepSeekV3, ParallelConfig.DataExpertParallel(8)).Memory.WeightBytes;
        double ep16 = Engine(Fixtures.DeepSeekV3, ParallelConfig.DataExpertParallel(16)).Memory.WeightBytes;
        Assert.True(ep16 < ep8);
    }

    [Fact]
    public void Llama_405b_bf16_on_one_h100_is_flagged_out_of_memory()
    {
        // 405 B × 2 bytes = 810 GB against 80 GiB.
        var engine = Engine(Fixtures.Llama31_405B, ParallelConfig.TensorParallel(1), QuantConfig.Bf16, Fixtures.H100);
        Assert.False(engine.Memory.Fits);
        Assert.Equal(0, engine.Memory.MaxKvTokens);
    }

    [Fact]
    public void Kv_capacity_is_the_budget_over_bytes_per_token()
    {
        var engine = Engine(Fixtures.Llama31_8B, ParallelConfig.TensorParallel(1));
        var m = engine.Memory;
        Assert.True(m.Fits);
        Assert.Equal((long)Math.Floor(m.KvBudgetBytes / 131_072), m.MaxKvTokens);
        Assert.Equal(m.MaxKvTokens / 1500, m.MaxRequests(1000, 500));
    }

    [Fact]
    public void Attention_dp_ranks_each_hold_their_own_kv()
    {
        var dep8 = Engine(Fixtures.DeepSeekV3, ParallelConfig.DataExpertParallel(8)).Memory;
        Assert.Equal((long)Math.Floor(dep8.KvBudgetBytes / dep8.KvBytesPerToken) * 8, dep8.MaxKvTokens);
    }
}
