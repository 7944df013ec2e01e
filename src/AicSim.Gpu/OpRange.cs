using System.Runtime.InteropServices;

namespace AicSim.Gpu;

/// <summary>Where one mapping's ops sit in the flat op buffer.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct OpRange
{
    public int Start;
    public int Length;
}
