namespace AicSim.Data.Dynamo;

/// <summary>
/// An engine the Dynamo profiler measured on real GPUs (its online path): which model, system, framework and mapping,
/// and its prefill and decode sweeps.
/// </summary>
/// <param name="Source">Where it was read from (file and configuration index), for messages.</param>
/// <param name="System">gpu_type, e.g. h200_sxm.</param>
/// <param name="Backend">framework, e.g. vllm.</param>
/// <param name="BackendVersion">framework_version.</param>
/// <param name="Model">The model id.</param>
/// <param name="Tp">Tensor-parallel size.</param>
/// <param name="Dp">Data-parallel (attention-DP) size.</param>
/// <param name="Pp">Pipeline-parallel size.</param>
/// <param name="MaxKvTokens">The KV-cache capacity the profiler recorded for the decode sweep.</param>
/// <param name="Prefill">Prefill sweep over ISL.</param>
/// <param name="Decode">Decode sweep over load and context.</param>
public sealed record MeasuredEngine(
    string Source,
    string System,
    string Backend,
    string BackendVersion,
    string Model,
    int Tp,
    int Dp,
    int Pp,
    long MaxKvTokens,
    IReadOnlyList<PrefillMeasurement> Prefill,
    IReadOnlyList<DecodeMeasurement> Decode)
{
    /// <summary>The mapping as the profiler names it, e.g. TP2 or TP1 DP8.</summary>
    public string Mapping => $"TP{Tp}" + (Dp > 1 ? $" DP{Dp}" : string.Empty) + (Pp > 1 ? $" PP{Pp}" : string.Empty);
}
