using System.Globalization;
using System.Text.RegularExpressions;

namespace AicSim.Data.KernelData;

/// <summary>Picks the measured version nearest the one asked for (e.g. 1.2.0rc6 → 1.3.0rc20 when only that exists).</summary>
public static partial class BackendVersions
{
    /// <summary>
    /// The nearest of <paramref name="available"/> to <paramref name="requested"/>: exact match first, else the smallest
    /// distance on (major, minor, patch, pre-release number), ties to the newer. Null requested → the newest.
    /// </summary>
    public static string Nearest(IReadOnlyCollection<string> available, string? requested)
    {
        ArgumentNullException.ThrowIfNull(available);
        if (available.Count == 0)
        {
            throw new ArgumentException("No versions to choose from.", nameof(available));
        }

        if (requested is not null && available.Contains(requested))
        {
            return requested;
        }

        var ordered = available.OrderBy(Rank).ToList();
        if (requested is null)
        {
            return ordered[^1];
        }

        double target = Rank(requested);
        return ordered.OrderBy(v => Math.Abs(Rank(v) - target)).ThenByDescending(Rank).First();
    }

    /// <summary>A number that orders versions: major·1e9 + minor·1e6 + patch·1e3 + (pre-release ? rc number − 999 : 0).</summary>
    public static double Rank(string version)
    {
        ArgumentNullException.ThrowIfNull(version);
        var m = VersionPattern().Match(version);
        if (!m.Success)
        {
            return 0;
        }

        double Part(string g) => m.Groups[g].Success && m.Groups[g].Value.Length > 0 ? double.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture) : 0;
        double pre = m.Groups["pre"].Success && m.Groups["pre"].Value.Length > 0 ? Part("pre") - 999 : 0;
        return (Part("major") * 1e9) + (Part("minor") * 1e6) + (Part("patch") * 1e3) + pre;
    }

    [GeneratedRegex(@"^(?<major>\d+)(?:\.(?<minor>\d+))?(?:\.(?<patch>\d+))?(?:[.\-]?(?:rc|post|dev)\.?(?<pre>\d+))?")]
    private static partial Regex VersionPattern();
}
