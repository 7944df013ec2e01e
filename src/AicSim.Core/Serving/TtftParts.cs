namespace AicSim.Core.Serving;

/// <summary>
/// Where a predicted TTFT's milliseconds go, in the terms the serving model prices them; the parts add up to the TTFT.
/// Parts a deployment does not have stay zero (an aggregated engine hands nothing off; a disaggregated one admits no burst).
/// </summary>
public sealed record TtftParts
{
    /// <summary>Whether the request went through a prefill worker to a decode worker (which names the parts differently).</summary>
    public bool Disaggregated { get; init; }

    /// <summary>The framework's request overhead: <see cref="OverheadKernels"/> kernels at its per-kernel cost.</summary>
    public double RequestOverheadMs { get; init; }

    /// <summary>Kernels the request overhead is paid on: a prefill step's on one GPU, its collectives aside (<see cref="Engine.EngineModel.RequestOverheadKernels"/>).</summary>
    public double OverheadKernels { get; init; }

    /// <summary>The fitted steps of the running engine every TTFT waits (<see cref="RunningSteps"/> of its step).</summary>
    public double RunningStepsMs { get; init; }

    /// <summary>How many steps of the running engine (<see cref="Specs.BackendProfile.TtftDecodeSteps"/>).</summary>
    public double RunningSteps { get; init; }

    /// <summary>Prefill: aggregated, the request's own and, on average, that of the burst's prompts ahead of it; disaggregated, one prefill step.</summary>
    public double PrefillMs { get; init; }

    /// <summary>Aggregated: admission of the burst's prompts ahead into the running engine (<see cref="Specs.BackendProfile.PromptAdmissionMs"/>).</summary>
    public double AdmissionMs { get; init; }

    /// <summary>Aggregated with attention DP: held back until every rank has a prompt (<see cref="AggregatedServing.AttentionDpBalanceWaitMs"/>).</summary>
    public double BalanceWaitMs { get; init; }

    /// <summary>
    /// Waiting for room: aggregated, for a slot when the KV cache or the batch limit holds fewer requests than the clients;
    /// disaggregated, for the prefill workers (their queue, or the closed loop stretched when they cannot keep up).
    /// </summary>
    public double QueueMs { get; init; }

    /// <summary>
    /// Waiting in the benchmark client for one of its <see cref="Estimate.EstimateRequest.ClientConnections"/> connections,
    /// when it has fewer than clients: the other clients' requests are sent only as connections free up, and a client
    /// times its request from when it made it.
    /// </summary>
    public double ClientWaitMs { get; init; }

    /// <summary>Disaggregated: the fitted fixed cost of routing a request through a prefill worker to a decode worker.</summary>
    public double DisaggOverheadMs { get; init; }

    /// <summary>Disaggregated: moving the prompt's KV cache to the decode worker.</summary>
    public double KvTransferMs { get; init; }

    /// <summary>The sum of the parts: the TTFT.</summary>
    public double TotalMs => RequestOverheadMs + RunningStepsMs + PrefillMs + AdmissionMs + BalanceWaitMs + QueueMs + ClientWaitMs + DisaggOverheadMs + KvTransferMs;
}
