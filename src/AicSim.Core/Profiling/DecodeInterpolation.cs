namespace AicSim.Core.Profiling;

/// <summary>The planner's decode data (DOMAIN.md §3), flattened over (context, requests).</summary>
/// <param name="KvUsage">x_kv_usage = (isl + osl/2) · requests / max_kv_tokens.</param>
/// <param name="ContextLength">y_context_length = isl + osl/2.</param>
/// <param name="ItlMs">z_itl, ms.</param>
/// <param name="ThroughputPerGpu">z_thpt_per_gpu, output tokens/s/GPU.</param>
/// <param name="MaxKvTokens">max_kv_tokens of the decode engine.</param>
public sealed record DecodeInterpolation(double[] KvUsage, double[] ContextLength, double[] ItlMs, double[] ThroughputPerGpu, long MaxKvTokens);
