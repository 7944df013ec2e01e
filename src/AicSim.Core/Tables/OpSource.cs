namespace AicSim.Core.Tables;

/// <summary>Where an op's latency came from.</summary>
public enum OpSource
{
    /// <summary>The analytical roofline (no measured table covers the op).</summary>
    Roofline,

    /// <summary>Interpolated between measured points.</summary>
    Table,

    /// <summary>Beyond the measured range: the roofline scaled by the edge point's utilisation.</summary>
    TableEdge,
}
