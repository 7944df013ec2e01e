namespace AicSim.Data.Dynamo;

/// <summary>One prefill measurement of the Dynamo profiler: TTFT of a lone request of <paramref name="Isl"/> tokens.</summary>
public sealed record PrefillMeasurement(int Isl, double TtftMs);
