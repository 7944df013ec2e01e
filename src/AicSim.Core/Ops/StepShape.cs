using System.Runtime.InteropServices;

namespace AicSim.Core.Ops;

/// <summary>
/// The work of one forward step on one attention rank: prefill sequences (each with new tokens and an already
/// cached prefix) and decoding sequences at a mean context length. A mixed step has both.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct StepShape
{
    public double PrefillSequences;
    public double PrefillTokensPerSequence;

    /// <summary>Tokens already in the KV cache of each prefill sequence (earlier chunks or a reused prefix).</summary>
    public double PrefillPastTokens;

    public double DecodeSequences;

    /// <summary>Mean KV length of the decoding sequences.</summary>
    public double DecodeContext;

    /// <summary>
    /// Query tokens each decoding sequence attends with, over one read of its cache: 0 or 1 for a plain decode step,
    /// n + 1 for the step that verifies n draft tokens. Only generation attention's compute reads it.
    /// </summary>
    public double DecodeQueriesPerSequence;

    public readonly double PrefillTokens => PrefillSequences * PrefillTokensPerSequence;

    public readonly double Tokens => PrefillTokens + DecodeSequences;

    /// <summary>A prefill-only step: <paramref name="sequences"/> prompts of <paramref name="tokens"/> new tokens each.</summary>
    public static StepShape Prefill(double sequences, double tokens, double pastTokens = 0) => new()
    {
        PrefillSequences = sequences,
        PrefillTokensPerSequence = tokens,
        PrefillPastTokens = pastTokens,
    };

    /// <summary>A decode-only step: <paramref name="batch"/> sequences at mean context <paramref name="context"/>.</summary>
    public static StepShape Decode(double batch, double context) => new()
    {
        DecodeSequences = batch,
        DecodeContext = context,
    };
}
