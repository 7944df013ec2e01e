using AicSim.Core.Engine;
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
    private double[] _batches = null!;
    private double[] _contexts = null!;

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
        (_batches, _contexts) = GpuSweepFixture.Axes(Points);
        _sweep.Evaluate(_points); // the first calls pay the first use of the uploaded op tables; the JIT ran in the constructor
        _sweep.LargestBatchWithin(_batches, _contexts, GpuSweepFixture.ItlSeconds);
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

    /// <summary>The capacity question (largest batch per mapping and context within an ITL), reduced on the GPU.</summary>
    [Benchmark]
    public int Cuda_largest_batch_within_itl() => _sweep.LargestBatchWithin(_batches, _contexts, GpuSweepFixture.ItlSeconds)[^1];

    /// <summary>The same question on every CPU core.</summary>
    [Benchmark]
    public int Cpu_largest_batch_within_itl_all_cores() => GpuSweepFixture.LargestBatchOnAllCores(_sweep, _batches, _contexts)[^1];

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
        var roofline = new RooflineEstimator(HardwareParams.From(system), EfficiencyParams.Default);
        EngineModel Engine(string id, ParallelConfig parallel)
        {
            var model = models.Resolve(id);
            return EngineModel.Create(new EngineConfig(model, system, parallel, model.DefaultQuant, BackendProfile.For(Backend.TrtLlm)), roofline);
        }

        // The engines' own decode step (kernels, the framework's per-layer overhead, the host's floor), as estimate prices it.
        return DecodeSweep.ForEngines(accelerator,
        [
            Engine("Qwen/Qwen3-32B", ParallelConfig.TensorParallel(2)),
            Engine("Qwen/Qwen3-235B-A22B", ParallelConfig.TensorExpertParallel(8)),
            Engine("deepseek-ai/DeepSeek-V3", ParallelConfig.DataExpertParallel(8)),
        ]);
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

    /// <summary>ITL target of the capacity benchmark and check: 30 ms, a common interactive SLA.</summary>
    public const double ItlSeconds = 0.030;

    /// <summary>Axes of a mapping × context × batch grid of about count points: batches 1…1024, contexts log-spaced 64…131072.</summary>
    public static (double[] Batches, double[] Contexts) Axes(int count)
    {
        var batches = Enumerable.Range(1, 1024).Select(b => (double)b).ToArray();
        int n = Math.Max(2, count / (3 * batches.Length));
        var contexts = Enumerable.Range(0, n).Select(i => Math.Round(64 * Math.Pow(2048, i / (double)(n - 1)))).ToArray();
        return (batches, contexts);
    }

    /// <summary>The library's CPU path of the same question, on every core.</summary>
    public static int[] LargestBatchOnAllCores(DecodeSweep sweep, double[] batches, double[] contexts) =>
        DecodeSweepKernel.LargestBatchWithinOnAllCores(sweep.Ops, sweep.Ranges, batches, contexts, ItlSeconds, sweep.Hardware, sweep.Efficiency);

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
