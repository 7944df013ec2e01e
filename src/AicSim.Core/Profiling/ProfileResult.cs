namespace AicSim.Core.Profiling;

/// <summary>Everything a profile run found: the plan, every candidate's numbers, the choice, and the planner's data.</summary>
public sealed record ProfileResult(
    ProfileRequest Request,
    SweepPlan Plan,
    IReadOnlyList<PrefillPoint> Prefill,
    IReadOnlyList<DecodePoint> Decode,
    Choice<PrefillPoint> PrefillChoice,
    Choice<DecodePoint> DecodeChoice,
    PrefillInterpolation PrefillInterpolation,
    DecodeInterpolation DecodeInterpolation)
{
    /// <summary>Whether both choices meet their targets.</summary>
    public bool SlaMet => PrefillChoice.SlaMet && DecodeChoice.SlaMet;
}
