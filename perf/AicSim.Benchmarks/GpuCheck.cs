using AicSim.Core.Engine;
using AicSim.Core.Estimation;
using AicSim.Core.Ops;
using AicSim.Core.Profiling;
using AicSim.Data.Models;
using AicSim.Data.Profiles;
using AicSim.Data.Systems;
using AicSim.Gpu;

namespace AicSim.Benchmarks;

/// <summary>
/// `gpu-check [POINTS]`: runs the decode sweep kernel on the CUDA GPU and checks every point against the CPU loop
/// (the oracle that Core's tests tie to the estimate). Exit 0 when they agree to 1e-12 relative, 1 otherwise or
/// without a GPU. The unit tests can only run the kernel on ILGPU's CPU emulator; this is the check on real hardware.
/// </summary>
public static class GpuCheck
{
    public const double Tolerance = 1e-12;

    public static int Run(int count)
    {
        using var context = SweepContext.Create();
        using var accelerator = SweepContext.CreateCudaAccelerator(context);
        if (accelerator is null)
        {
            Console.Error.WriteLine("gpu-check: no CUDA GPU found; run it on a GPU host.");
            return 1;
        }

        Console.WriteLine($"accelerator: {accelerator.Name} ({accelerator.AcceleratorType}), {accelerator.MemorySize / (1L << 30)} GiB");
        using var sweep = GpuSweepFixture.Sweep(accelerator);
        var points = GpuSweepFixture.Grid(count);
        double[] gpu = sweep.Evaluate(points);
        var cpu = new double[count];
        GpuSweepFixture.RunOnAllCores(sweep, points, cpu);

        int identical = 0;
        double worst = 0;
        int worstAt = 0;
        for (int i = 0; i < count; i++)
        {
            identical += gpu[i] == cpu[i] ? 1 : 0;
            double rel = Math.Abs(gpu[i] - cpu[i]) / cpu[i];
            if (!(rel <= worst))
            {
                worst = rel;
                worstAt = i;
            }
        }

        var p = points[worstAt];
        Console.WriteLine($"points: {count}; bit-identical: {identical} ({100.0 * identical / count:F2}%); largest relative difference {worst:E2} " +
                          $"(mapping {p.Mapping}, batch {p.Batch}, context {p.Context}: GPU {gpu[worstAt]:R} s, CPU {cpu[worstAt]:R} s)");

        // The reduction: largest batch within the ITL per (mapping, context), which could differ only where a step sits
        // within rounding of the target.
        var (batches, contexts) = GpuSweepFixture.Axes(count);
        int[] onGpu = sweep.LargestBatchWithin(batches, contexts, GpuSweepFixture.ItlSeconds);
        int[] onCpu = GpuSweepFixture.LargestBatchOnAllCores(sweep, batches, contexts);
        int differ = onGpu.Where((b, i) => b != onCpu[i]).Count();
        Console.WriteLine($"largest batch within {GpuSweepFixture.ItlSeconds * 1000} ms: {onGpu.Length} (mapping, context) rows over " +
                          $"{(long)onGpu.Length * batches.Length} points; {differ} differ from the CPU loop; rows with no batch: {onGpu.Count(b => b < 0)}");
        bool ok = worst <= Tolerance && differ == 0;
        foreach (var (model, backend, system) in CapacityCases)
        {
            ok &= CheckEngines(accelerator, model, backend, system);
        }

        Console.WriteLine(ok ? $"gpu-check: OK (within {Tolerance:E0})" : $"gpu-check: FAILED (above {Tolerance:E0})");
        return ok ? 0 : 1;
    }

    /// <summary>
    /// The capacity command's engines (profile's candidates, calibrated constants): dense, MoE, MLA + MoE with DEP, and
    /// an SGLang engine whose host floor binds at large batches.
    /// </summary>
    private static readonly (string Model, string Backend, string System)[] CapacityCases =
    [
        ("Qwen/Qwen3-32B", "trtllm", "h200_sxm"),
        ("deepseek-ai/DeepSeek-V3", "sglang", "h200_sxm"),
        ("meta-llama/Llama-3.1-8B-Instruct", "sglang", "h100_sxm"),
        ("openai/gpt-oss-120b", "vllm", "b200_sxm"),
    ];

    /// <summary>
    /// For one capacity case: every GPU step against the oracle <c>EngineModel.StepMs</c> on a grid of batches and
    /// contexts, and <see cref="CapacitySweep"/> on the GPU against the same on every CPU core (the same answers).
    /// </summary>
    private static bool CheckEngines(ILGPU.Runtime.Accelerator accelerator, string model, string backend, string system)
    {
        var job = new ProfileJob(ModelCatalog.Load(), SystemCatalog.Load());
        var request = job.Resolve(ProfileJob.Defaults.Merge(new ProfileOptions { Model = model, Backend = backend, System = system }));
        var engines = SweepPlan.For(request).Candidates
            .Select(c => EngineModel.Create(new EngineConfig(request.Model, request.System, c, request.Quant, request.Backend), request.Estimator))
            .ToList();
        var points = (from m in Enumerable.Range(0, engines.Count)
                      from b in new[] { 1, 2, 7, 32, 100, 256, 512, 1024 }
                      from c in new[] { 128, 1000, 3150, 16384, 65536 }
                      select new SweepPoint { Mapping = m, Batch = b, Context = c }).ToArray();
        using var sweep = DecodeSweep.ForEngines(accelerator, engines);
        double[] gpu = sweep.Evaluate(points);
        double worst = 0;
        for (int i = 0; i < points.Length; i++)
        {
            double expected = engines[points[i].Mapping].StepMs(StepShape.Decode(points[i].Batch, points[i].Context)) / 1000.0;
            worst = Math.Max(worst, Math.Abs(gpu[i] - expected) / expected);
        }

        // 64 contexts, log-spaced 128…65536: the grid a what-if over context lengths prices. Times are one run each, the
        // GPU's including its context, JIT and uploads (what one `aicsim capacity` call pays).
        double[] contexts = [.. Enumerable.Range(0, 64).Select(i => Math.Round(128 * Math.Pow(512, i / 63.0)))];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var onGpu = CapacitySweep.Run(engines, contexts, request.ItlMs, SweepDevice.Gpu);
        double gpuMs = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        var onCpu = CapacitySweep.Run(engines, contexts, request.ItlMs, SweepDevice.Cpu);
        double cpuMs = clock.Elapsed.TotalMilliseconds;
        int differ = onGpu.Points.Zip(onCpu.Points).Count(p => p.First.MaxConcurrency != p.Second.MaxConcurrency || p.First.LimitedBy != p.Second.LimitedBy);
        Console.WriteLine($"{model} {backend} {system}: {engines.Count} engines; {points.Length} steps against EngineModel.StepMs, largest relative " +
                          $"difference {worst:E2}; capacity {onGpu.Points.Count} answers ({onGpu.GridPoints:N0} steps), {differ} differ from the CPU path; " +
                          $"{onGpu.Device} {gpuMs:F0} ms, {onCpu.Device} {cpuMs:F0} ms");
        return worst <= Tolerance && differ == 0;
    }
}
