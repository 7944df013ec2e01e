using AicSim.Core.Accuracy;

namespace AicSim.Core.Tests;

public sealed class SweepCurveCheckTests
{
    private static ScoredRow Row(string sweep, int c, double ttft, double tpot, double predictedTtft = 100, double predictedTpot = 10) =>
        new("h200_sxm", "vllm", "agg", "m", predictedTtft, ttft, predictedTpot, tpot, sweep, c);

    [Fact]
    public void A_sweep_on_an_exact_power_law_predicts_itself_exactly()
    {
        // TTFT = 100·√c and TPOT = 10·c^0.25: the line through any two neighbours is the law itself.
        var rows = new[] { 1, 4, 16, 64 }.Select(c => Row("s", c, 100 * Math.Sqrt(c), 10 * Math.Pow(c, 0.25))).ToList();
        var check = SweepCurveCheck.Of(rows);
        Assert.Equal(1, check.Sweeps);
        Assert.Equal(2, check.Curve.Ttft.Count);
        Assert.Equal(0, check.Curve.Ttft.MeanApePercent, 9);
        Assert.Equal(0, check.Curve.Tpot.MeanApePercent, 9);
    }

    [Fact]
    public void An_inner_concurrency_is_predicted_from_its_neighbours_as_by_hand()
    {
        // Hand calculation, TTFT 100, 100, 400, 1600 at c = 1, 2, 4, 8. Inner c = 2 from its neighbours (1, 100) and
        // (4, 400): slope ln 4 / ln 4 = 1, so 200 at c = 2 against 100 measured: 100%. Inner c = 4 from (2, 100) and
        // (8, 1600): slope ln 16 / ln 4 = 2, so 100·2² = 400 at c = 4 against 400: 0%. A power law through all the other
        // points would have missed both (the bend at c = 2), which is why the yardstick is local.
        var rows = new List<ScoredRow> { Row("s", 1, 100, 10), Row("s", 2, 100, 10), Row("s", 4, 400, 10), Row("s", 8, 1600, 10) };
        var check = SweepCurveCheck.Of(rows);
        Assert.Equal(2, check.Curve.Ttft.Count);
        Assert.Equal(50, check.Curve.Ttft.MeanApePercent, 9);
        Assert.Equal(0, check.Curve.Tpot.MeanApePercent, 9);

        // The model's error on the same two rows: 100 against 100 and 400 → 0 and 75%.
        Assert.Equal(37.5, check.Model.Ttft.MeanApePercent, 9);
    }

    [Fact]
    public void A_neighbour_measured_twice_counts_as_its_geometric_mean()
    {
        // c = 1 measured at 50 and 200 (geometric mean 100), c = 4 at 400: the line gives 200 at c = 2, measured 250: 20%.
        var rows = new List<ScoredRow> { Row("s", 1, 50, 10), Row("s", 1, 200, 10), Row("s", 2, 250, 10), Row("s", 4, 400, 10) };
        var check = SweepCurveCheck.Of(rows);
        Assert.Equal(1, check.Curve.Ttft.Count);
        Assert.Equal(20, check.Curve.Ttft.MeanApePercent, 9);
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
        // Two runs at c = 2 (100 and 300): neither is a neighbour while they are predicted, so both meet the line through
        // c = 1 and c = 4 (100 and 400: slope 1, 200 at c = 2): 100% and 33.3%. The ends are not predicted.
        var rows = new List<ScoredRow> { Row("s", 1, 100, 10), Row("s", 2, 100, 10), Row("s", 2, 300, 10), Row("s", 4, 400, 10) };
        var check = SweepCurveCheck.Of(rows);
        Assert.Equal(2, check.Curve.Ttft.Count);
        Assert.Equal((100 + (100.0 / 3)) / 2, check.Curve.Ttft.MeanApePercent, 9);
        Assert.Equal(200, SweepCurveCheck.NeighboursLine((1, 100), (4, 400), 2), 9);
        Assert.Throws<ArgumentException>(() => SweepCurveCheck.NeighboursLine((4, 100), (4, 400), 2));
    }
}
