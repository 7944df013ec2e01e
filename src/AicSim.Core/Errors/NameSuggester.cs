namespace AicSim.Core.Errors;

/// <summary>"Did you mean" suggestions for unknown names, by edit distance.</summary>
public static class NameSuggester
{
    /// <summary>Returns up to <paramref name="max"/> known names closest to <paramref name="unknown"/>.</summary>
    public static IReadOnlyList<string> Suggest(string unknown, IEnumerable<string> known, int max = 3)
    {
        ArgumentNullException.ThrowIfNull(unknown);
        ArgumentNullException.ThrowIfNull(known);
        string needle = unknown.ToLowerInvariant();
        return known
            .Select(k => (Name: k, Distance: Distance(needle, k.ToLowerInvariant())))
            .Where(x => x.Distance <= Math.Max(3, needle.Length / 2))
            .OrderBy(x => x.Distance)
            .ThenBy(x => x.Name, StringComparer.Ordinal)
            .Take(max)
            .Select(x => x.Name)
            .ToArray();
    }

    /// <summary>A one-line hint: " Did you mean 'a' or 'b'?" or empty.</summary>
    public static string Hint(string unknown, IEnumerable<string> known)
    {
        var s = Suggest(unknown, known);
        return s.Count == 0 ? string.Empty : $" Did you mean {string.Join(" or ", s.Select(x => $"'{x}'"))}?";
    }

    // Levenshtein distance, with a substring match counted as close: "qwen3-32b" should find "Qwen/Qwen3-32B".
    private static int Distance(string a, string b)
    {
        if (b.Contains(a, StringComparison.Ordinal) || a.Contains(b, StringComparison.Ordinal))
        {
            return Math.Min(1, Math.Abs(a.Length - b.Length));
        }

        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            prev[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }

            (prev, cur) = (cur, prev);
        }

        return prev[b.Length];
    }
}
