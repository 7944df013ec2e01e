using System.Runtime.InteropServices;

namespace AicSim.Gpu;

/// <summary>One decode what-if: which compiled mapping, how many sequences per attention rank, at what mean context.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct SweepPoint
{
    /// <summary>Index into the op tables given to <see cref="DecodeSweep"/>.</summary>
    public int Mapping;

    public double Batch;

    public double Context;
}
