using System.Text.RegularExpressions;
using YamlDotNet.Core;

namespace AicSim.Data;

/// <summary>
/// A YamlDotNet deserialisation error as a user reads it: where in the file, and what is wrong in the file's own terms
/// (an unknown key, a value of the wrong kind) rather than the .NET types it was read into.
/// </summary>
public static partial class YamlProblem
{
    public static string Describe(YamlException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string inner = (e.InnerException ?? e).Message;
        var unknownKey = UnknownKey().Match(inner);
        string what = unknownKey.Success ? $"unknown key '{unknownKey.Groups[1].Value}'"
            : inner.StartsWith("Invalid cast from 'System.String'", StringComparison.Ordinal) ? "a plain value where a mapping of keys was expected"
            : e.InnerException is FormatException or InvalidCastException or OverflowException ? $"a value of the wrong kind ({inner.TrimEnd('.')})"
            : inner.TrimEnd('.');
        return $"line {e.Start.Line}, column {e.Start.Column}: {what}";
    }

    [GeneratedRegex("^Property '([^']+)' not found on type")]
    private static partial Regex UnknownKey();
}
