using AicSim.Core.Ops;

namespace AicSim.Core.Estimation;

/// <summary>The hot loop: a step's latency as the sum of its ops. Shared by the CPU path and the ILGPU kernel.</summary>
public static class StepLatency
{
    /// <summary>Roofline seconds of one step (kernels only; the engine adds the framework's per-layer overhead).</summary>
    public static double RooflineSeconds(ReadOnlySpan<Op> ops, in StepShape shape, in HardwareParams hw, in EfficiencyParams eff)
    {
        double total = 0;
        for (int i = 0; i < ops.Length; i++)
        {
            total += Roofline.OpSeconds(ops[i], shape, hw, eff);
        }

        return total;
    }

    /// <summary>Seconds of one step with any estimator.</summary>
    public static double Seconds(ReadOnlySpan<Op> ops, in StepShape shape, IOpEstimator estimator)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        double total = 0;
        for (int i = 0; i < ops.Length; i++)
        {
            total += estimator.OpSeconds(ops[i], shape);
        }

        return total;
    }

    /// <summary>Batch form: one latency per shape into a caller-owned span; allocates nothing.</summary>
    public static void RooflineSeconds(ReadOnlySpan<Op> ops, ReadOnlySpan<StepShape> shapes, Span<double> seconds, in HardwareParams hw, in EfficiencyParams eff)
    {
        if (seconds.Length != shapes.Length)
        {
            throw new ArgumentException($"seconds has {seconds.Length} slots for {shapes.Length} shapes.", nameof(seconds));
        }

        for (int i = 0; i < shapes.Length; i++)
        {
            seconds[i] = RooflineSeconds(ops, shapes[i], hw, eff);
        }
    }
}
