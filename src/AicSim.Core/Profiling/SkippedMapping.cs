using AicSim.Core.Specs;

namespace AicSim.Core.Profiling;

/// <summary>A mapping the sweep did not try, and why: reported, never silently dropped.</summary>
public sealed record SkippedMapping(ParallelConfig Mapping, string Reason);
