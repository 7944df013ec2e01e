namespace AicSim.Data.Numpy;

/// <summary>
/// A numpy array as the planner's npz files hold them: float64 (<c>&lt;f8</c>), int64 (<c>&lt;i8</c>) or, in the
/// profiler's stacked multi-configuration files, fixed-width unicode (<c>&lt;U…</c>) metadata; values in C order.
/// </summary>
public sealed record NpyArray
{
    private NpyArray(double[]? floats, long[]? ints, string[]? strings, int[]? shape)
    {
        Floats = floats;
        Ints = ints;
        Strings = strings;
        Shape = shape ?? [Length];
    }

    public double[]? Floats { get; }

    public long[]? Ints { get; }

    /// <summary>Unicode values (metadata such as the model name), or null for a numeric array.</summary>
    public string[]? Strings { get; }

    /// <summary>Elements, over every dimension.</summary>
    public int Length => Floats?.Length ?? Ints?.Length ?? Strings!.Length;

    /// <summary>The dimensions (one for the planner's own files; (configurations, points) for stacked ones).</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>The numpy dtype descriptor of a numeric array (what the writer writes).</summary>
    public string Descr => Floats is not null ? "<f8" : Ints is not null ? "<i8" : "<U";

    public static NpyArray Of(double[] values) => new(values ?? throw new ArgumentNullException(nameof(values)), null, null, null);

    public static NpyArray Of(long[] values) => new(null, values ?? throw new ArgumentNullException(nameof(values)), null, null);

    /// <summary>An array read from a file, with its shape.</summary>
    internal static NpyArray Read(double[]? floats, long[]? ints, string[]? strings, int[] shape) => new(floats, ints, strings, shape);

    /// <summary>Values as doubles, whatever the numeric dtype.</summary>
    public double[] AsDoubles() => Floats ?? (Ints is not null ? Array.ConvertAll(Ints, v => (double)v) : throw new InvalidOperationException("a unicode array has no numbers"));

    /// <summary>Row <paramref name="row"/> of a 2-D array (the whole array when it is 1-D and row is 0), as doubles.</summary>
    public double[] Row(int row)
    {
        var all = AsDoubles();
        int width = Shape.Count == 1 ? all.Length : Shape[^1];
        return all.AsSpan(row * width, width).ToArray();
    }
}
