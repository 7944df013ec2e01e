namespace AicSim.Core.Tables;

/// <summary>
/// Latencies measured along one axis (GEMM m, sequence length, tokens, message size), sorted, with interpolation
/// between points. Beyond the ends it does not extrapolate latency: the caller holds the edge's utilisation instead.
/// </summary>
public sealed class MeasuredCurve
{
    private readonly double[] _x;
    private readonly double[] _ms;

    /// <summary>Points in any order; duplicate x keep their mean.</summary>
    public MeasuredCurve(IEnumerable<(double X, double Ms)> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var merged = points.GroupBy(p => p.X).Select(g => (X: g.Key, Ms: g.Average(p => p.Ms))).OrderBy(p => p.X).ToArray();
        if (merged.Length == 0)
        {
            throw new ArgumentException("A curve needs at least one point.", nameof(points));
        }

        _x = merged.Select(p => p.X).ToArray();
        _ms = merged.Select(p => p.Ms).ToArray();
    }

    public double Min => _x[0];

    public double Max => _x[^1];

    public int Count => _x.Length;

    /// <summary>Latency (ms) at an x within [Min, Max]; null outside. sqrt: interpolate √latency (context attention along the sequence).</summary>
    public double? Interpolate(double x, bool sqrt = false)
    {
        if (x < _x[0] || x > _x[^1])
        {
            return null;
        }

        int i = Array.BinarySearch(_x, x);
        if (i >= 0)
        {
            return _ms[i];
        }

        i = ~i;
        double x0 = _x[i - 1], x1 = _x[i];
        double t = (x - x0) / (x1 - x0);
        if (sqrt)
        {
            double a = Math.Sqrt(_ms[i - 1]), b = Math.Sqrt(_ms[i]);
            double r = a + (t * (b - a));
            return r * r;
        }

        return _ms[i - 1] + (t * (_ms[i] - _ms[i - 1]));
    }

    /// <summary>The nearest end of the curve to x and its latency: the point whose utilisation is held beyond the data.</summary>
    public (double X, double Ms) Edge(double x) => x < _x[0] ? (_x[0], _ms[0]) : (_x[^1], _ms[^1]);
}
