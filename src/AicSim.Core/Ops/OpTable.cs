namespace AicSim.Core.Ops;

/// <summary>
/// A model compiled for one mapping: the flat list of ops of one forward step on one GPU, with a name per op
/// for breakdowns. Built once per (model, mapping, quantisation, system), evaluated many times.
/// </summary>
public sealed class OpTable
{
    private readonly Op[] _ops;

    public OpTable(Op[] ops, string[] names)
    {
        ArgumentNullException.ThrowIfNull(ops);
        ArgumentNullException.ThrowIfNull(names);
        if (ops.Length != names.Length)
        {
            throw new ArgumentException("Each op needs a name.", nameof(names));
        }

        _ops = ops;
        Names = names;
    }

    /// <summary>The ops, for evaluation loops and for upload to a GPU.</summary>
    public ReadOnlySpan<Op> Ops => _ops;

    public IReadOnlyList<string> Names { get; }

    public int Count => _ops.Length;

    /// <summary>Copy of the ops, for callers that need an array (an ILGPU upload).</summary>
    public Op[] ToArray() => (Op[])_ops.Clone();

    /// <summary>Weight bytes resident on one GPU: every GEMM and expert op's weights, counted once.</summary>
    public double WeightBytesPerGpu() => WeightBytesPerGpu(decoderLayersOnly: false);

    /// <summary>
    /// Weight bytes one GPU holds for its ops; with <paramref name="decoderLayersOnly"/>, those of the decoder layers
    /// alone (no embedding or LM head).
    /// </summary>
    public double WeightBytesPerGpu(bool decoderLayersOnly)
    {
        double bytes = 0;
        foreach (ref readonly var op in Ops)
        {
            if (op.SharesWeights != 0 || (decoderLayersOnly && op.Group == OpGroup.EmbeddingAndLogits))
            {
                continue;
            }

            if (op.Kind == OpKind.Gemm)
            {
                bytes += op.Count * op.N * op.K * op.WeightBytesPerElement;
            }
            else if (op.Kind == OpKind.MoeExperts)
            {
                bytes += op.Count * op.LocalExperts * op.N * op.K * op.WeightBytesPerElement;
            }
        }

        return bytes;
    }
}
