using AicSim.Core.Errors;
using AicSim.Data.Calibration;
using AicSim.Tests;

namespace AicSim.Data.Tests;

public sealed class MeasurementCheckTests
{
    private static readonly IReadOnlyList<SiliconRow> Measured = SiliconCsv.Read(SharedData.CalibrationCsv);

    private static SiliconRow[] Scaled(double factor) =>
        [.. Measured.Take(200).Select(r => r with { MeasuredTtftMs = r.MeasuredTtftMs * factor, MeasuredTpotMs = r.MeasuredTpotMs * factor })];

    [Fact]
    public void Real_measurements_in_milliseconds_pass()
    {
        // Oracle: the calibration file, measured in milliseconds (TPOT 1.9–560 ms, TTFT 30 ms–303 s).
        Assert.Null(Record.Exception(() => MeasurementCheck.Require(Measured, "calibration.csv", "--silicon", "fit")));
    }

    [Fact]
    public void Times_in_seconds_are_refused_with_the_factor_that_fixes_them()
    {
        var e = Assert.Throws<AicSimException>(() => MeasurementCheck.Require(Scaled(0.001), "s.csv", "--silicon", "fit"));
        Assert.Equal(2, e.Problems.Count);
        Assert.All(e.Problems, p => Assert.Contains("looks like seconds", p, StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("--silicon: s.csv: the median silicon_tpot_ms is", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("silicon_ttft_ms", StringComparison.Ordinal) && p.Contains("multiply by 1000", StringComparison.Ordinal));
    }

    [Fact]
    public void Times_in_microseconds_are_refused_too()
    {
        var e = Assert.Throws<AicSimException>(() => MeasurementCheck.Require(Scaled(1000), "us.csv", "--silicon", "fit"));
        Assert.Contains("looks like microseconds", e.Message, StringComparison.Ordinal);
        Assert.Contains("divide by 1000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_without_measurements_is_refused_with_where_to_predict_it()
    {
        var e = Assert.Throws<AicSimException>(() => MeasurementCheck.Require(Scaled(0).Select(r => r with { MeasuredTtftMs = null, MeasuredTpotMs = null }).ToArray(), "p.csv", "--silicon", "fit"));
        Assert.Contains("none of the 200 rows of p.csv", e.Message, StringComparison.Ordinal);
        Assert.Contains("aicsim estimate --input p.csv", e.Message, StringComparison.Ordinal);
    }
}
