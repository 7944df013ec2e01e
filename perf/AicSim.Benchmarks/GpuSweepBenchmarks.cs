using AicSim.Core.Estimation;
using AicSim.Core.Ops;
using AicSim.Core.Specs;
using AicSim.Data.Models;
using AicSim.Data.Systems;
using AicSim.Gpu;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.NoEmit;
using ILGPU;
using ILGPU.Runtime;

namespace AicSim.Benchmarks;

/// <summary>
/// Decode-step sweeps of millions of (mapping, batch, context) points: the ILGPU kernel on a CUDA GPU, end to end
/// (upload, kernel, download), against the same math on every CPU core. Needs a CUDA GPU. It runs in-process, so a
/// self-contained build runs it on a GPU host without the .NET SDK:
/// AicSim.Benchmarks --filter '*GpuSweep*'
/// </summary>
[Config(typeof(InProcessShortRun))]
public class GpuSweepBenchmarks
{
    private Context _context = null!;
    private Accelerator _accelerator = null!;
    private DecodeSweep _sweep = null!;
    private SweepPoint[] _points = null!;
    private double[] _cpu = null!;

    [Params(1 << 20, 1 << 24)]
    public int Points { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _context = SweepContext.Create();
        _accelerator = SweepContext.CreateCudaAccelerator(_context)
            ?? throw new InvalidOperationException("GpuSweepBenchmarks needs a CUDA GPU; on a host without one run the other suites.");
        _sweep = GpuSweepFixture.Sweep(_accelerator);
        _points = GpuSweepFixture.Grid(Points);
        _cpu = new double[Points];
        _sweep.Evaluate(_points); // the first call pays the upload of the op tables' first use; the JIT ran in the constructor
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sweep.Dispose();
        _accelerator.Dispose();
        _context.Dispose();
    }

    /// <summary>What a caller gets: points up, one kernel launch, every step latency back.</summary>
    [Benchmark]
    public double Cuda_kernel_with_transfers() => _sweep.Evaluate(_points)[^1];

    /// <summary>The same static math in plain loops, one chunk per core.</summary>
    [Benchmark(Baseline = true)]
    public double Cpu_loop_all_cores()
    {
        GpuSweepFixture.RunOnAllCores(_sweep, _points, _cpu);
        return _cpu[^1];
    }

    private sealed class InProcessShortRun : ManualConfig
    {
        public InProcessShortRun() => AddJob(Job.ShortRun.WithToolchain(InProcessNoEmitToolchain.Instance));
    }
}

/// <summary>Three H200 mappings (dense TP, MoE TEP, MLA+MoE DEP) and a log-spaced grid of decode points over them.</summary>
internal static class GpuSweepFixture
{
    public static DecodeSweep Sweep(Accelerator accelerator)
    {
        var models = ModelCatalog.Load();
        var system = SystemCatalog.Load().Get("h200_sxm");
        OpTable Compile(string id, ParallelConfig parallel)
        {
            var model = models.Resolve(id);
            return OpTableCompiler.Compile(model, parallel, model.DefaultQuant, system);
        }

        OpTable[] tables =
        [
            Compile("Qwen/Qwen3-32B", ParallelConfig.TensorParallel(2)),
            Compile("Qwen/Qwen3-235B-A22B", ParallelConfig.TensorExpertParallel(8)),
            Compile("deepseek-ai/DeepSeek-V3", ParallelConfig.DataExpertParallel(8)),
        ];
        return new DecodeSweep(accelerator, tables, HardwareParams.From(system), EfficiencyParams.Default);
    }

    /// <summary>count points: mapping fastest, then batch 1…1024, then context 64…131072 (both log-spaced).</summary>
    public static SweepPoint[] Grid(int count)
    {
        var points = new SweepPoint[count];
        int perMapping = Math.Max(1, count / 3);
        int side = Math.Max(2, (int)Math.Ceiling(Math.Sqrt(perMapping)));
        for (int i = 0; i < count; i++)
        {
            int j = i / 3;
            double b = (j % side) / (double)(side - 1);
            double c = (j / side % side) / (double)(side - 1);
            points[i] = new SweepPoint { Mapping = i % 3, Batch = Math.Round(Math.Pow(1024, b)), Context = Math.Round(64 * Math.Pow(2048, c)) };
        }

        return points;
    }

    public static void RunOnAllCores(DecodeSweep sweep, SweepPoint[] points, double[] seconds)
    {
        int chunks = Environment.ProcessorCount * 4;
        int size = (points.Length + chunks - 1) / chunks;
        var hw = sweep.Hardware;
        var eff = sweep.Efficiency;
        Parallel.For(0, chunks, c =>
        {
            int start = Math.Min(points.Length, c * size);
            int length = Math.Min(size, points.Length - start);
            DecodeSweepKernel.RunOnCpu(sweep.Ops, sweep.Ranges, points.AsSpan(start, length), seconds.AsSpan(start, length), hw, eff);
        });
    }
}
