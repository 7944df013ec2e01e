namespace AicSim.Core.Ops;

/// <summary>What a measured kernel table knows an op as, where its <see cref="OpKind"/> alone does not say.</summary>
public enum OpRole
{
    Generic = 0,
    MlaBmmPre = 1,
    MlaBmmPost = 2,
    AllReduce = 3,
    AllToAll = 4,
    AllGather = 5,
    PointToPoint = 6,
    MlaAttention = 7,

    /// <summary>Routed experts with two matrices (up, down: Nemotron-H's relu²), which the SwiGLU MoE tables do not measure.</summary>
    UngatedExperts = 8,
}
