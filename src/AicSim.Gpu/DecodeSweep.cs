using AicSim.Core.Engine;
using AicSim.Core.Estimation;
using AicSim.Core.Ops;
using ILGPU;
using ILGPU.Runtime;

namespace AicSim.Gpu;

/// <summary>
/// Decode-step latency of many (mapping, batch, context) points on an ILGPU accelerator the caller chose
/// (a CUDA GPU for sweeps; the CPU accelerator only to test kernels, since it is an emulator).
/// </summary>
public sealed class DecodeSweep : IDisposable
{
    private readonly Accelerator _accelerator;
    private readonly Action<Index1D, ArrayView<Op>, ArrayView<OpRange>, ArrayView<SweepPoint>, ArrayView<double>, HardwareParams, EfficiencyParams> _kernel;
    private readonly Action<Index1D, ArrayView<Op>, ArrayView<OpRange>, ArrayView<double>, ArrayView<double>, ArrayView<int>, double, HardwareParams, EfficiencyParams> _largest;
    private readonly MemoryBuffer1D<Op, Stride1D.Dense> _ops;
    private readonly MemoryBuffer1D<OpRange, Stride1D.Dense> _ranges;

    /// <summary>
    /// Uploads bare op tables once (the step is their kernels alone); <see cref="Evaluate"/> can then run many point
    /// sets against them.
    /// </summary>
    public DecodeSweep(Accelerator accelerator, IReadOnlyList<OpTable> tables, HardwareParams hardware, EfficiencyParams efficiency)
        : this(accelerator, Flatten(tables), hardware, efficiency)
    {
    }

