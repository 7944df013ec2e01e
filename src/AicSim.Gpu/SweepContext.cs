using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace AicSim.Gpu;

/// <summary>
/// The ILGPU context the sweep kernels need. Roofline's MoE term calls <see cref="Math.Exp(double)"/>; ILGPU's PTX
/// backend has no intrinsic for it, so a context without ILGPU.Algorithms compiles the kernel for the CPU emulator
/// but fails on a GPU.
/// </summary>
public static class SweepContext
{
    /// <summary>A context with CUDA (when the host has a GPU) and the CPU emulator, with the math the kernels call.</summary>
    public static Context Create() => Context.Create(builder => builder.Cuda().CPU().EnableAlgorithms());

    /// <summary>The first CUDA GPU, or null on a host without one.</summary>
    public static Accelerator? CreateCudaAccelerator(Context context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.GetCudaDevices().Count > 0 ? context.CreateCudaAccelerator(0) : null;
    }
}
