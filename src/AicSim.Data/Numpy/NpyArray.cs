namespace AicSim.Data.Numpy;

/// <summary>A 1-D numpy array as the planner's npz files hold them: float64 (<c>&lt;f8</c>) or int64 (<c>&lt;i8</c>).</summary>
public sealed record NpyArray
{
    private NpyArray(double[]? floats, long[]? ints)
    {
        Floats = floats;
        Ints = ints;
    }

    public double[]? Floats { get; }

    public long[]? Ints { get; }

    public int Length => Floats?.Length ?? Ints!.Length;

    /// <summary>The numpy dtype descriptor.</summary>
    public string Descr => Floats is not null ? "<f8" : "<i8";

    public static NpyArray Of(double[] values) => new(values ?? throw new ArgumentNullException(nameof(values)), null);

    public static NpyArray Of(long[] values) => new(null, values ?? throw new ArgumentNullException(nameof(values)));

    /// <summary>Values as doubles, whatever the dtype.</summary>
    public double[] AsDoubles() => Floats ?? Array.ConvertAll(Ints!, v => (double)v);
}
