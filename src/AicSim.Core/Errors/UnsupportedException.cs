namespace AicSim.Core.Errors;

/// <summary>
/// The input is well formed but describes something AicSim does not model
/// (an architecture, a mapping the offline path refuses, a dtype the GPU lacks).
/// Batch estimates report these rows as <c>unsupported</c> rather than <c>error</c>.
/// </summary>
public sealed class UnsupportedException : AicSimException
{
    public UnsupportedException(string message)
        : base(message)
    {
    }
}
