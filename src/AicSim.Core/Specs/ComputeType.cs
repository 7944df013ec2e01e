namespace AicSim.Core.Specs;

/// <summary>The tensor-core rate a kernel's math runs at. Values index <c>HardwareParams</c> peaks.</summary>
public enum ComputeType
{
    Bf16 = 0,
    Fp8 = 1,
    Fp4 = 2,
}
