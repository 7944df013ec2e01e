using System.Globalization;
using AicSim.Core.Errors;
using MathNet.Numerics.Statistics;

namespace AicSim.Data.Calibration;

/// <summary>
/// Whether a file's measurements can be scored or fitted at all: it has some, and they are in milliseconds. A file in
/// seconds (AIPerf's JSON reports some times so; a hand-made export may too) would otherwise score every row about 100%
/// off, and a fit would bend every constant toward it.
/// </summary>
public static class MeasurementCheck
{
    /// <summary>
    /// Below this median TPOT no LLM decodes: a step reads at least the weights of a layer per token, about 1 ms for even
    /// a 1B model on one GPU (the fastest rows of the calibration file measure 1.9 ms; its quickest TTFT is 30 ms).
    /// </summary>
    public const double LeastPlausibleTpotMs = 0.5;

    /// <summary>Below this median TTFT no served request returns a token: the HTTP round trip alone takes about that.</summary>
    public const double LeastPlausibleTtftMs = 1.0;

    /// <summary>
    /// Above this median TPOT (two seconds a token, four times the slowest row of the calibration file) the times are not
    /// milliseconds either: microseconds, likely.
    /// </summary>
    public const double MostPlausibleTpotMs = 2_000;

    /// <summary>Refuses a file of rows with no measurement, or whose measurements read as another unit, naming the fix.</summary>
    /// <param name="rows">The file's rows.</param>
    /// <param name="file">The file, for the message.</param>
    /// <param name="flag">The option that named it.</param>
    /// <param name="whatFor">What the measurements were needed for ("validate against", "fit").</param>
    public static void Require(IReadOnlyList<SiliconRow> rows, string file, string flag, string whatFor)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var ttft = rows.Select(r => r.MeasuredTtftMs).OfType<double>().ToArray();
        var tpot = rows.Select(r => r.MeasuredTpotMs).OfType<double>().ToArray();
        if (ttft.Length == 0 && tpot.Length == 0)
        {
            throw new AicSimException(
                $"{flag}: none of the {rows.Count} rows of {file} has a measured silicon_ttft_ms or silicon_tpot_ms (or ttft_ms, tpot_ms, itl_ms: docs/validate.md lists the names read), so there is nothing to {whatFor}. To predict rows without measurements: aicsim estimate --input {file} --output predictions.csv");
        }

        var problems = new List<string>();
        if (tpot.Length > 0 && ArrayStatistics.MedianInplace(tpot) is double t && (t < LeastPlausibleTpotMs || t > MostPlausibleTpotMs))
        {
            problems.Add(Unit("silicon_tpot_ms", t, t < LeastPlausibleTpotMs));
        }

        if (ttft.Length > 0 && ArrayStatistics.MedianInplace(ttft) is double f && f < LeastPlausibleTtftMs)
        {
            problems.Add(Unit("silicon_ttft_ms", f, seconds: true));
        }

        if (problems.Count > 0)
        {
            throw new AicSimException([.. problems.Select(p => $"{flag}: {file}: {p}")]);
        }
    }

    private static string Unit(string column, double median, bool seconds) => string.Create(
        CultureInfo.InvariantCulture,
        $"the median {column} is {median:G4}, which no served model measures in milliseconds: the column looks like {(seconds ? "seconds" : "microseconds")}. Write it in milliseconds ({(seconds ? "multiply by 1000" : "divide by 1000")}).");
}
