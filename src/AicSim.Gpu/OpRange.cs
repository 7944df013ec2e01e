using System.Runtime.InteropServices;

namespace AicSim.Gpu;

/// <summary>
/// Where one mapping's ops sit in the flat op buffer, and what its engine adds to every step: the framework's per-layer
/// overhead, and the host's per-sequence work that bounds a step from below (<c>EngineModel.StepMs</c>). Both are zero
/// for bare op tables, whose step is then the kernels alone.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct OpRange
{
    public int Start;
    public int Length;
    public double FrameworkSeconds;
    public double HostSecondsPerSequence;

    /// <summary>A decode step of <paramref name="batch"/> sequences whose kernels take <paramref name="kernelSeconds"/>.</summary>
    public readonly double StepSeconds(double kernelSeconds, double batch) =>
        Math.Max(kernelSeconds + FrameworkSeconds, HostSecondsPerSequence * batch);
}
