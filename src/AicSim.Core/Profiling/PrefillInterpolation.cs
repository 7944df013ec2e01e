namespace AicSim.Core.Profiling;

/// <summary>The planner's prefill data (DOMAIN.md §3): TTFT and throughput per GPU against ISL, batch 1.</summary>
/// <param name="Isl">prefill_isl (int64).</param>
/// <param name="TtftMs">prefill_ttft, ms.</param>
/// <param name="ThroughputPerGpu">prefill_thpt_per_gpu, tokens/s/GPU.</param>
public sealed record PrefillInterpolation(long[] Isl, double[] TtftMs, double[] ThroughputPerGpu);
