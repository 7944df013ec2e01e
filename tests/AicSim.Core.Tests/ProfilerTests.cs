using AicSim.Core.Engine;
using AicSim.Core.Errors;
using AicSim.Core.Profiling;
using AicSim.Core.Specs;
using AicSim.Tests;

namespace AicSim.Core.Tests;

public sealed class ProfilerTests
{
    private static ProfileRequest Request(ModelSpec model, SystemSpec? system = null, double ttft = 500, double itl = 30) => new()
    {
        Model = model,
        System = system ?? Fixtures.H200,
        Backend = Fixtures.TrtLlm,
        Quant = model.DefaultQuant,
        Isl = 3000,
        Osl = 150,
        TtftMs = ttft,
        ItlMs = itl,
    };

    [Fact]
    public void Dense_models_sweep_tp_over_one_node_and_report_what_they_skip()
    {
        // Qwen3-0.6B: 16 heads → TP8 leaves 2 per GPU, below 4: skipped with the DOMAIN.md message, not dropped.
        var plan = SweepPlan.For(Request(Fixtures.Qwen3_06B));
        Assert.Equal(["TP1", "TP2", "TP4"], plan.Candidates.Select(c => c.Name));
        var skipped = Assert.Single(plan.Skipped);
        Assert.Equal("TP8", skipped.Mapping.Name);
        Assert.Contains("maxNumGpusPerEngine: 4", skipped.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Mla_moe_models_sweep_tep_and_dep_from_the_size_their_weights_need()
    {
        // DeepSeek-V3 fp8: ≈ 690 GB of weights / (0.9 × 141 GiB) = 5.1 → 8 GPUs minimum; max = max(8·8, 8) capped at 4 nodes = 32.
        var plan = SweepPlan.For(Request(Fixtures.DeepSeekV3));
        Assert.Equal(8, plan.MinGpus);
        Assert.Equal(32, plan.MaxGpus);
        var tried = plan.Candidates.Concat(plan.Skipped.Select(s => s.Mapping)).Select(c => c.Name).Order(StringComparer.Ordinal);
        Assert.Equal(["DEP16", "DEP32", "DEP8", "TEP16", "TEP32", "TEP8"], tried);
    }

    [Fact]
    public void Gqa_moe_models_sweep_tp_tep_and_dep()
    {
        var kinds = SweepPlan.KindsFor(Fixtures.Qwen3_30B_A3B);
        Assert.Equal([MappingKind.Tp, MappingKind.Tep, MappingKind.Dep], kinds);
        Assert.Equal([MappingKind.Tep, MappingKind.Dep], SweepPlan.KindsFor(Fixtures.DeepSeekV3));
        Assert.Equal([MappingKind.Tp], SweepPlan.KindsFor(Fixtures.Llama31_8B));

        // The one-GPU TP, TEP and DEP engines are one engine, tried once.
        var plan = SweepPlan.For(Request(Fixtures.Qwen3_30B_A3B));
        Assert.Equal(plan.Candidates.Count, plan.Candidates.Distinct().Count());
        Assert.Single(plan.Candidates, c => c.Gpus == 1);
    }

    [Fact]
    public void User_bounds_override_the_gpu_range()
    {
        var plan = SweepPlan.For(Request(Fixtures.Llama31_8B) with { MinGpus = 2, MaxGpus = 4 });
        Assert.Equal(["TP2", "TP4"], plan.Candidates.Select(c => c.Name));
    }

    [Fact]
    public void Mappings_that_do_not_fit_are_skipped_with_the_reason()
    {
        var plan = SweepPlan.For(Request(Fixtures.Llama31_405B, Fixtures.H100) with { MinGpus = 1, MaxGpus = 8 });
        Assert.Contains(plan.Skipped, s => s.Mapping.Name == "TP1" && s.Reason.Contains("does not fit", StringComparison.Ordinal));
    }

    [Fact]
    public void Dep_prefill_is_a_burst_of_four_per_rank_divided_by_four()
    {
        // DOMAIN.md §2: TTFT = max TTFT of a burst of 4·dp requests / 4; throughput = isl / ttft / gpus × dp.
        var engine = EngineModel.Create(new EngineConfig(Fixtures.DeepSeekV3, Fixtures.H200, ParallelConfig.DataExpertParallel(8), Fixtures.DeepSeekV3.DefaultQuant, Fixtures.TrtLlm));
        var p = Profiler.PrefillAt(engine, 3000);
        // DeepSeek-V3's decoder layers at DEP8 launch 842 kernels a prefill step, 726 without their dispatches and combines,
        // which the request overhead counts (hand counts in EngineModelTests).
        Approx.AssertClose(((Fixtures.TrtLlm.RequestOverheadPerKernelUs * 726 / 1000.0) + engine.PrefillMs(3000, 4)) / 4, p.TtftMs, 1e-12);
        Approx.AssertClose(3000 / (p.TtftMs / 1000) / 8 * 8, p.ThroughputPerGpu, 1e-12);
    }

    [Theory]
    [InlineData(837, 1, 6, new[] { 1, 168, 335, 503, 670, 837 })]
    [InlineData(100, 8, 6, new[] { 8, 24, 40, 64, 80, 96 })]
    [InlineData(3, 1, 6, new[] { 1, 2, 3 })]
    public void Decode_request_counts_spread_to_the_kv_capacity_in_multiples_of_dp(long capacity, int dp, int count, int[] expected)
    {
        // Hand calculation: dp + (top − dp)·k/(count − 1), rounded to a multiple of dp, duplicates dropped.
        // The real planner file (H200 TP1) shows the same spread: x_kv_usage 0.0007 … 0.583 = 1 … 837 requests.
        Assert.Equal(expected, Profiler.RequestCounts(capacity, dp, count));
    }

    [Fact]
    public void A_profile_run_recommends_within_the_sla_and_builds_planner_data()
    {
        var result = Profiler.Run(Request(Fixtures.Llama31_8B));
        Assert.True(result.SlaMet);
        Assert.True(result.PrefillChoice.Point.TtftMs <= 500);
        Assert.True(result.DecodeChoice.Point.ItlMs <= 30);

        // DOMAIN.md §3: 17 prefill points from ISL 100; decode arrays of equal length; x = (isl + osl/2)·requests / max_kv.
        var pre = result.PrefillInterpolation;
        Assert.Equal(17, pre.Isl.Length);
        Assert.Equal(100, pre.Isl[0]);
        Assert.True(pre.Isl[^1] <= Fixtures.Llama31_8B.MaxContextLength - 512);
        var dec = result.DecodeInterpolation;
        Assert.Equal(dec.KvUsage.Length, dec.ItlMs.Length);
        Assert.Equal(350, dec.ContextLength[0]);
        Assert.All(dec.KvUsage, x => Assert.InRange(x, 0, 1));
        Assert.Equal(6, dec.ContextLength.Distinct().Count());
    }

    [Fact]
    public void Each_decode_mapping_offers_the_most_requests_that_meet_the_itl_target()
    {
        // The edge's own definition is the oracle: it meets the target and one more request per rank does not. On
        // Nemotron-3-Super TP2 the sweep's even steps (1, then hundreds) straddle it, so without it TP2 offered 1 request.
        foreach (var (model, par) in new[] { (Fixtures.NemotronSuper, ParallelConfig.TensorParallel(2)), (Fixtures.Llama31_8B, ParallelConfig.TensorParallel(1)), (Fixtures.DeepSeekV3, ParallelConfig.DataExpertParallel(8)) })
        {
            var engine = EngineModel.Create(new EngineConfig(model, Fixtures.H200, par, model.DefaultQuant, Fixtures.TrtLlm));
            var edge = Profiler.LargestWithinItl(engine, 3000, 150, 30)!;
            Assert.True(edge.ItlMs <= 30, $"{model.ShortName} {par.Name}");
            Assert.True(engine.DecodeItlMs(edge.Requests + par.AttentionDp, 3075) > 30 || edge.Requests + par.AttentionDp > engine.MaxConcurrentRequests(3000, 150), $"{model.ShortName} {par.Name} at {edge.Requests}");
            Assert.Equal(0, edge.Requests % par.AttentionDp);
        }

        var result = Profiler.Run(Request(Fixtures.NemotronSuper));
        Assert.Contains(result.Decode, p => p.Mapping == ParallelConfig.TensorParallel(2) && p.Requests > 100 && p.ItlMs <= 30);
        Assert.Null(Profiler.LargestWithinItl(EngineModel.Create(new EngineConfig(Fixtures.Llama31_8B, Fixtures.H200, ParallelConfig.TensorParallel(1), QuantConfig.Bf16, Fixtures.TrtLlm)), 3000, 150, 1));
    }

    [Fact]
    public void An_impossible_sla_is_loud_and_still_gives_the_closest_configuration()
    {
        var result = Profiler.Run(Request(Fixtures.Llama31_8B, ttft: 1, itl: 0.5));
        Assert.False(result.SlaMet);
        Assert.False(result.PrefillChoice.SlaMet);
        Assert.Equal(result.Prefill.Min(p => p.TtftMs), result.PrefillChoice.Point.TtftMs);
        Assert.Contains("no point meets", result.DecodeChoice.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_targets_are_errors()
    {
        var e = Assert.Throws<AicSimException>(() => Profiler.Run(Request(Fixtures.Llama31_8B, ttft: 0)));
        Assert.Contains("ttft and itl targets", e.Message, StringComparison.Ordinal);
    }
}

public sealed class RecommenderTests
{
    private static PrefillPoint P(int gpus, double ttft, double thpt) => new(ParallelConfig.TensorParallel(gpus), ttft, thpt);

    [Fact]
    public void The_highest_throughput_within_the_target_wins()
    {
        var c = Recommender.ChoosePrefill([P(1, 600, 9000), P(2, 400, 7000), P(4, 200, 5000)], 500);
        Assert.True(c.SlaMet);
        Assert.Equal(2, c.Point.Gpus);
    }

    [Fact]
    public void Ties_go_to_fewer_gpus()
    {
        var c = Recommender.ChoosePrefill([P(4, 100, 5000), P(2, 300, 5000), P(8, 50, 5000)], 500);
        Assert.Equal(2, c.Point.Gpus);
    }

    [Fact]
    public void With_nothing_within_the_target_the_fastest_point_is_returned_and_flagged()
    {
        var c = Recommender.ChoosePrefill([P(1, 900, 9000), P(2, 700, 7000), P(4, 650, 5000)], 500);
        Assert.False(c.SlaMet);
        Assert.Equal(4, c.Point.Gpus);
        Assert.Contains("no point meets TTFT ≤ 500 ms", c.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_points_compete_across_mappings()
    {
        var d = new[]
        {
            new DecodePoint(ParallelConfig.TensorParallel(1), 32, 25, 1200),
            new DecodePoint(ParallelConfig.TensorParallel(2), 128, 29, 2600),
            new DecodePoint(ParallelConfig.TensorParallel(2), 256, 41, 3100),
        };
        var c = Recommender.ChooseDecode(d, 30);
        Assert.Equal(128, c.Point.Requests);
    }

    [Fact]
    public void An_empty_sweep_is_an_error()
    {
        Assert.Throws<ArgumentException>(() => Recommender.ChoosePrefill([], 100));
    }
}
