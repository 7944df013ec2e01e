namespace AicSim.Core.Serving;

/// <summary>The traffic shape: input and output tokens per request.</summary>
public sealed record Workload
{
    public Workload(int isl, int osl)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(isl);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(osl);
        Isl = isl;
        Osl = osl;
    }

    public int Isl { get; }

    public int Osl { get; }

    /// <summary>Mean KV length over a request's decode: isl + osl/2 (decode latency is linear in context).</summary>
    public double MeanDecodeContext => Isl + (Osl / 2.0);
}
