namespace AicSim.Core.Ops;

/// <summary>What an <see cref="Op"/> computes; selects the roofline formula.</summary>
public enum OpKind
{
    /// <summary>Dense GEMM: [m, K] × [K, N] per GPU.</summary>
    Gemm = 0,

    /// <summary>Grouped GEMM over the token-expert pairs routed to this GPU's experts.</summary>
    MoeExperts = 1,

    /// <summary>Causal attention over the prefill tokens (flash attention), GQA or decompressed MLA.</summary>
    ContextAttention = 2,

    /// <summary>One query token per sequence against its KV cache (GQA, or absorbed MLA over the latent).</summary>
    GenerationAttention = 3,

    /// <summary>Memory-bound element-wise work: norms, activations, residual adds, embedding gather.</summary>
    ElementWise = 4,

    /// <summary>A collective (all-reduce, all-gather, reduce-scatter, all-to-all) or a point-to-point send.</summary>
    Communication = 5,

    /// <summary>
    /// A linear-attention recurrence (Gated DeltaNet): chunked over the prefill tokens; one state read and write per
    /// decoding sequence. Heads = value heads, QkDim = d_k, VDim = d_v, KvBytesPerElement = bytes of a state element.
    /// </summary>
    LinearAttention = 6,
}
