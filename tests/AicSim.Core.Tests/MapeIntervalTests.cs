using AicSim.Core.Accuracy;
using AicSim.Tests;

namespace AicSim.Core.Tests;

public sealed class MapeIntervalTests
{
    [Fact]
    public void Two_configurations_give_the_three_scores_a_redraw_can_have()
    {
        // Hand calculation: configurations "a" (errors 10 %, 10 %) and "b" (30 %, 30 %). A redraw of two is aa, ab, ba or
        // bb, each 1/4: MAPE 10 %, 20 %, 20 %, 30 %. 2.5 % of the draws and more are 10 % and as many are 30 %, so the
        // 95 % interval runs from 10 % to 30 %.
        var interval = MapeInterval.Of(
        [
            ("a", 110.0, 100.0), ("a", 90.0, 100.0),
            ("b", 130.0, 100.0), ("b", 70.0, 100.0),
        ]);
        Assert.NotNull(interval);
        Approx.AssertClose(10, interval.LowPercent, 1e-9);
        Approx.AssertClose(30, interval.HighPercent, 1e-9);
        Assert.Equal((2, MapeInterval.DefaultDraws), (interval.Clusters, interval.Draws));
    }

    [Fact]
    public void A_redraw_is_scored_over_its_rows_not_its_configurations()
    {
        // Hand calculation: five configurations, "a" of one row 100 % off, four of nine exact rows each. A redraw of five
        // holds k copies of "a" with binomial odds (n 5, p 1/5): k ≤ 2 in 94.2 % of redraws, k ≤ 3 in 99.3 %, so the
        // 97.5th percentile is a redraw with k = 3, which scores 3 / (3 + 2·9) = 14.3 % over its rows (averaging the
        // configurations' own MAPEs instead would give 3/5 = 60 %). With none of "a" (32.8 %) a redraw scores 0 %.
        var rows = new List<(string, double, double)> { ("a", 200.0, 100.0) };
        foreach (string c in new[] { "b", "c", "d", "e" })
        {
            rows.AddRange(Enumerable.Repeat((c, 100.0, 100.0), 9));
        }

        var interval = MapeInterval.Of(rows);
        Assert.NotNull(interval);
        Approx.AssertClose(0, interval.LowPercent, 1e-9);
        Approx.AssertClose(300.0 / 21, interval.HighPercent, 1e-9);
    }

    [Fact]
    public void Configurations_that_err_alike_leave_no_doubt()
    {
        // Every configuration 20 % off: every redraw scores 20 %.
        var interval = MapeInterval.Of(Enumerable.Range(0, 12).Select(i => ($"c{i}", 120.0, 100.0)));
        Assert.NotNull(interval);
        Approx.AssertClose(20, interval.LowPercent, 1e-9);
        Approx.AssertClose(20, interval.HighPercent, 1e-9);
    }

    [Fact]
    public void One_configuration_or_none_gives_no_interval()
    {
        Assert.Null(MapeInterval.Of([("a", 110.0, 100.0), ("a", 130.0, 100.0)]));
        Assert.Null(MapeInterval.Of([]));
        // A row without a positive measurement is skipped, as the MAPE skips it.
        Assert.Null(MapeInterval.Of([("a", 110.0, 100.0), ("b", 130.0, 0.0)]));
    }

    [Fact]
    public void The_same_rows_give_the_same_interval_and_another_seed_about_the_same()
    {
        var rows = Enumerable.Range(0, 40).Select(i => ($"c{i % 20}", 100.0 + (i * 3 % 47), 100.0)).ToList();
        var first = MapeInterval.Of(rows)!;
        Assert.Equal(first, MapeInterval.Of(rows));
        var other = MapeInterval.Of(rows, seed: 7)!;
        Assert.InRange(other.LowPercent, first.LowPercent - 2, first.LowPercent + 2);
        Assert.InRange(other.HighPercent, first.HighPercent - 2, first.HighPercent + 2);
        // The interval holds the MAPE of the rows themselves.
        double mape = rows.Average(r => Math.Abs(r.Item2 - r.Item3) / r.Item3) * 100;
        Assert.InRange(mape, first.LowPercent, first.HighPercent);
    }

    [Fact]
    public void A_report_redraws_configurations_and_treats_a_row_without_one_as_its_own()
    {
        // Two configurations of two rows each (10 % and 30 % off): the interval is 10–30 %, as in the hand calculation
        // above. The same four rows without configurations are four clusters, so a redraw can mix them: still 10–30 %,
        // but 20 % is far likelier, and the report says 4 clusters.
        ScoredRow Row(double predicted, string configuration) => new("h100_sxm", "vllm", "agg", "m", predicted, 100, predicted / 10, 10, Configuration: configuration);
        var grouped = AccuracyReport.Of([Row(110, "x"), Row(90, "x"), Row(130, "y"), Row(70, "y")]);
        Assert.Equal(2, grouped.TtftInterval!.Clusters);
        Approx.AssertClose(10, grouped.TtftInterval.LowPercent, 1e-9);
        Approx.AssertClose(30, grouped.TpotInterval!.HighPercent, 1e-9);

        // Each slice redraws its own configurations: the system slice holds both, so it is the same interval.
        var slice = Assert.Single(grouped.Groups, g => g.Dimension == "system");
        Assert.Equal(grouped.TtftInterval, slice.TtftInterval);

        var loose = AccuracyReport.Of([Row(110, ""), Row(90, ""), Row(130, ""), Row(70, "")]);
        Assert.Equal(4, loose.TtftInterval!.Clusters);
        Assert.True(loose.TtftInterval.LowPercent >= 10 && loose.TtftInterval.HighPercent <= 30);
    }
}
