using System.Globalization;

namespace AicSim.Core.Profiling;

/// <summary>
/// The recommendation rule (DOMAIN.md §2): the highest throughput per GPU among points within the target; ties go to fewer
/// GPUs. When no point meets the target, the lowest-latency point, flagged so the caller can warn and fail loudly.
/// </summary>
public static class Recommender
{
    public static Choice<PrefillPoint> ChoosePrefill(IReadOnlyList<PrefillPoint> points, double ttftTargetMs)
    {
        ArgumentNullException.ThrowIfNull(points);
        return Choose(points, ttftTargetMs, p => p.TtftMs, p => p.ThroughputPerGpu, p => p.Gpus, "TTFT", p => p.Mapping.Name);
    }

    public static Choice<DecodePoint> ChooseDecode(IReadOnlyList<DecodePoint> points, double itlTargetMs)
    {
        ArgumentNullException.ThrowIfNull(points);
        return Choose(points, itlTargetMs, p => p.ItlMs, p => p.ThroughputPerGpu, p => p.Gpus, "ITL", p => $"{p.Mapping.Name} at {p.Requests} requests");
    }

    private static Choice<T> Choose<T>(IReadOnlyList<T> points, double target, Func<T, double> latency, Func<T, double> throughput, Func<T, int> gpus, string metric, Func<T, string> name)
    {
        if (points.Count == 0)
        {
            throw new ArgumentException("There is nothing to choose from: every mapping was skipped.", nameof(points));
        }

        var meeting = points.Where(p => latency(p) <= target).ToList();
        if (meeting.Count > 0)
        {
            // Highest throughput per GPU; equal throughput → fewer GPUs; then lower latency, so the choice is deterministic.
            var best = meeting
                .OrderByDescending(throughput)
                .ThenBy(gpus)
                .ThenBy(latency)
                .First();
            return new Choice<T>(best, true, string.Create(CultureInfo.InvariantCulture,
                $"{name(best)}: highest throughput per GPU ({throughput(best):F1} tokens/s/GPU) of the {meeting.Count} of {points.Count} points with {metric} ≤ {target:0.##} ms ({metric} {latency(best):F1} ms)."));
        }

        var fastest = points.OrderBy(latency).ThenBy(gpus).First();
        return new Choice<T>(fastest, false, string.Create(CultureInfo.InvariantCulture,
            $"no point meets {metric} ≤ {target:0.##} ms; the lowest is {latency(fastest):F1} ms ({name(fastest)}), shown so you can look. Relax the target, allow more GPUs per engine, or use a faster system."));
    }
}
