using AicSim.Core.Serving;
using AicSim.Core.Specs;

namespace AicSim.Core.Estimate;

/// <summary>One configuration to estimate: what `aicsim estimate` takes from flags or from one CSV row.</summary>
public sealed record EstimateRequest
{
    public required ModelSpec Model { get; init; }

    public required SystemSpec System { get; init; }

    public required BackendProfile Backend { get; init; }

    public required QuantConfig Quant { get; init; }

    public required Workload Workload { get; init; }

    public required ServingMode Mode { get; init; }

    /// <summary>The engine of an aggregated deployment, or the prefill engine of a disaggregated one.</summary>
    public required ParallelConfig Parallel { get; init; }

    /// <summary>Requests in flight on the aggregated engine.</summary>
    public int Concurrency { get; init; } = 1;

    /// <summary>
    /// How many requests the benchmark client keeps open at once (its HTTP connection limit: an aiohttp client's default
    /// is 100), or null for no limit. Clients beyond it wait in the client for a connection, and the wait counts in TTFT.
    /// </summary>
    public int? ClientConnections { get; init; }

    /// <summary>The decode engine of a disaggregated deployment.</summary>
    public ParallelConfig? DecodeParallel { get; init; }

    /// <summary>Worker counts and batch sizes of a disaggregated deployment.</summary>
    public DisaggregatedDeployment? Deployment { get; init; }

    /// <summary>How the request was read, when that took a decision (quirks of the input, assumptions).</summary>
    public IReadOnlyList<string> Readings { get; init; } = [];
}