    private DecodeSweep(Accelerator accelerator, (Op[] Ops, OpRange[] Ranges) flattened, HardwareParams hardware, EfficiencyParams efficiency)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        _accelerator = accelerator;
        Hardware = hardware;
        Efficiency = efficiency;
        (var flat, var ranges) = flattened;
        Ranges = ranges;
        Ops = flat;
        _ops = accelerator.Allocate1D(flat);
        _ranges = accelerator.Allocate1D(ranges);
        _kernel = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<Op>, ArrayView<OpRange>, ArrayView<SweepPoint>, ArrayView<double>, HardwareParams, EfficiencyParams>(DecodeSweepKernel.Run);
        _largest = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<Op>, ArrayView<OpRange>, ArrayView<double>, ArrayView<double>, ArrayView<int>, double, HardwareParams, EfficiencyParams>(DecodeSweepKernel.LargestBatchWithin);
    }

    public HardwareParams Hardware { get; }

    public EfficiencyParams Efficiency { get; }

    /// <summary>The flat op buffer, as uploaded.</summary>
    public Op[] Ops { get; }

    public OpRange[] Ranges { get; }

    /// <summary>Seconds of one decode step (kernels only) per point.</summary>
    public double[] Evaluate(SweepPoint[] points)
    {
        ArgumentNullException.ThrowIfNull(points);
        foreach (var p in points)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(p.Mapping, Ranges.Length, nameof(points));
        }

        using var pointBuffer = _accelerator.Allocate1D(points);
        using var output = _accelerator.Allocate1D<double>(points.Length);
        _kernel((int)pointBuffer.Length, _ops.View, _ranges.View, pointBuffer.View, output.View, Hardware, Efficiency);
        _accelerator.Synchronize();
        return output.GetAsArray1D();
    }

    /// <summary>
    /// Per (mapping, context), mapping-major: the index into <paramref name="batches"/> (ascending) of the largest batch
    /// whose decode step takes at most <paramref name="stepSeconds"/>, or −1 when none does. Evaluates every point of
    /// mappings × contexts × batches on the device and copies back one integer per (mapping, context).
    /// </summary>
    public int[] LargestBatchWithin(double[] batches, double[] contexts, double stepSeconds)
    {
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(contexts);
        ArgumentOutOfRangeException.ThrowIfZero(batches.Length, nameof(batches));
        ArgumentOutOfRangeException.ThrowIfZero(contexts.Length, nameof(contexts));
        for (int i = 1; i < batches.Length; i++)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(batches[i], batches[i - 1], nameof(batches));
        }

        long points = (long)Ranges.Length * contexts.Length * batches.Length;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(points, int.MaxValue, nameof(batches));
        using var batchBuffer = _accelerator.Allocate1D(batches);
        using var contextBuffer = _accelerator.Allocate1D(contexts);
        using var largest = _accelerator.Allocate1D(Enumerable.Repeat(-1, Ranges.Length * contexts.Length).ToArray());
        _largest((int)points, _ops.View, _ranges.View, batchBuffer.View, contextBuffer.View, largest.View, stepSeconds, Hardware, Efficiency);
        _accelerator.Synchronize();
        return largest.GetAsArray1D();
    }

    public void Dispose()
    {
        _ops.Dispose();
        _ranges.Dispose();
    }

    /// <summary>
    /// A sweep whose step is the engines' own decode step (<c>EngineModel.StepMs</c>): kernels priced by the roofline at
    /// the engines' efficiencies (calibrated ones included), plus each framework's per-layer overhead, bounded below by
    /// its host's per-sequence work. The engines must share one roofline estimator's system and efficiencies, since
    /// the device prices every mapping with one set; measured kernel tables do not run on the device.
    /// </summary>
    public static DecodeSweep ForEngines(Accelerator accelerator, IReadOnlyList<EngineModel> engines)
    {
        var (ops, ranges, hardware, efficiency) = FlattenEngines(engines);
        return new DecodeSweep(accelerator, (ops, ranges), hardware, efficiency);
    }

    /// <summary>
    /// The buffers <see cref="ForEngines"/> uploads, for the same sweep in CPU loops
    /// (<see cref="DecodeSweepKernel.LargestBatchWithinOnAllCores"/>) where no GPU is used.
    /// </summary>
    public static (Op[] Ops, OpRange[] Ranges, HardwareParams Hardware, EfficiencyParams Efficiency) FlattenEngines(IReadOnlyList<EngineModel> engines)
    {
        ArgumentNullException.ThrowIfNull(engines);
        ArgumentOutOfRangeException.ThrowIfZero(engines.Count, nameof(engines));
        if (engines[0].Estimator is not RooflineEstimator first)
        {
            throw new ArgumentException($"the GPU sweep prices with the roofline; engine 0 uses '{engines[0].Estimator.Name}'. Build the engines with a RooflineEstimator.", nameof(engines));
        }

        foreach (var engine in engines)
        {
            if (engine.Estimator is not RooflineEstimator r || !r.Hardware.Equals(first.Hardware) || !r.Efficiency.Equals(first.Efficiency))
            {
                throw new ArgumentException("the engines of one GPU sweep must share one system and one set of efficiencies (one roofline estimator's).", nameof(engines));
            }

            if (engine.Config.Backend.Speculative is { DraftTokens: > 0 })
            {
                throw new ArgumentException($"the GPU sweep prices the plain decode step; {engine.Config.Parallel.Name} decodes speculatively (MTP). Price it with EngineModel.DecodeItlMs instead.", nameof(engines));
            }
        }

        var (ops, ranges) = Flatten([.. engines.Select(e => e.Ops)]);
        for (int i = 0; i < ranges.Length; i++)
        {
            ranges[i].FrameworkSeconds = engines[i].FrameworkStepMs / 1000.0;
            ranges[i].HostSecondsPerSequence = engines[i].Config.Backend.HostUsPerSequence / 1e6;
        }

        return (ops, ranges, first.Hardware, first.Efficiency);
    }

    /// <summary>Concatenates op tables into one buffer with a range per table.</summary>
    public static (Op[] Ops, OpRange[] Ranges) Flatten(IReadOnlyList<OpTable> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var ranges = new OpRange[tables.Count];
        var ops = new List<Op>();
        for (int t = 0; t < tables.Count; t++)
        {
            ranges[t] = new OpRange { Start = ops.Count, Length = tables[t].Count };
            ops.AddRange(tables[t].ToArray());
        }

        return ([.. ops], ranges);
    }
}
