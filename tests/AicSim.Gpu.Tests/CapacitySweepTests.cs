using AicSim.Core.Engine;
using AicSim.Core.Errors;
using AicSim.Core.Estimation;
using AicSim.Core.Specs;
using AicSim.Core.Tests;
using AicSim.Gpu;
using AicSim.Tests;

namespace AicSim.Gpu.Tests;

/// <summary>The capacity sweep's answers against the engine itself (EngineModel.DecodeItlMs and its KV cache), the path estimate and profile use.</summary>
public sealed class CapacitySweepTests
{
    private static readonly HardwareParams H200 = HardwareParams.From(Fixtures.H200);

    [Fact]
    public void Each_answer_is_the_most_requests_whose_itl_meets_the_target_unless_the_kv_cache_or_batch_limit_stops_first()
    {
        var roofline = new RooflineEstimator(H200, EfficiencyParams.Default);
        var engines = new[]
        {
            EngineModel.Create(new EngineConfig(Fixtures.Llama31_8B, Fixtures.H200, ParallelConfig.TensorParallel(1), QuantConfig.Bf16, BackendProfile.For(Backend.Vllm)), roofline),
            EngineModel.Create(new EngineConfig(Fixtures.DeepSeekV3, Fixtures.H200, ParallelConfig.DataExpertParallel(8), Fixtures.DeepSeekV3.DefaultQuant, BackendProfile.For(Backend.Vllm)), roofline),
        };
        double[] contexts = [1024, 16384, 131072];
        const double itl = 60;
        var result = CapacitySweep.Run(engines, contexts, itl, SweepDevice.Cpu);
        Assert.Equal(engines.Length * contexts.Length, result.Points.Count);
        Assert.Equal((long)engines.Length * contexts.Length * 1024, result.GridPoints);
        var seen = new HashSet<CapacityLimit>();
        foreach (var p in result.Points)
        {
            var engine = engines.Single(e => e.Config.Parallel == p.Mapping);
            int dp = engine.AttentionDp;
            long kv = engine.Memory.RequestsHeld(p.Context) / dp * dp;
            seen.Add(p.LimitedBy);
            switch (p.LimitedBy)
            {
                case CapacityLimit.Unreachable:
                    Assert.True(engine.DecodeItlMs(dp, p.Context) > itl);
                    break;
                case CapacityLimit.KvCache:
                    Assert.Equal(kv, p.MaxConcurrency);
                    Assert.True(p.MaxConcurrency == 0 || engine.DecodeItlMs(p.MaxConcurrency, p.Context) <= itl * (1 + 1e-9));
                    break;
                case CapacityLimit.Itl:
                    Assert.True(engine.DecodeItlMs(p.MaxConcurrency, p.Context) <= itl * (1 + 1e-9), $"{p}");
                    Assert.True(engine.DecodeItlMs(p.MaxConcurrency + dp, p.Context) > itl * (1 - 1e-9), $"{p}");
                    Assert.True(p.MaxConcurrency <= kv);
                    break;
                default:
                    Assert.Equal(1024L * dp, p.MaxConcurrency);
                    break;
            }

            if (p.MaxConcurrency > 0)
            {
                // Tokens per second per GPU: every request yields a token per ITL (hand arithmetic on the engine's own ITL).
                Approx.AssertClose(p.MaxConcurrency * 1000.0 / engine.DecodeItlMs(p.MaxConcurrency, p.Context) / engine.Config.Gpus, p.TokensPerSecPerGpu, 1e-12);
            }
        }

        // Not a degenerate case: the ITL binds somewhere and the KV cache somewhere else (Llama-3.1-8B on one GPU at 128 K).
        Assert.Contains(CapacityLimit.Itl, seen);
        Assert.Contains(CapacityLimit.KvCache, seen);
        Assert.StartsWith("CPU", result.Device, StringComparison.Ordinal);
    }

    [Theory]
    // Hand arithmetic on the measured break-even (2 million steps per core): the default run (4 engines × 4 contexts ×
    // 2048 batch sizes = 32,768 steps) stays on the CPU even with one core; 64 contexts × 12 engines × 1024 on 16
    // cores (786,432) too; 50 million steps on 16 cores (32 million) go to the GPU, and on 32 cores (64 million) do not.
    [InlineData(32_768L, 1, false)]
    [InlineData(786_432L, 16, false)]
    [InlineData(50_000_000L, 16, true)]
    [InlineData(50_000_000L, 32, false)]
    [InlineData(4_000_000L, 2, true)]
    public void Auto_starts_the_gpu_only_for_grids_that_repay_its_start(long steps, int cores, bool gpu) =>
        Assert.Equal(gpu, CapacitySweep.GpuRepays(steps, cores));

    [Fact]
    public void Auto_prices_a_small_grid_on_the_cpu_even_where_a_gpu_could_run_it()
    {
        // Any host: 2 engines × 1 context × 1024 batch sizes is far below the break-even, so auto never starts a GPU.
        var roofline = new RooflineEstimator(H200, EfficiencyParams.Default);
        var engine = EngineModel.Create(new EngineConfig(Fixtures.Llama31_8B, Fixtures.H200, ParallelConfig.TensorParallel(1), QuantConfig.Bf16, BackendProfile.For(Backend.Vllm)), roofline);
        var result = CapacitySweep.Run([engine], [4096], 30, SweepDevice.Auto);
        Assert.StartsWith("CPU", result.Device, StringComparison.Ordinal);
    }

    [Fact]
    public void Speculative_engines_are_answered_with_their_own_time_per_token()
    {
        // Oracle: EngineModel.DecodeItlMs of the MTP engine (its draft-and-verify step over the tokens it keeps, held to
        // hand calculations in SpeculativeDecodingTests): within the target, and one more request per rank past it.
        var roofline = new RooflineEstimator(H200, EfficiencyParams.Default);
        var backend = BackendProfile.For(Backend.Vllm) with { Speculative = new SpeculativeDecoding(1, 0.85) };
        var engine = EngineModel.Create(new EngineConfig(Fixtures.DeepSeekV3, Fixtures.H200, ParallelConfig.DataExpertParallel(8), Fixtures.DeepSeekV3.DefaultQuant, backend), roofline);
        const double itl = 25;
        var result = CapacitySweep.Run([engine], [1024, 8192], itl, SweepDevice.Auto);
        Assert.Contains("MTP", result.Device, StringComparison.Ordinal);
        Assert.Contains(result.Points, p => p.LimitedBy == CapacityLimit.Itl);
        foreach (var p in result.Points.Where(p => p.LimitedBy == CapacityLimit.Itl))
        {
            Assert.True(engine.DecodeItlMs(p.MaxConcurrency, p.Context) <= itl * (1 + 1e-9), $"{p}");
            Assert.True(engine.DecodeItlMs(p.MaxConcurrency + 8, p.Context) > itl * (1 - 1e-9), $"{p}");
        }

        var e = Assert.Throws<AicSimException>(() => CapacitySweep.Run([engine], [1024], itl, SweepDevice.Gpu));
        Assert.Contains("decode with MTP", e.Message, StringComparison.Ordinal);
    }
}
