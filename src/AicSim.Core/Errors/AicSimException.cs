namespace AicSim.Core.Errors;

/// <summary>
/// A problem with the user's input or data: every message says what is wrong and how to fix it.
/// Carries all problems found, not only the first, so a user fixes them in one go.
/// </summary>
public class AicSimException : Exception
{
    public AicSimException(string message)
        : this([message])
    {
    }

    public AicSimException(IReadOnlyList<string> problems)
        : base(string.Join(Environment.NewLine, problems))
    {
        Problems = problems;
    }

    /// <summary>Each problem, one sentence or two, naming the field and the fix.</summary>
    public IReadOnlyList<string> Problems { get; }
}
