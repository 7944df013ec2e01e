using System.Text.RegularExpressions;

namespace AicSim.Data.Dynamo;

/// <summary>
/// Kubernetes' rules for the names AicSim writes into manifests (RFC 1123), checked before a profile runs so that a DGD
/// kubectl would refuse is never written.
/// </summary>
public static partial class KubernetesNames
{
    /// <summary>A namespace: an RFC 1123 label, at most 63 lowercase letters, digits and '-', starting and ending alphanumeric.</summary>
    public static bool IsLabel(string name) => name.Length <= 63 && Label().IsMatch(name);

    /// <summary>An object name: an RFC 1123 subdomain, labels joined by '.', at most 253 characters.</summary>
    public static bool IsSubdomain(string name) => name.Length <= 253 && name.Split('.').All(l => l.Length > 0 && Label().IsMatch(l));

    /// <summary>What is wrong with the namespace and DGD name given, each naming its option and the rule.</summary>
    public static IEnumerable<string> Problems(string? ns, string? dgdName)
    {
        if (ns is not null && !IsLabel(ns))
        {
            yield return $"--namespace '{ns}' is not a Kubernetes namespace: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit (RFC 1123 label).";
        }

        if (dgdName is not null && !IsSubdomain(dgdName))
        {
            yield return $"the DGD name '{dgdName}' is not a Kubernetes object name: lowercase letters, digits, '-' and '.', at most 253 characters, each dot-separated part starting and ending with a letter or digit (RFC 1123 subdomain).";
        }
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Label();
}
