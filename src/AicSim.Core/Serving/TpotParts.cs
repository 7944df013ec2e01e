namespace AicSim.Core.Serving;

/// <summary>
/// Where a predicted TPOT's milliseconds go: the decode step a token takes, and what the prompts prefilled beside a
/// request cost it, amortised over its answer. The parts add up to the TPOT. A disaggregated decode worker runs no
/// prefill, so its TPOT is all decode.
/// </summary>
public sealed record TpotParts
{
    /// <summary>Per generated token: the decode step at the running batch (with speculative decoding, the draft-and-verify step over the tokens it keeps).</summary>
    public double DecodeMs { get; init; }

    /// <summary>Aggregated: what the kernels of the prompts prefilled beside a request add to its steps, amortised over its answer, times the prefill interference.</summary>
    public double PrefillKernelsMs { get; init; }

    /// <summary>
    /// Aggregated: the launches of those prompts' kernels outside the captured CUDA graphs
    /// (<see cref="Engine.EngineModel.PromptLaunchMs"/> a prompt), amortised the same way.
    /// </summary>
    public double PromptLaunchesMs { get; init; }

    /// <summary>Aggregated: the prompts a request decodes beside over its life, c·(1 − s/2) per attention rank.</summary>
    public double PromptsBeside { get; init; }

    /// <summary>Aggregated: the framework's prefill interference, the multiple both prefill parts carry (<see cref="Specs.BackendProfile.PrefillInterference"/>).</summary>
    public double PrefillInterference { get; init; }

    /// <summary>The sum of the parts: the TPOT.</summary>
    public double TotalMs => DecodeMs + PrefillKernelsMs + PromptLaunchesMs;
}
