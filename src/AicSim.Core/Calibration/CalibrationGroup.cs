namespace AicSim.Core.Calibration;

/// <summary>
/// The fitted constants of one (system, backend): how close its kernels come to the roofline and what its framework
/// adds. Eight numbers, each with a physical meaning and bounds, so a fit cannot memorise rows.
/// </summary>
/// <param name="System">System name, or <see cref="AnySystem"/> for a backend's median constants over its fitted systems.</param>
/// <param name="Backend">Backend name.</param>
/// <param name="Rows">Measurements the group was fitted on.</param>
/// <param name="MemoryEfficiency">Share of HBM bandwidth streaming kernels reach (0.3–0.98).</param>
/// <param name="GemmEfficiency">Share of tensor-core peak large GEMMs reach (0.3–0.98).</param>
/// <param name="RequestOverheadPerKernelUs">Serving overhead added to every TTFT, in µs per kernel of a prefill step (≥ 0).</param>
/// <param name="LayerOverheadUs">Framework time per layer of every forward step, in µs (≥ 0).</param>
/// <param name="ArrivalSynchronisation">Share of concurrent prompts arriving in one burst (0–1).</param>
/// <param name="DisaggTtftOverheadMs">Routing and KV hand-off added to a disaggregated TTFT (≥ 0).</param>
/// <param name="TtftDecodeSteps">Steps of the running engine every TTFT pays (0–60).</param>
/// <param name="PrefillInterference">How much a prompt's prefill delays the decoding requests, as a multiple of its kernels' time (> 0).</param>
public sealed record CalibrationGroup(
    string System,
    string Backend,
    int Rows,
    double MemoryEfficiency,
    double GemmEfficiency,
    double RequestOverheadPerKernelUs,
    double LayerOverheadUs,
    double ArrivalSynchronisation,
    double DisaggTtftOverheadMs,
    double TtftDecodeSteps,
    double PrefillInterference)
{
    /// <summary>The system of a backend's median group (<see cref="Calibrator.AnySystemGroup"/>): what a system without a group of its own uses.</summary>
    public const string AnySystem = "any";
}
