namespace AicSim.Data.Dynamo;

/// <summary>
/// One decode measurement of the Dynamo profiler: ITL with <paramref name="Requests"/> requests in flight at mean context
/// <paramref name="Context"/> (isl + osl/2).
/// </summary>
public sealed record DecodeMeasurement(int Requests, double Context, double ItlMs);
