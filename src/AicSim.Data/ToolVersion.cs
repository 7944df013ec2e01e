using System.Reflection;

namespace AicSim.Data;

/// <summary>
/// This build's version, as <c>aicsim --version</c> prints it and the files it writes record it: the project version and,
/// where the SDK built from a git checkout, the commit (<c>0.1.0+sha</c>). Every project shares Directory.Build.props'
/// version, so this assembly's is the tool's.
/// </summary>
public static class ToolVersion
{
    public static string Current { get; } =
        typeof(ToolVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ToolVersion).Assembly.GetName().Version?.ToString()
        ?? "unknown";
}
