using AicSim.Core.Ops;

namespace AicSim.Core.Estimation;

/// <summary>The analytical estimator: <see cref="Roofline"/> with a system's rates and a set of efficiencies.</summary>
public sealed class RooflineEstimator(HardwareParams hardware, EfficiencyParams efficiency) : IOpEstimator
{
    public HardwareParams Hardware { get; } = hardware;

    public EfficiencyParams Efficiency { get; } = efficiency;

    public string Name => "roofline";

    public double OpSeconds(in Op op, in StepShape shape)
    {
        var hw = Hardware;
        var eff = Efficiency;
        return Roofline.OpSeconds(op, shape, hw, eff);
    }
}
