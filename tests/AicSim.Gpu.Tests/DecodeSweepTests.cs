using AicSim.Core.Engine;
using AicSim.Core.Estimation;
using AicSim.Core.Ops;
using AicSim.Core.Specs;
using AicSim.Core.Tests;
using AicSim.Tests;
using AicSim.Gpu;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace AicSim.Gpu.Tests;

/// <summary>
/// The kernel on ILGPU's CPU accelerator (an emulator: small N only) against the plain C# loop over the same static math.
/// The oracle is the CPU loop, which Core's tests check against hand calculations.
/// </summary>
public sealed class DecodeSweepTests
{
    private static readonly HardwareParams H200 = HardwareParams.From(Fixtures.H200);

    private static OpTable[] Tables() =>
    [
        OpTableCompiler.Compile(Fixtures.Llama31_8B, ParallelConfig.TensorParallel(2), QuantConfig.Bf16, Fixtures.H200),
        OpTableCompiler.Compile(Fixtures.Qwen3_30B_A3B, ParallelConfig.TensorExpertParallel(4), QuantConfig.Bf16, Fixtures.H200),
        OpTableCompiler.Compile(Fixtures.DeepSeekV3, ParallelConfig.DataExpertParallel(8), Fixtures.DeepSeekV3.DefaultQuant, Fixtures.H200),
    ];

    private static SweepPoint[] Points()
    {
        var points = new List<SweepPoint>();
        for (int mapping = 0; mapping < 3; mapping++)
        {
            foreach (double batch in new[] { 1.0, 7, 64, 300 })
            {
                foreach (double context in new[] { 100.0, 2048, 30000 })
                {
                    points.Add(new SweepPoint { Mapping = mapping, Batch = batch, Context = context });
                }
            }
        }

        return [.. points];
    }

    [Fact]
    public void The_kernel_matches_the_cpu_loop_on_the_cpu_accelerator()
    {
        var tables = Tables();
        var points = Points();
        using var context = SweepContext.Create();
        using var accelerator = context.CreateCPUAccelerator(0);
        using var sweep = new DecodeSweep(accelerator, tables, H200, EfficiencyParams.Default);

        double[] gpu = sweep.Evaluate(points);
        var cpu = new double[points.Length];
        DecodeSweepKernel.RunOnCpu(sweep.Ops, sweep.Ranges, points, cpu, H200, EfficiencyParams.Default);

        for (int i = 0; i < points.Length; i++)
        {
            Assert.True(cpu[i] > 0);
            Assert.Equal(cpu[i], gpu[i], 12);
        }
    }

    [Fact]
    public void The_cpu_loop_equals_the_engines_step_latency()
    {
        // The sweep must not drift from the path estimate uses: same ops, same math, per point.
        var tables = Tables();
        var (ops, ranges) = DecodeSweep.Flatten(tables);
        var points = Points();
        var seconds = new double[points.Length];
        DecodeSweepKernel.RunOnCpu(ops, ranges, points, seconds, H200, EfficiencyParams.Default);
        for (int i = 0; i < points.Length; i++)
        {
            var table = tables[points[i].Mapping];
            double expected = StepLatency.RooflineSeconds(table.Ops, StepShape.Decode(points[i].Batch, points[i].Context), H200, EfficiencyParams.Default);
            Assert.Equal(expected, seconds[i]);
        }
    }

    [Fact]
    public void The_kernel_compiles_to_ptx_for_hopper_without_a_gpu()
    {
        // The CPU emulator runs any .NET math; the PTX backend does not (Math.Exp needs ILGPU.Algorithms). Compiling
        // for sm_90 here catches that on machines without a GPU. Oracle: ILGPU's own PTX compiler.
        using var context = SweepContext.Create();
        using var backend = new PTXBackend(context, new CudaCapabilityContext(CudaArchitecture.SM_90), CudaArchitecture.SM_90, CudaInstructionSet.ISA_80, nvvmAPI: null);
        foreach (string name in new[] { nameof(DecodeSweepKernel.Run), nameof(DecodeSweepKernel.LargestBatchWithin) })
        {
            var entry = EntryPointDescription.FromImplicitlyGroupedKernel(typeof(DecodeSweepKernel).GetMethod(name)!);
            var kernel = backend.Compile(entry, default);
            string ptx = ((PTXCompiledKernel)kernel).PTXAssembly;
            Assert.Contains(".target sm_", ptx, StringComparison.Ordinal);
            Assert.Contains(".entry", ptx, StringComparison.Ordinal);
        }
    }

