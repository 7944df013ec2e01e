using AicSim.Core.Errors;

namespace AicSim.Core.Specs;

/// <summary>A GPU system: one GPU's memory and rates, and how GPUs are connected. Facts from datasheets (systems-data).</summary>
public sealed record SystemSpec
{
    /// <summary>Canonical name, e.g. <c>h200_sxm</c>.</summary>
    public required string Name { get; init; }

    public required string GpuName { get; init; }

    public required double MemoryBytes { get; init; }

    public required double MemoryBandwidthBytesPerSec { get; init; }

    /// <summary>Dense tensor-core peaks; a missing entry means the GPU lacks that dtype.</summary>
    public required IReadOnlyDictionary<ComputeType, double> PeakFlopsPerSec { get; init; }

    /// <summary>NVLink bandwidth per GPU, one direction.</summary>
    public required double NvlinkBandwidthBytesPerSec { get; init; }

    /// <summary>Scale-out network bandwidth per GPU, one direction.</summary>
    public required double NetworkBandwidthBytesPerSec { get; init; }

    public required int GpusPerNode { get; init; }

    /// <summary>GPUs sharing one NVLink domain (8 for HGX; 72 for a GB200 NVL72 rack).</summary>
    public required int NvlinkDomainGpus { get; init; }

    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>The peak for a dtype; a GPU without it is an error, never a silent fallback.</summary>
    public double PeakFlops(ComputeType type, QuantMode requestedBy)
    {
        if (PeakFlopsPerSec.TryGetValue(type, out double peak))
        {
            return peak;
        }

        string needs = type switch
        {
            ComputeType.Fp8 => "FP8 tensor cores (Hopper or Blackwell: h100_sxm, h200_sxm, b200_sxm, b300_sxm, gb200, gb300)",
            ComputeType.Fp4 => "FP4 tensor cores (Blackwell: b200_sxm, b300_sxm, gb200, gb300)",
            _ => $"{type} tensor cores",
        };
        throw new UnsupportedException(
            $"{GpuName} ({Name}) has no {type.ToString().ToLowerInvariant()} tensor cores, which {QuantModes.Name(requestedBy)} needs: " +
            $"it needs {needs}. Pick another --system or a quantisation this GPU supports ({string.Join(", ", PeakFlopsPerSec.Keys.Select(k => k.ToString().ToLowerInvariant()))}).");
    }
}
