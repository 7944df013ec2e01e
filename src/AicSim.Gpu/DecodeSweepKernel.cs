using AicSim.Core.Estimation;
using AicSim.Core.Ops;
using ILGPU;

namespace AicSim.Gpu;

/// <summary>
/// The kernel: one thread per point sums <see cref="Roofline.OpSeconds"/> over its mapping's ops — the very method
/// the CPU loop calls, so both paths share one source of truth — and adds the engine's per-step costs
/// (<see cref="OpRange.StepSeconds"/>).
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

        seconds[index] = range.StepSeconds(total, point.Batch);
    }

    /// <summary>
    /// A capacity question answered on the GPU: over the grid mapping × context × batch (batches ascending), the index
    /// of the largest batch whose decode step fits within <paramref name="stepSeconds"/>, per (mapping, context). The
    /// grid is built from its two axes on the device and only the answers come back, since copying every point's
    /// latency costs far more than computing it.
    /// </summary>
    public static void LargestBatchWithin(
        Index1D index,
        ArrayView<Op> ops,
        ArrayView<OpRange> ranges,
        ArrayView<double> batches,
        ArrayView<double> contexts,
        ArrayView<int> largest,
        double stepSeconds,
        HardwareParams hardware,
        EfficiencyParams efficiency)
    {
        int b = index % (int)batches.Length;
        int row = index / (int)batches.Length;
        int mapping = row / (int)contexts.Length;
        var range = ranges[mapping];
        var shape = StepShape.Decode(batches[b], contexts[row % (int)contexts.Length]);
        double total = 0;
        for (int i = 0; i < range.Length; i++)
        {
            total += Roofline.OpSeconds(ops[range.Start + i], shape, hardware, efficiency);
        }

        if (range.StepSeconds(total, batches[b]) <= stepSeconds)
        {
            Atomic.Max(ref largest[row], b);
        }
    }

    /// <summary>
    /// <see cref="LargestBatchWithin"/> in a plain loop: per (mapping, context), mapping-major, the index of the largest
    /// batch whose step fits, or −1.
    /// </summary>
    public static int[] LargestBatchWithinOnCpu(
        ReadOnlySpan<Op> ops,
        ReadOnlySpan<OpRange> ranges,
        ReadOnlySpan<double> batches,
        ReadOnlySpan<double> contexts,
        double stepSeconds,
        in HardwareParams hardware,
        in EfficiencyParams efficiency)
    {
        var largest = new int[ranges.Length * contexts.Length];
        for (int row = 0; row < largest.Length; row++)
        {
            var range = ranges[row / contexts.Length];
            largest[row] = -1;
            for (int b = 0; b < batches.Length; b++)
            {
                var shape = StepShape.Decode(batches[b], contexts[row % contexts.Length]);
                if (range.StepSeconds(StepLatency.RooflineSeconds(ops.Slice(range.Start, range.Length), shape, hardware, efficiency), batches[b]) <= stepSeconds)
                {
                    largest[row] = b;
                }
            }
        }

        return largest;
    }

    /// <summary>
    /// <see cref="LargestBatchWithinOnCpu"/> on every core: the contexts split into chunks, each chunk's rows
    /// mapping-major like the whole answer's. The CPU path of sweeps on hosts without a GPU.
    /// </summary>
    public static int[] LargestBatchWithinOnAllCores(
        Op[] ops,
        OpRange[] ranges,
        double[] batches,
        double[] contexts,
        double stepSeconds,
        HardwareParams hardware,
        EfficiencyParams efficiency)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        ArgumentNullException.ThrowIfNull(contexts);
        var largest = new int[ranges.Length * contexts.Length];
        int chunks = Math.Max(1, Math.Min(contexts.Length, Environment.ProcessorCount * 4));
        int size = (contexts.Length + chunks - 1) / chunks;
        Parallel.For(0, chunks, k =>
        {
            int start = Math.Min(contexts.Length, k * size);
            int length = Math.Min(size, contexts.Length - start);
            if (length <= 0)
            {
                return;
            }

            int[] part = LargestBatchWithinOnCpu(ops, ranges, batches, contexts.AsSpan(start, length), stepSeconds, hardware, efficiency);
            for (int m = 0; m < ranges.Length; m++)
            {
                Array.Copy(part, m * length, largest, (m * contexts.Length) + start, length);
            }
        });
        return largest;
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
            double kernels = StepLatency.RooflineSeconds(ops.Slice(range.Start, range.Length), StepShape.Decode(points[p].Batch, points[p].Context), hardware, efficiency);
            seconds[p] = range.StepSeconds(kernels, points[p].Batch);
        }
    }
}
