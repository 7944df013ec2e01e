using System.Runtime.InteropServices;
using AicSim.Core.Specs;

namespace AicSim.Core.Estimation;

/// <summary>The rates of one GPU and its links, as plain numbers for the shared CPU/GPU math. Zero = absent.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct HardwareParams
{
    public double PeakBf16FlopsPerSec;
    public double PeakFp8FlopsPerSec;
    public double PeakFp4FlopsPerSec;
    public double MemoryBandwidthBytesPerSec;
    public double NvlinkBandwidthBytesPerSec;
    public double NetworkBandwidthBytesPerSec;

    public static HardwareParams From(SystemSpec system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return new HardwareParams
        {
            PeakBf16FlopsPerSec = system.PeakFlopsPerSec.GetValueOrDefault(ComputeType.Bf16),
            PeakFp8FlopsPerSec = system.PeakFlopsPerSec.GetValueOrDefault(ComputeType.Fp8),
            PeakFp4FlopsPerSec = system.PeakFlopsPerSec.GetValueOrDefault(ComputeType.Fp4),
            MemoryBandwidthBytesPerSec = system.MemoryBandwidthBytesPerSec,
            NvlinkBandwidthBytesPerSec = system.NvlinkBandwidthBytesPerSec,
            NetworkBandwidthBytesPerSec = system.NetworkBandwidthBytesPerSec,
        };
    }

    /// <summary>The peak for a compute type (the op table was checked against the system when compiled).</summary>
    public readonly double Peak(ComputeType type) =>
        type == ComputeType.Fp4 ? PeakFp4FlopsPerSec :
        type == ComputeType.Fp8 ? PeakFp8FlopsPerSec :
        PeakBf16FlopsPerSec;
}
