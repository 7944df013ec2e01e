using AicSim.Core.Accuracy;

namespace AicSim.Core.Tests;

public sealed class SweepCurveCheckTests
{
    private static ScoredRow Row(string sweep, int c, double ttft, double tpot, double predictedTtft = 100, double predictedTpot = 10) =>
        new("h200_sxm", "vllm", "agg", "m", predictedTtft, ttft, predictedTpot, tpot, sweep, c);

    [Fact]
    public void A_sweep_on_an_exact_power_law_predicts_itself_exactly()
    {
        // TTFT = 100·√c and TPOT = 10·c^0.25: every line through the other concurrencies is the law itself.
        var rows = new[] { 1, 4, 16, 64 }.Select(c => Row("s", c, 100 * Math.Sqrt(c), 10 * Math.Pow(c, 0.25))).ToList();
        var check = SweepCurveCheck.Of(rows);
        Assert.Equal(1, check.Sweeps);
        Assert.Equal(2, check.Curve.Ttft.Count);
        Assert.Equal(0, check.Curve.Ttft.MeanApePercent, 9);
        Assert.Equal(0, check.Curve.Tpot.MeanApePercent, 9);
    }

    [Fact]
    public void An_inner_concurrency_is_predicted_from_the_others_as_by_hand()
    {
        // Hand calculation, TTFT 100, 100, 400, 1600 at c = 1, 2, 4, 8. Inner c = 2 from (1, 100), (4, 400), (8, 1600) in
        // log2: x = 0, 2, 3 and y = log2 of 100·(1, 4, 16) → y − log2 100 = 0, 2, 4; least squares: mean x 5/3, mean y 2,
        // Sxx = 25/9 + 1/9 + 16/9 = 42/9, Sxy = (−5/3)(−2) + (1/3)(0) + (4/3)(2) = 6 → slope 54/42 = 9/7, and at x = 1
        // y = 2 + (9/7)(1 − 5/3) = 8/7: 100·2^(8/7) against 100. Inner c = 4 from x = 0, 1, 3 with y = 0, 0, 4: mean x 4/3,
        // mean y 4/3, Sxx = 16/9 + 1/9 + 25/9 = 42/9, Sxy = (−4/3)(−4/3) + (−1/3)(−4/3) + (5/3)(8/3) = 60/9 → slope 10/7, at
        // x = 2: y = 4/3 + (10/7)(2/3) = 48/21 = 16/7: 100·2^(16/7) against 400.
        var rows = new List<ScoredRow> { Row("s", 1, 100, 10), Row("s", 2, 100, 10), Row("s", 4, 400, 10), Row("s", 8, 1600, 10) };
        var check = SweepCurveCheck.Of(rows);
        double c2 = Math.Abs(Math.Pow(2, 8.0 / 7) - 1);
        double c4 = Math.Abs((Math.Pow(2, 16.0 / 7) / 4) - 1);
        Assert.Equal(2, check.Curve.Ttft.Count);
        Assert.Equal(100 * (c2 + c4) / 2, check.Curve.Ttft.MeanApePercent, 9);
        Assert.Equal(0, check.Curve.Tpot.MeanApePercent, 9);

        // The model's error on the same two rows: 100 against 100 and 400 → 0 and 75%.
        Assert.Equal(37.5, check.Model.Ttft.MeanApePercent, 9);
    }

    [Fact]
    public void Sweeps_of_fewer_than_three_concurrencies_and_repeats_of_one_are_left_out()
    {
        var rows = new List<ScoredRow>
        {
            Row("two", 1, 100, 10), Row("two", 8, 200, 20),
            Row("repeats", 4, 100, 10), Row("repeats", 4, 150, 10), Row("repeats", 16, 300, 10),
        };
        var check = SweepCurveCheck.Of(rows);
        Assert.Equal(0, check.Sweeps);
        Assert.Equal(0, check.Curve.Ttft.Count);
    }

    [Fact]
    public void Rows_at_a_held_out_concurrency_are_held_out_together()
    {
        // Two runs at c = 2 (100 and 300): neither is fitted while they are predicted, so both meet the line through
        // c = 1 and c = 4 (100 and 400: slope 1, 200 at c = 2): 100% and 33.3%. The ends are not predicted.
        var rows = new List<ScoredRow> { Row("s", 1, 100, 10), Row("s", 2, 100, 10), Row("s", 2, 300, 10), Row("s", 4, 400, 10) };
        var check = SweepCurveCheck.Of(rows);
        Assert.Equal(2, check.Curve.Ttft.Count);
        Assert.Equal((100 + (100.0 / 3)) / 2, check.Curve.Ttft.MeanApePercent, 9);
        Assert.Equal(200, SweepCurveCheck.PowerLaw([(1, 100), (4, 400)])(2), 9);
    }
}
