namespace AicSim.Core.Tables;

/// <summary>
/// Measured per-kernel latencies of one system and backend, by op family, ready for lookup. Keys are per-GPU shapes;
/// dtypes use aiconfigurator's names (bfloat16, fp8, fp8_block, nvfp4, ...). Latencies in ms.
/// </summary>
public sealed class KernelTables
{
    /// <summary>Provenance: GPU, backend, version, source, date.</summary>
    public IReadOnlyDictionary<string, string> Provenance { get; init; } = new Dictionary<string, string>();

    /// <summary>GEMM: (dtype, n, k) → latency over m.</summary>
    public Dictionary<(string Dtype, long N, long K), MeasuredCurve> Gemm { get; } = [];

    /// <summary>Context attention: (heads, kv heads, head dim, kv dtype, window, batch) → latency over ISL.</summary>
    public Dictionary<(long Heads, long KvHeads, long HeadDim, string KvDtype, long Window, long Batch), MeasuredCurve> ContextAttention { get; } = [];

    /// <summary>Generation attention: (heads, kv heads, head dim, kv dtype, window, batch) → latency over KV length.</summary>
    public Dictionary<(long Heads, long KvHeads, long HeadDim, string KvDtype, long Window, long Batch), MeasuredCurve> GenerationAttention { get; } = [];

    /// <summary>MLA context attention: (heads per GPU, kv dtype, batch) → latency over ISL.</summary>
    public Dictionary<(long Heads, string KvDtype, long Batch), MeasuredCurve> MlaContext { get; } = [];

    /// <summary>MLA generation attention: (heads per GPU, kv dtype, batch) → latency over KV length.</summary>
    public Dictionary<(long Heads, string KvDtype, long Batch), MeasuredCurve> MlaGeneration { get; } = [];

    /// <summary>MLA absorbed BMMs: (pre|post, dtype, heads per GPU) → latency over tokens.</summary>
    public Dictionary<(string Op, string Dtype, long Heads), MeasuredCurve> MlaBmm { get; } = [];

    /// <summary>MoE: (dtype, hidden, expert width, top-k, experts, moe_tp, moe_ep) → latency over tokens.</summary>
    public Dictionary<(string Dtype, long Hidden, long Inter, long TopK, long Experts, long MoeTp, long MoeEp), MeasuredCurve> Moe { get; } = [];

    /// <summary>Collectives: (all_reduce | all_gather | reduce_scatter | alltoall, GPUs) → latency over message elements.</summary>
    public Dictionary<(string Op, long Gpus), MeasuredCurve> Collectives { get; } = [];

    /// <summary>How many curves each family holds, for reports.</summary>
    public IReadOnlyDictionary<string, int> Counts => new Dictionary<string, int>
    {
        ["gemm"] = Gemm.Count,
        ["context_attention"] = ContextAttention.Count,
        ["generation_attention"] = GenerationAttention.Count,
        ["mla_context"] = MlaContext.Count,
        ["mla_generation"] = MlaGeneration.Count,
        ["mla_bmm"] = MlaBmm.Count,
        ["moe"] = Moe.Count,
        ["collectives"] = Collectives.Count,
    };

    public bool IsEmpty => Counts.Values.All(c => c == 0);
}
