using AicSim.Core.Engine;
using AicSim.Core.Estimation;
using AicSim.Core.Ops;
using AicSim.Core.Specs;

namespace AicSim.Core.Tests;

/// <summary>Nemotron-H: layers that are one block each (Mamba-2, attention, relu² FFN or MoE), checked against its model cards and by hand.</summary>
public sealed class HybridMambaTests
{
    private static EngineModel Engine(ModelSpec model, ParallelConfig par, QuantConfig? quant = null) =>
        EngineModel.Create(new EngineConfig(model, Fixtures.B200, par, quant ?? QuantConfig.Bf16, Fixtures.TrtLlm));

    [Fact]
    public void The_pattern_counts_its_blocks()
    {
        // Counted by hand off the Nano's hybrid_override_pattern: 23 M, 6 *, 23 E. A mixer block and the FFN block after
        // it are one transformer layer: 29 mixers against 23 FFNs, so 29.
        var m = Fixtures.NemotronNano;
        Assert.Equal((23, 6, 23, 0, 29, 29), (m.MambaLayers, m.FullAttentionLayers, m.MoeLayers, m.DenseFfnLayers, m.MixerLayers, m.TransformerLayers));
        Assert.Equal(Fixtures.TrtLlm.LayerOverheadUs * 29 / 1000.0, Engine(m, ParallelConfig.TensorParallel(1)).FrameworkStepMs, 12);
    }

    [Fact]
    public void A_prefill_launches_a_mamba_blocks_kernels_one_by_one()
    {
        // Counted by hand for the Nano at TP1 (no all-reduces), as vLLM and SGLang launch them: one norm per block (52);
        // a Mamba-2 block's input GEMM, convolution, gated norm, five chunked-scan passes (mamba_chunk_scan_combined) and
        // output GEMM (9 × 23 = 207); an attention block's qkv, context attention and o (3 × 6 = 18); a relu² MoE block's
        // router, experts (their activation inside the block) and the shared expert's up, activation and down
        // (5 × 23 = 115) → 392.
        Assert.Equal(392, Engine(Fixtures.NemotronNano, ParallelConfig.TensorParallel(1)).PrefillKernels);
    }

    [Fact]
    public void Nano_has_31_6_billion_parameters()
    {
        // Oracle: the Nemotron-3-Nano-30B-A3B model card, 31.6 B total parameters. By hand: Mamba 23 × (2688 × 10,304 +
        // 4096 × 2688), attention 6 × (2688 × 4608 + 4096 × 2688), MoE 23 × (128 × 2 × 1856 × 2688 + 2 × 3712 × 2688 +
        // 128 × 2688), embedding and LM head 2 × 131,072 × 2688: 31.575 B.
        var engine = Engine(Fixtures.NemotronNano, ParallelConfig.TensorParallel(1));
        Assert.Equal(31.6e9, engine.Memory.WeightBytes / 2, 0.01 * 31.6e9);
    }

    [Fact]
    public void Super_has_120_billion_parameters_of_which_a_token_reads_12()
    {
        // Oracle: the model's name and card, 120 B total and 12 B active. By hand, active: Mamba 40 × 109.6 M, attention
        // 8 × 35.7 M, per MoE layer 22 experts × 2 × 2688 × 1024, the shared 2 × 5376 × 4096, the latent projections
        // 2 × 4096 × 1024 and the router (× 40), and the LM head 131,072 × 4096: 12.2 B.
        var engine = Engine(Fixtures.NemotronSuper, ParallelConfig.TensorParallel(1));
        Assert.Equal(120e9, engine.Memory.WeightBytes / 2, 0.01 * 120e9);
        double active = DecodeFloor.BytesPerGpu(engine.Ops.Ops, 0, 0).Weights / 2;
        Assert.InRange(active, 11.5e9, 12.9e9);
    }

    [Fact]
    public void Only_the_attention_blocks_cache_keys_and_values()
    {
        // Hand calculation at TP1: 6 attention layers × 2 (K, V) × 2 KV heads × 128 × 2 bytes = 6144 bytes a token.
        Assert.Equal(6144, MemoryModel.KvBytesPerToken(Fixtures.NemotronNano, ParallelConfig.TensorParallel(1), QuantMode.Bf16));
    }

    [Fact]
    public void Each_sequence_holds_its_mamba_state_split_over_tensor_ranks()
    {
        // Hand calculation, per Mamba layer at TP1: 64 heads × 64 × 128 × 4 bytes (fp32) = 2,097,152, plus the convolution
        // window over x, B and C: (64·64 + 2·8·128) = 6144 channels × 3 × 2 bytes = 36,864; × 23 layers = 49,082,368.
        Assert.Equal(49_082_368, MemoryModel.StateBytesPerSequence(Fixtures.NemotronNano, ParallelConfig.TensorParallel(1)));
        Assert.Equal(49_082_368 / 2, MemoryModel.StateBytesPerSequence(Fixtures.NemotronNano, ParallelConfig.TensorParallel(2)));
    }

    [Fact]
    public void Relu2_experts_have_two_matrices_and_a_latent_moe_moves_its_latent()
    {
        // Super under DEP8: each expert is up and down, 2 × 2688 wide, reading the 1024-wide latent; dispatch carries
        // 22 × 1024 fp8 values a token, 7/8 of them to other GPUs.
        var ops = OpTableCompiler.Compile(Fixtures.NemotronSuper, ParallelConfig.DataExpertParallel(8), new QuantConfig(QuantMode.Fp8, QuantMode.Fp8, QuantMode.Fp8), Fixtures.B200);
        var experts = ops.Ops[ops.Names.ToList().IndexOf("routed experts")];
        Assert.Equal((2 * 2688.0, 1024.0, OpRole.UngatedExperts), (experts.N, experts.K, experts.Role));
        var dispatch = ops.Ops[ops.Names.ToList().IndexOf("moe dispatch all-to-all")];
        Assert.Equal(22 * 1024 * 1.0 * 7 / 8, dispatch.BytesPerToken, 9);
        Assert.Contains("moe latent down proj", ops.Names);

        // The Nano's Mamba input projection at TP2: z and x (32 heads × 64 each), B and C (4 groups × 128 each), 32 step sizes.
        var nano = OpTableCompiler.Compile(Fixtures.NemotronNano, ParallelConfig.TensorParallel(2), QuantConfig.Bf16, Fixtures.B200);
        Assert.Equal((2 * 2048) + 1024 + 32, nano.Ops[nano.Names.ToList().IndexOf("mamba in proj")].N);
        Assert.DoesNotContain("moe latent down proj", nano.Names);
    }

    [Fact]
    public void A_tensor_split_that_cuts_a_mamba_group_is_refused()
    {
        var problems = MappingRules.Problems(Fixtures.NemotronNano with { MambaGroups = 6 }, ParallelConfig.TensorParallel(4));
        Assert.Contains(problems, p => p.Contains("6 groups", StringComparison.Ordinal) && p.Contains("TP4", StringComparison.Ordinal));
        Assert.Empty(MappingRules.Problems(Fixtures.NemotronNano, ParallelConfig.TensorParallel(4)));
    }
}
