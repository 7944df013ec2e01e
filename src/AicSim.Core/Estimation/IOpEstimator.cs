using AicSim.Core.Ops;
using AicSim.Core.Specs;

namespace AicSim.Core.Estimation;

/// <summary>
/// Prices one op of a step. The roofline implements it; a kernel-table estimator (measured latencies,
/// interpolated, with the roofline as fallback) plugs in here too.
/// </summary>
public interface IOpEstimator
{
    /// <summary>Short name for reports: "roofline", "tables", ...</summary>
    string Name { get; }

    /// <summary>Seconds spent on all repetitions of the op in a step on one GPU.</summary>
    double OpSeconds(in Op op, in StepShape shape);

    /// <summary>Where the latency of an op comes from (measured table, table edge, or roofline).</summary>
    Tables.OpSource SourceOf(in Op op, in StepShape shape) => Tables.OpSource.Roofline;
}

/// <summary>
/// The estimator for a system and backend at given efficiencies: what the calibration fits through, so that it fits the
/// constants of the same estimator (roofline or measured tables) that will use them.
/// </summary>
public delegate IOpEstimator OpEstimatorFactory(SystemSpec system, Backend backend, EfficiencyParams efficiency);
