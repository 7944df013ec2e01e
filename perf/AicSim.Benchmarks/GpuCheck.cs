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
        Console.WriteLine(ok ? $"gpu-check: OK (within {Tolerance:E0})" : $"gpu-check: FAILED (above {Tolerance:E0})");
        return ok ? 0 : 1;
    }
}
