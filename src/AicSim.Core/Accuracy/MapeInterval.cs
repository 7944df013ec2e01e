namespace AicSim.Core.Accuracy;

/// <summary>
/// How much a MAPE owes to which configurations happened to be measured: a cluster bootstrap that redraws whole
/// configurations (with replacement) and scores each redraw over its rows. Rows of one configuration share most of
/// their error (the level of a series is most of it), so resampling rows one by one would claim a precision the data
/// does not have; the configurations are the independent units, as in the cross-validation's folds.
/// </summary>
/// <param name="LowPercent">The lower end of the interval, in percent.</param>
/// <param name="HighPercent">The upper end, in percent.</param>
/// <param name="Clusters">The configurations redrawn.</param>
/// <param name="Draws">The redraws scored.</param>
public sealed record MapeInterval(double LowPercent, double HighPercent, int Clusters, int Draws)
{
    /// <summary>Redraws scored: enough that, on the calibration file, the ends move by a tenth of a point at most between seeds (2000: three tenths).</summary>
    public const int DefaultDraws = 10000;

    /// <summary>The share of redraws the interval holds: 95%, from the 2.5th to the 97.5th percentile.</summary>
    public const double Level = 0.95;

    /// <summary>A fixed seed: the same rows give the same interval on every machine and every run.</summary>
    public const int Seed = 1;

    /// <summary>
    /// The interval of the MAPE of (cluster, predicted, measured) triples (pairs whose measurement is not positive are
    /// skipped, as <see cref="ErrorSummary"/> skips them); null with fewer than two clusters, where redrawing says nothing.
    /// Each redraw's MAPE is over its rows (a cluster of many rows weighs more), as the reported MAPE is.
    /// </summary>
    public static MapeInterval? Of(IEnumerable<(string Cluster, double Predicted, double Measured)> rows, int draws = DefaultDraws, int seed = Seed)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(draws, 1);
        var clusters = rows.Where(r => r.Measured > 0)
            .GroupBy(r => r.Cluster, StringComparer.Ordinal)
            .Select(g => (Sum: g.Sum(r => Math.Abs(r.Predicted - r.Measured) / r.Measured), Count: g.Count()))
            .ToArray();
        if (clusters.Length < 2)
        {
            return null;
        }

        // SplitMix64, written out rather than System.Random: its sequence is fixed by the arithmetic below, so the
        // published interval reproduces on any runtime, and it is cheap enough to redraw every slice of a report.
        ulong state = (ulong)seed;
        var mapes = new double[draws];
        for (int d = 0; d < draws; d++)
        {
            double sum = 0;
            int count = 0;
            for (int i = 0; i < clusters.Length; i++)
            {
                state += 0x9E3779B97F4A7C15UL;
                ulong z = state;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                z ^= z >> 31;
                // The top 32 bits scaled to [0, clusters) by multiply-shift (Lemire): a bias under clusters / 2^32.
                var (s, n) = clusters[(int)(((z >> 32) * (ulong)clusters.Length) >> 32)];
                sum += s;
                count += n;
            }

            mapes[d] = sum / count * 100;
        }

        Array.Sort(mapes);
        double tail = (1 - Level) / 2;
        return new MapeInterval(MetricSpread.Quantile(mapes, tail), MetricSpread.Quantile(mapes, 1 - tail), clusters.Length, draws);
    }
}
