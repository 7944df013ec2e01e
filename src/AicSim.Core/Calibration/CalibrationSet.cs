using AicSim.Core.Estimate;
using AicSim.Core.Estimation;
using AicSim.Core.Specs;

namespace AicSim.Core.Calibration;

/// <summary>A versioned set of fitted groups, and how an estimate uses them.</summary>
/// <param name="Version">Format version of the file.</param>
/// <param name="FittedOn">What it was fitted on (file name and content hash), for reproducibility.</param>
/// <param name="Groups">One entry per (system, backend) with enough measurements, and per backend its median group for the other systems.</param>
public sealed record CalibrationSet(int Version, string FittedOn, IReadOnlyList<CalibrationGroup> Groups)
{
    public const int CurrentVersion = 6;

    /// <summary>No fitted constants: every estimate uses the built-in defaults.</summary>
    public static CalibrationSet None { get; } = new(CurrentVersion, "none", []);

    /// <summary>The (system, backend)'s own group, else the backend's median group, else none (the defaults).</summary>
    public CalibrationGroup? Find(string system, string backend) =>
        Groups.FirstOrDefault(g => g.System == system && g.Backend == backend)
        ?? Groups.FirstOrDefault(g => g.System == CalibrationGroup.AnySystem && g.Backend == backend);

    /// <summary>The request with the group's framework constants, and the roofline estimator with its efficiencies.</summary>
    public (EstimateRequest Request, RooflineEstimator Estimator) Apply(EstimateRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var g = Find(request.System.Name, Backends.Name(request.Backend.Backend));
        var eff = Efficiency(g);
        return (request with { Backend = Profile(request.Backend, g) }, new RooflineEstimator(HardwareParams.From(request.System), eff));
    }

    /// <summary>The default efficiencies with a group's fitted ones.</summary>
    public static EfficiencyParams Efficiency(CalibrationGroup? g)
    {
        var eff = EfficiencyParams.Default;
        if (g is not null)
        {
            eff.MemoryEfficiency = g.MemoryEfficiency;
            eff.GemmEfficiency = g.GemmEfficiency;
        }

        return eff;
    }

    /// <summary>A backend profile with a group's fitted framework constants.</summary>
    public static BackendProfile Profile(BackendProfile baseProfile, CalibrationGroup? g)
    {
        ArgumentNullException.ThrowIfNull(baseProfile);
        return g is null ? baseProfile : baseProfile with
        {
            RequestOverheadPerKernelUs = g.RequestOverheadPerKernelUs,
            LayerOverheadUs = g.LayerOverheadUs,
            ArrivalSynchronisation = g.ArrivalSynchronisation,
            DisaggTtftOverheadMs = g.DisaggTtftOverheadMs,
            TtftDecodeSteps = g.TtftDecodeSteps,
            PrefillInterference = g.PrefillInterference,
        };
    }
}
