using AicSim.Core.Estimate;

namespace AicSim.Core.Calibration;

/// <summary>A configuration and what was measured for it.</summary>
public sealed record CalibrationSample(EstimateRequest Request, double MeasuredTtftMs, double MeasuredTpotMs);
