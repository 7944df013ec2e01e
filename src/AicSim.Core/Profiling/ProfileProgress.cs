namespace AicSim.Core.Profiling;

/// <summary>A step of a profile run, for progress displays.</summary>
/// <param name="Done">Steps finished.</param>
/// <param name="Total">Steps in all.</param>
/// <param name="Message">What just finished.</param>
public sealed record ProfileProgress(int Done, int Total, string Message);
