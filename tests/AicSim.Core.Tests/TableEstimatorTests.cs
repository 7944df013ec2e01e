using AicSim.Core.Engine;
using AicSim.Core.Estimation;
using AicSim.Core.Ops;
using AicSim.Core.Specs;
using AicSim.Core.Tables;
using AicSim.Tests;

namespace AicSim.Core.Tests;

public sealed class MeasuredCurveTests
{
    private static readonly MeasuredCurve Curve = new([(100, 1.0), (200, 3.0), (400, 4.0)]);

    [Theory]
    [InlineData(100, 1.0)]
    [InlineData(200, 3.0)]
    [InlineData(150, 2.0)]
    [InlineData(300, 3.5)]
    public void Linear_between_points_and_exact_on_them(double x, double expected)
    {
        Assert.Equal(expected, Curve.Interpolate(x)!.Value, 12);
    }

    [Fact]
    public void Sqrt_interpolation_along_the_sequence()
    {
        // Hand calculation: halfway between √1 = 1 and √3 = 1.732 is 1.366; squared 1.866.
        double expected = Math.Pow((1 + Math.Sqrt(3)) / 2, 2);
        Assert.Equal(expected, Curve.Interpolate(150, sqrt: true)!.Value, 12);
    }

    [Fact]
    public void Outside_the_data_there_is_no_latency_only_an_edge()
    {
        Assert.Null(Curve.Interpolate(50));
        Assert.Null(Curve.Interpolate(401));
        Assert.Equal((100.0, 1.0), Curve.Edge(50));
        Assert.Equal((400.0, 4.0), Curve.Edge(1000));
    }
}

public sealed class TableEstimatorTests
{
    private static readonly HardwareParams Hw = HardwareParams.From(Fixtures.H200);
    private static readonly EfficiencyParams Eff = EfficiencyParams.Default;

    private static Op Gemm(double n, double k) => new()
    {
        Kind = OpKind.Gemm, Scope = TokenScope.AllTokens, Compute = ComputeType.Bf16, Count = 1, N = n, K = k,
        WeightBytesPerElement = 2, ActivationBytesPerElement = 2, Quant = QuantMode.Bf16,
    };

    private static KernelTables GemmGrid()
    {
        // A hand-made grid: (n, k) ∈ {1024, 2048}², latency over m ∈ {1, 16, 256}, proportional to n·k so bilinear is exact.
        var t = new KernelTables();
        foreach (long n in new[] { 1024L, 2048 })
        {
            foreach (long k in new[] { 1024L, 2048 })
            {
                double s = n * k / (1024.0 * 1024.0);
                t.Gemm[("bfloat16", n, k)] = new MeasuredCurve([(1, 0.010 * s), (16, 0.012 * s), (256, 0.040 * s)]);
            }
        }

        return t;
    }

    [Fact]
    public void An_exact_hit_returns_the_measurement()
    {
        var e = new TableEstimator(GemmGrid(), Hw, Eff);
        var (seconds, source) = e.Estimate(Gemm(2048, 1024), StepShape.Decode(16, 100));
        Assert.Equal(0.024e-3, seconds, 15);
        Assert.Equal(OpSource.Table, source);
    }

    [Fact]
    public void Between_m_points_it_interpolates_linearly()
    {
        // m = 136 is halfway from 16 to 256: (0.012 + 0.040) / 2 = 0.026 ms.
        var e = new TableEstimator(GemmGrid(), Hw, Eff);
        Assert.Equal(0.026e-3, e.Estimate(Gemm(1024, 1024), StepShape.Decode(136, 100)).Seconds, 15);
    }

    [Fact]
    public void Off_the_shape_grid_it_interpolates_bilinearly_in_n_and_k()
    {
        // n = 1536, k = 1024 at m = 1: halfway between 0.010 and 0.020 ms.
        var e = new TableEstimator(GemmGrid(), Hw, Eff);
        Assert.Equal(0.015e-3, e.Estimate(Gemm(1536, 1024), StepShape.Decode(1, 100)).Seconds, 15);
    }

    [Fact]
    public void Beyond_the_data_it_holds_the_edge_utilisation()
    {
        // m = 4096 > 256: latency = roofline(4096) × measured(256) / roofline(256), not a linear extrapolation.
        var e = new TableEstimator(GemmGrid(), Hw, Eff);
        var op = Gemm(1024, 1024);
        double roof4096 = Roofline.GemmSeconds(op, 4096, Hw, Eff);
        double roof256 = Roofline.GemmSeconds(op, 256, Hw, Eff);
        var (seconds, source) = e.Estimate(op, StepShape.Prefill(1, 4096));
        Approx.AssertClose(roof4096 * 0.040e-3 / roof256, seconds, 1e-12);
        Assert.Equal(OpSource.TableEdge, source);
    }

