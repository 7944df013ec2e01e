using AicSim.Core.Specs;

namespace AicSim.Core.Profiling;

/// <summary>One prefill candidate: TTFT at batch 1 and the throughput per GPU it implies.</summary>
/// <param name="Mapping">The engine's mapping.</param>
/// <param name="TtftMs">TTFT for the request's ISL.</param>
/// <param name="ThroughputPerGpu">isl / ttft_s / GPUs × attention-DP (prefill tokens per second per GPU).</param>
public sealed record PrefillPoint(ParallelConfig Mapping, double TtftMs, double ThroughputPerGpu)
{
    public int Gpus => Mapping.Gpus;
}
