namespace AicSim.Core.Estimate;

/// <summary>Aggregated (one engine does prefill and decode) or disaggregated (separate prefill and decode workers).</summary>
public enum ServingMode
{
    Aggregated,
    Disaggregated,
}
