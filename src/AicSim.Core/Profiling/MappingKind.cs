namespace AicSim.Core.Profiling;

/// <summary>The profiler's mapping families (DOMAIN.md §2).</summary>
public enum MappingKind
{
    /// <summary>Tensor parallel n.</summary>
    Tp,

    /// <summary>Tensor-parallel attention, experts split n ways.</summary>
    Tep,

    /// <summary>Attention data-parallel n ways, experts split n ways.</summary>
    Dep,
}