    private static readonly double[] Batches = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];
    private static readonly double[] Contexts = [128, 1024, 8192, 65536];

    [Fact]
    public void The_largest_batch_kernel_matches_the_cpu_loop_on_the_cpu_accelerator()
    {
        var tables = Tables();
        using var context = SweepContext.Create();
        using var accelerator = context.CreateCPUAccelerator(0);
        using var sweep = new DecodeSweep(accelerator, tables, H200, EfficiencyParams.Default);
        foreach (double target in new[] { 0.002, 0.02, 0.2 })
        {
            int[] gpu = sweep.LargestBatchWithin(Batches, Contexts, target);
            int[] cpu = DecodeSweepKernel.LargestBatchWithinOnCpu(sweep.Ops, sweep.Ranges, Batches, Contexts, target, H200, EfficiencyParams.Default);
            Assert.Equal(cpu, gpu);
        }
    }

    [Theory]
    [InlineData(0.005)]
    [InlineData(0.02)]
    public void The_largest_batch_is_the_last_whose_step_fits(double target)
    {
        // Oracle: the step latency itself (StepLatency, which Core ties to the estimate), batch by batch.
        var tables = Tables();
        var (ops, ranges) = DecodeSweep.Flatten(tables);
        int[] largest = DecodeSweepKernel.LargestBatchWithinOnCpu(ops, ranges, Batches, Contexts, target, H200, EfficiencyParams.Default);
        Assert.Equal(tables.Length * Contexts.Length, largest.Length);
        for (int row = 0; row < largest.Length; row++)
        {
            var table = tables[row / Contexts.Length];
            double Step(int b) => StepLatency.RooflineSeconds(table.Ops, StepShape.Decode(Batches[b], Contexts[row % Contexts.Length]), H200, EfficiencyParams.Default);
            for (int b = 0; b < Batches.Length; b++)
            {
                Assert.Equal(b <= largest[row], Step(b) <= target);
            }
        }

        // Not a degenerate grid: a 5 ms step leaves rows with no batch at all, a 20 ms one rows with every batch, and
        // both rows in between.
        Assert.Contains(target < 0.01 ? -1 : Batches.Length - 1, largest);
        Assert.Contains(largest, b => b is > 0 and < 9);
    }

    [Fact]
    public void The_all_cores_path_reassembles_its_chunks_into_the_single_loops_answer()
    {
        // Oracle: the single-threaded loop. 37 contexts split into chunks of uneven size, so rows cross chunk edges.
        var (ops, ranges) = DecodeSweep.Flatten(Tables());
        double[] contexts = [.. Enumerable.Range(0, 37).Select(i => 100.0 + (i * 1700))];
        int[] one = DecodeSweepKernel.LargestBatchWithinOnCpu(ops, ranges, Batches, contexts, 0.02, H200, EfficiencyParams.Default);
        int[] all = DecodeSweepKernel.LargestBatchWithinOnAllCores(ops, ranges, Batches, contexts, 0.02, H200, EfficiencyParams.Default);
        Assert.Equal(one, all);
        Assert.Contains(one, b => b is > 0 and < 9);
    }

    [Fact]
    public void Batches_out_of_order_are_refused()
    {
        using var context = SweepContext.Create();
        using var accelerator = context.CreateCPUAccelerator(0);
        using var sweep = new DecodeSweep(accelerator, Tables(), H200, EfficiencyParams.Default);
        Assert.Throws<ArgumentOutOfRangeException>(() => sweep.LargestBatchWithin([4, 2], Contexts, 0.01));
    }

    private static EngineModel[] Engines(EfficiencyParams eff)
    {
        var roofline = new RooflineEstimator(H200, eff);
        return
        [
            EngineModel.Create(new EngineConfig(Fixtures.Llama31_8B, Fixtures.H200, ParallelConfig.TensorParallel(2), QuantConfig.Bf16, BackendProfile.For(Backend.Sglang)), roofline),
            EngineModel.Create(new EngineConfig(Fixtures.DeepSeekV3, Fixtures.H200, ParallelConfig.DataExpertParallel(8), Fixtures.DeepSeekV3.DefaultQuant, BackendProfile.For(Backend.TrtLlm)), roofline),
        ];
    }

    [Fact]
    public void An_engine_sweep_prices_the_engines_own_decode_step()
    {
        // Oracle: EngineModel.StepMs, the step estimate and profile use (kernels at the engine's efficiencies, plus the
        // framework's per-layer overhead, at least the host's per-sequence work). SGLang's 50 µs per sequence binds for
        // Llama-3.1-8B at 300 sequences, so both branches of the step are checked; non-default efficiencies stand in for
        // calibrated ones.
        var eff = EfficiencyParams.Default;
        eff.MemoryEfficiency = 0.71;
        eff.GemmEfficiency = 0.77;
        var engines = Engines(eff);
        var points = Points().Where(p => p.Mapping < engines.Length).ToArray();
        using var context = SweepContext.Create();
        using var accelerator = context.CreateCPUAccelerator(0);
        using var sweep = DecodeSweep.ForEngines(accelerator, engines);
        double[] onDevice = sweep.Evaluate(points);
        var onCpu = new double[points.Length];
        DecodeSweepKernel.RunOnCpu(sweep.Ops, sweep.Ranges, points, onCpu, sweep.Hardware, sweep.Efficiency);
        bool hostBound = false;
        for (int i = 0; i < points.Length; i++)
        {
            var engine = engines[points[i].Mapping];
            var shape = StepShape.Decode(points[i].Batch, points[i].Context);
            double expected = engine.StepMs(shape) / 1000.0;
            Assert.Equal(onCpu[i], onDevice[i], 12);
            Approx.AssertClose(expected, onCpu[i], 1e-12);
            hostBound |= engine.Config.Backend.HostUsPerSequence * points[i].Batch / 1e6 > (StepLatency.Seconds(engine.Ops.Ops, shape, engine.Estimator) + (engine.FrameworkStepMs / 1000.0));
        }

        Assert.True(hostBound, "no point reached the host-bound branch");
    }

    [Fact]
    public void An_engine_sweep_refuses_engines_it_cannot_price_on_the_device()
    {
        var engines = Engines(EfficiencyParams.Default);
        var other = EfficiencyParams.Default;
        other.MemoryEfficiency = 0.5;
        var mixed = new[] { engines[0], engines[1].With(new RooflineEstimator(H200, other), engines[1].Config.Backend) };
        using var context = SweepContext.Create();
        using var accelerator = context.CreateCPUAccelerator(0);
        var e = Assert.Throws<ArgumentException>(() => DecodeSweep.ForEngines(accelerator, mixed));
        Assert.Contains("one set of efficiencies", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_engine_sweep_refuses_speculative_engines_it_would_price_as_plain()
    {
        var engines = Engines(EfficiencyParams.Default);
        var mtp = engines[1].Config.Backend with { Speculative = new SpeculativeDecoding(1, 0.85) };
        var speculative = new[] { engines[0], engines[1].With(engines[1].Estimator, mtp) };
        var e = Assert.Throws<ArgumentException>(() => DecodeSweep.FlattenEngines(speculative));
        Assert.Contains("decodes speculatively", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Points_naming_a_missing_mapping_are_refused()
    {
        using var context = SweepContext.Create();
        using var accelerator = context.CreateCPUAccelerator(0);
        using var sweep = new DecodeSweep(accelerator, Tables(), H200, EfficiencyParams.Default);
        Assert.Throws<ArgumentOutOfRangeException>(() => sweep.Evaluate([new SweepPoint { Mapping = 3, Batch = 1, Context = 1 }]));
    }
}
