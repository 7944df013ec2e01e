namespace AicSim.Core.Profiling;

/// <summary>The recommended point of one role, whether it meets the SLA, and why it was chosen.</summary>
/// <typeparam name="T">A prefill or decode point.</typeparam>
/// <param name="Point">The chosen point.</param>
/// <param name="SlaMet">Whether it meets the target.</param>
/// <param name="Reason">One sentence a user can read.</param>
public sealed record Choice<T>(T Point, bool SlaMet, string Reason);
