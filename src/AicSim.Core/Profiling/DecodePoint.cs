using AicSim.Core.Specs;

namespace AicSim.Core.Profiling;

/// <summary>One decode measurement: a mapping at a number of requests in flight.</summary>
/// <param name="Mapping">The engine's mapping.</param>
/// <param name="Requests">Requests decoding at once, engine-wide.</param>
/// <param name="ItlMs">Inter-token latency.</param>
/// <param name="ThroughputPerGpu">Output tokens per second per GPU: requests × 1000 / ITL / GPUs.</param>
public sealed record DecodePoint(ParallelConfig Mapping, int Requests, double ItlMs, double ThroughputPerGpu)
{
    public int Gpus => Mapping.Gpus;
}
