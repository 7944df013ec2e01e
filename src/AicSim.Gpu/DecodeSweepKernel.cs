using AicSim.Core.Estimation;
using AicSim.Core.Ops;
using ILGPU;

namespace AicSim.Gpu;

/// <summary>
/// The kernel: one thread per point sums <see cref="Roofline.OpSeconds"/> over its mapping's ops — the very method
/// the CPU loop calls, so both paths share one source of truth.
/// </summary>
public static class DecodeSweepKernel
{
    public static void Run(
        Index1D index,
        ArrayView<Op> ops,
        ArrayView<OpRange> ranges,
        ArrayView<SweepPoint> points,
        ArrayView<double> seconds,
        HardwareParams hardware,
        EfficiencyParams efficiency)
    {
        var point = points[index];
        var range = ranges[point.Mapping];
        var shape = StepShape.Decode(point.Batch, point.Context);
        double total = 0;
        for (int i = 0; i < range.Length; i++)
        {
            total += Roofline.OpSeconds(ops[range.Start + i], shape, hardware, efficiency);
        }

        seconds[index] = total;
    }

    /// <summary>The same sum in a plain loop, for CPUs and for checking the kernel.</summary>
    public static void RunOnCpu(
        ReadOnlySpan<Op> ops,
        ReadOnlySpan<OpRange> ranges,
        ReadOnlySpan<SweepPoint> points,
        Span<double> seconds,
        in HardwareParams hardware,
        in EfficiencyParams efficiency)
    {
        if (seconds.Length != points.Length)
        {
            throw new ArgumentException($"seconds has {seconds.Length} slots for {points.Length} points.", nameof(seconds));
        }

        for (int p = 0; p < points.Length; p++)
        {
            var range = ranges[points[p].Mapping];
            seconds[p] = StepLatency.RooflineSeconds(ops.Slice(range.Start, range.Length), StepShape.Decode(points[p].Batch, points[p].Context), hardware, efficiency);
        }
    }
}
