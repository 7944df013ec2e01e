namespace AicSim.Core.Ops;

/// <summary>Which of a step's tokens an op processes: its GEMM m, or its message size per token.</summary>
public enum TokenScope
{
    /// <summary>Every token in the step: prefill tokens plus one per decoding sequence.</summary>
    AllTokens = 0,

    /// <summary>Only prefill tokens (MLA's decompressing kv-up GEMM, context attention).</summary>
    PrefillTokens = 1,

    /// <summary>Only decode tokens (MLA's absorbed BMMs, generation attention).</summary>
    DecodeTokens = 2,

    /// <summary>One token per sequence: the logits GEMM runs only on each sequence's last position.</summary>
    Sequences = 3,
}