    [Fact]
    public void A_shape_with_no_nearby_data_falls_back_to_the_roofline()
    {
        var e = new TableEstimator(GemmGrid(), Hw, Eff);
        var op = Gemm(8192, 8192);
        var (seconds, source) = e.Estimate(op, StepShape.Decode(16, 100));
        Assert.Equal(OpSource.Roofline, source);
        Assert.Equal(Roofline.OpSeconds(op, StepShape.Decode(16, 100), Hw, Eff), seconds);
        op.Quant = QuantMode.Fp8;
        Assert.Equal(OpSource.Roofline, e.Estimate(Gemm(1024, 1024) with { Quant = QuantMode.Fp8 }, StepShape.Decode(16, 100)).Source);
    }

    [Fact]
    public void Context_attention_interpolates_sqrt_in_sequence_and_linear_in_batch()
    {
        var t = new KernelTables();
        t.ContextAttention[(32, 8, 128, "bfloat16", 0, 1)] = new MeasuredCurve([(1024, 1.0), (4096, 9.0)]);
        t.ContextAttention[(32, 8, 128, "bfloat16", 0, 3)] = new MeasuredCurve([(1024, 3.0), (4096, 27.0)]);
        var e = new TableEstimator(t, Hw, Eff);
        var op = new Op { Kind = OpKind.ContextAttention, Scope = TokenScope.PrefillTokens, Count = 2, Heads = 32, KvHeads = 8, QkDim = 128, VDim = 128, KvElementsPerToken = 2048, KvBytesPerElement = 2, Quant = QuantMode.Bf16 };

        // isl 2560 is halfway: √ interpolation gives ((1 + 3) / 2)² = 4 at batch 1 and ((√3 + √27) / 2)² = 12 at batch 3; batch 2 → 8 ms; ×2 layers.
        var (seconds, source) = e.Estimate(op, StepShape.Prefill(2, 2560));
        Assert.Equal(16e-3, seconds, 12);
        Assert.Equal(OpSource.Table, source);
    }

    [Fact]
    public void A_verifying_steps_attention_scales_the_one_query_table_by_the_roofline()
    {
        // The tables time one query a sequence. At 2 queries the measured 0.2 ms is scaled by what the roofline says a
        // second query adds: MLA with 128 heads and an FP8 cache at 64 × 8192 is compute-bound on H200 (2·64·128·8192·1088
        // flops at half the 1979 TFLOP/s FP8 peak, 147 µs, over a 302 MB read at 0.8 × 4.8 TB/s, 79 µs), so about 2×.
        var t = new KernelTables();
        t.MlaGeneration[(128, "fp8", 64)] = new MeasuredCurve([(4096, 0.1), (16384, 0.4)]);
        var e = new TableEstimator(t, Hw, Eff);
        var op = new Op { Kind = OpKind.GenerationAttention, Role = OpRole.MlaAttention, Scope = TokenScope.Sequences, Count = 1, Heads = 128, QkDim = 576, VDim = 512, KvElementsPerToken = 576, KvBytesPerElement = 1, Quant = QuantMode.Fp8 };
        var one = StepShape.Decode(64, 8192);
        var two = one with { DecodeQueriesPerSequence = 2 };
        Assert.Equal(0.2e-3, e.Estimate(op, one).Seconds, 12);
        var (seconds, source) = e.Estimate(op, two);
        Approx.AssertClose(0.2e-3 * Roofline.OpSeconds(op, two, Hw, Eff) / Roofline.OpSeconds(op, one, Hw, Eff), seconds, 1e-12);
        Assert.InRange(seconds / 0.2e-3, 1.9, 2.0);
        Assert.Equal(OpSource.Table, source);
    }

    [Fact]
    public void The_engine_reports_which_ops_used_tables()
    {
        // Oracle: the qkv projection of Llama-3.1-8B TP1 is (6144 × 4096); a table with only that shape prices 1 op from the table.
        var t = new KernelTables();
        t.Gemm[("bfloat16", 6144, 4096)] = new MeasuredCurve([(1, 0.02), (1024, 0.2)]);
        var engine = EngineModel.Create(new EngineConfig(Fixtures.Llama31_8B, Fixtures.H200, ParallelConfig.TensorParallel(1), QuantConfig.Bf16, Fixtures.TrtLlm), new TableEstimator(t, Hw, Eff));
        var sources = engine.Sources(StepShape.Decode(8, 1000));
        Assert.Equal(1, sources[OpSource.Table]);
        Assert.True(sources[OpSource.Roofline] > 5);
    }
}
