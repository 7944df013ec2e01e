using AicSim.Core.Specs;

namespace AicSim.Core.Profiling;

/// <summary>What the SLA profiler is asked (profile_sla's options, resolved to specs).</summary>
public sealed record ProfileRequest
{
    public required ModelSpec Model { get; init; }

    public required SystemSpec System { get; init; }

    public required BackendProfile Backend { get; init; }

    public required QuantConfig Quant { get; init; }

    public required int Isl { get; init; }

    public required int Osl { get; init; }

    /// <summary>TTFT target in ms.</summary>
    public required double TtftMs { get; init; }

    /// <summary>ITL target in ms.</summary>
    public required double ItlMs { get; init; }

    /// <summary>Smallest engine to try (null: from the model's size).</summary>
    public int? MinGpus { get; init; }

    /// <summary>Largest engine to try (null: one node for dense models, up to 4 nodes for MoE).</summary>
    public int? MaxGpus { get; init; }

    /// <summary>GPUs per node (null: the system's).</summary>
    public int? GpusPerNode { get; init; }

    /// <summary>Largest context of the interpolation data (null: the model's max_position_embeddings).</summary>
    public int? MaxContextLength { get; init; }

    public int PrefillGranularity { get; init; } = 16;

    public int DecodeGranularity { get; init; } = 6;

    /// <summary>How ops are priced (null: the roofline).</summary>
    public Estimation.IOpEstimator? Estimator { get; init; }

    public int NodeGpus => GpusPerNode ?? System.GpusPerNode;

    public int ContextLimit => MaxContextLength ?? Model.MaxContextLength;
}
