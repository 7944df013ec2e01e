using AicSim.Core.Engine;
using AicSim.Core.Errors;
using AicSim.Core.Specs;

namespace AicSim.Core.Tests;

public sealed class MappingRulesTests
{
    [Fact]
    public void Qwen3_0_6b_at_tp8_is_refused_with_the_fix()
    {
        // DOMAIN.md §2: 16 heads / TP8 = 2 per GPU < 4; the message names the model, TP, heads and maxNumGpusPerEngine.
        var e = Assert.Throws<UnsupportedException>(() => MappingRules.Validate(Fixtures.Qwen3_06B, ParallelConfig.TensorParallel(8)));
        Assert.Contains("Qwen3-0.6B has 16 attention heads; TP8 leaves 2 per GPU", e.Message, StringComparison.Ordinal);
        Assert.Contains("maxNumGpusPerEngine: 4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_heads_fix_below_what_the_weights_need_points_at_data_parallel_attention_instead()
    {
        // Hand reading: DeepSeek-V3 has 128 heads, so TP64 leaves 2 per GPU and the widest TP with 4 is TP32. If the
        // weights need 64 GPUs, TP32 cannot hold them either: the fix is DEP, not maxNumGpusPerEngine: 32. A dense model
        // has no DEP in the sweep (Qwen3-0.6B: TP8 refused, TP4 the widest; needing 8 GPUs): a bigger GPU is the fix.
        var moe = string.Join(" ", MappingRules.Problems(Fixtures.DeepSeekV3, ParallelConfig.TensorExpertParallel(64), minGpus: 64));
        Assert.Contains("at most TP32", moe, StringComparison.Ordinal);
        Assert.Contains("at least 64 GPUs here): use attention data parallelism (DEP)", moe, StringComparison.Ordinal);
        Assert.DoesNotContain("maxNumGpusPerEngine", moe, StringComparison.Ordinal);
        Assert.Contains("maxNumGpusPerEngine: 32", string.Join(" ", MappingRules.Problems(Fixtures.DeepSeekV3, ParallelConfig.TensorExpertParallel(64), minGpus: 32)), StringComparison.Ordinal);
        var dense = string.Join(" ", MappingRules.Problems(Fixtures.Qwen3_06B, ParallelConfig.TensorParallel(8), minGpus: 8));
        Assert.Contains("use a system with more memory per GPU", dense, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(16, 4)]
    [InlineData(32, 8)]
    [InlineData(64, 16)]
    [InlineData(128, 32)]
    [InlineData(48, 8)]
    public void Max_tp_keeps_four_heads_per_gpu(int heads, int maxTp)
    {
        Assert.Equal(maxTp, MappingRules.LargestTpWithEnoughHeads(heads));
    }

    [Fact]
    public void Tp4_is_allowed_for_16_heads()
    {
        Assert.Empty(MappingRules.Problems(Fixtures.Qwen3_06B, ParallelConfig.TensorParallel(4)));
    }

    [Fact]
    public void Heads_not_divisible_by_tp_are_refused()
    {
        var problems = MappingRules.Problems(Fixtures.DeepSeekV3, new ParallelConfig(24, 1, 1, 1, 24));
        Assert.Contains(problems, p => p.Contains("does not divide evenly", StringComparison.Ordinal));
    }

    [Fact]
    public void An_expert_split_that_does_not_cover_the_gpus_is_refused()
    {
        var problems = MappingRules.Problems(Fixtures.DeepSeekV3, new ParallelConfig(8, 1, 1, 2, 8));
        Assert.Contains(problems, p => p.Contains("must equal tp 8", StringComparison.Ordinal));
    }

    [Fact]
    public void Experts_must_divide_over_ep()
    {
        // 128 experts over 48 ranks (DEP48 keeps ≥ 4 heads since attention is data-parallel).
        var problems = MappingRules.Problems(Fixtures.Qwen3_30B_A3B, ParallelConfig.DataExpertParallel(48));
        Assert.Contains(problems, p => p.Contains("128 experts", StringComparison.Ordinal));
    }

    [Fact]
    public void Mapping_names_follow_the_profiler()
    {
        Assert.Equal("TP4", ParallelConfig.TensorParallel(4).Name);
        Assert.Equal("TEP8", ParallelConfig.TensorExpertParallel(8).Name);
        Assert.Equal("DEP16", ParallelConfig.DataExpertParallel(16).Name);
        Assert.Equal(16, ParallelConfig.DataExpertParallel(16).Gpus);
        Assert.Equal("TP2-PP4", new ParallelConfig(2, 4, 1, 2, 1).Name);
        Assert.Equal("TEP4-PP2", new ParallelConfig(4, 2, 1, 1, 4).Name);
        Assert.Equal("tp8-pp1-dp1-moetp2-moeep4", new ParallelConfig(8, 1, 1, 2, 4).Name);
    }

    [Theory]
    // DOMAIN.md §2's families: experts split by tensor under TP attention is TP, by expert (wholly or in part) TEP; data-
    // parallel attention with expert-parallel experts DEP, with tensor-split experts DP; pipeline stages append -PP.
    [InlineData(4, 1, 1, 4, 1, "TP")]
    [InlineData(8, 1, 1, 1, 8, "TEP")]
    [InlineData(8, 1, 1, 2, 4, "TEP")]
    [InlineData(1, 1, 8, 1, 8, "DEP")]
    [InlineData(1, 1, 2, 2, 1, "DP")]
    [InlineData(2, 4, 1, 2, 1, "TP-PP")]
    [InlineData(4, 2, 1, 1, 4, "TEP-PP")]
    public void Mapping_families_follow_the_profiler(int tp, int pp, int attentionDp, int moeTp, int moeEp, string family) =>
        Assert.Equal(family, new ParallelConfig(tp, pp, attentionDp, moeTp, moeEp).Family);

    [Theory]
    // 8 GPUs of attention; an expert split of 7 (or 3) leaves the other split fractional, so it is named, not "moe-tp 0".
    [InlineData(null, 7, "moe-ep 7 does not divide the 8 GPUs attention runs on (tp 8 × attention-dp 1)")]
    [InlineData(3, null, "moe-tp 3 does not divide the 8 GPUs attention runs on (tp 8 × attention-dp 1)")]
    public void An_expert_split_that_does_not_divide_the_gpus_names_the_given_split(int? moeTp, int? moeEp, string expected)
    {
        var e = Assert.Throws<AicSimException>(() => ParallelConfig.FromSizes(8, 1, 1, moeTp, moeEp, isMoe: true).Validate(true));
        Assert.Equal(expected, e.Message[..expected.Length]);
    }

    [Fact]
    public void Sizes_without_an_expert_split_follow_the_attention_split()
    {
        Assert.Equal(ParallelConfig.TensorParallel(4), ParallelConfig.FromSizes(4, 1, 1, null, null, isMoe: true));
        Assert.Equal(ParallelConfig.DataExpertParallel(8), ParallelConfig.FromSizes(1, 1, 8, null, null, isMoe: true));
        Assert.Equal(ParallelConfig.TensorExpertParallel(8), ParallelConfig.FromSizes(8, 1, 1, null, 8, isMoe: true));
    }

    [Fact]
    public void Non_positive_sizes_are_named()
    {
        var e = Assert.Throws<AicSimException>(() => new ParallelConfig(0).Validate(false));
        Assert.Contains("--tp is 0", e.Message, StringComparison.Ordinal);
    }
}
