using AicSim.Core.Accuracy;

namespace AicSim.Core.Tests;

public sealed class AccuracyCardTests
{
    [Theory]
    // Oracle: numpy.quantile([1, 2, 3, 4, 5], q) by hand — position (n − 1)·q, linear between neighbours.
    [InlineData(0.0, 1.0)]
    [InlineData(0.1, 1.4)]
    [InlineData(0.5, 3.0)]
    [InlineData(0.9, 4.6)]
    [InlineData(1.0, 5.0)]
    public void Quantiles_interpolate_linearly_as_numpy_does(double q, double expected) =>
        Assert.Equal(expected, MetricSpread.Quantile([1.0, 2, 3, 4, 5], q), 12);

    [Fact]
    public void A_spread_gives_the_error_and_the_range_of_measured_over_predicted()
    {
        // Hand calculation: predictions of 100 against 50, 100, 150, 200, 250.
        // Errors |p − m| / m: 100%, 0%, 33.3%, 50%, 60%: mean 48.67%, median 50%.
        // Ratios 0.5, 1, 1.5, 2, 2.5: p10 = 0.5 + 0.4·0.5 = 0.7, p90 = 2 + 0.6·0.5 = 2.3.
        // The unmeasured pair is skipped.
        var spread = MetricSpread.Of([(100, 250), (100, 50), (100, 150), (100, 100), (100, 200), (100, 0)]);
        Assert.Equal(100 * (1 + 0 + (1 / 3.0) + 0.5 + 0.6) / 5, spread.MapePercent, 9);
        Assert.Equal(50, spread.MedianApePercent, 9);
        Assert.Equal(0.7, spread.LowRatio, 12);
        Assert.Equal(2.3, spread.HighRatio, 12);
        var (low, high) = spread.LikelyRange(10);
        Assert.Equal(7, low, 9);
        Assert.Equal(23, high, 9);
    }

    [Fact]
    public void Cards_cover_groups_with_enough_predicted_rows_in_name_order()
    {
        static ScoredRow Row(string system, string mode, double? predicted) => new(system, "vllm", mode, "m", predicted, 10, predicted, 2);
        var rows = new List<ScoredRow>();
        rows.AddRange(Enumerable.Repeat(Row("h200_sxm", "agg", 10), AccuracyCard.MinRows));
        rows.AddRange(Enumerable.Repeat(Row("b200_sxm", "agg", 20), AccuracyCard.MinRows));
        rows.AddRange(Enumerable.Repeat(Row("b200_sxm", "agg", null), 5));                          // not predicted: not scored
        rows.AddRange(Enumerable.Repeat(Row("h200_sxm", "disagg", 10), AccuracyCard.MinRows - 1));  // too few

        var cards = AccuracyCard.From(rows);

        Assert.Equal(["b200_sxm/vllm/agg", "h200_sxm/vllm/agg"], cards.Select(c => c.Group));
        var b200 = cards[0];
        Assert.Equal(AccuracyCard.MinRows, b200.Rows);
        Assert.Equal(100, b200.Ttft.MapePercent, 9);   // 20 predicted, 10 measured
        Assert.Equal(0.5, b200.Ttft.HighRatio, 12);
        Assert.Equal(900, b200.Tpot.MapePercent, 9);   // 20 predicted, 2 measured
        Assert.Equal(0, cards[1].Ttft.MapePercent, 9);
    }

    [Fact]
    public void A_load_band_with_enough_runs_gets_its_own_card_and_is_found_by_the_clients()
    {
        // Hand-made: 12 runs at 4 clients measured at 1× the prediction, 10 at 32 clients at 2×, 5 at 512 clients at 3×.
        static ScoredRow Row(int clients, double measured) => new("h200_sxm", "vllm", "agg", "m", 10, measured, 1, measured / 10, Concurrency: clients);
        var rows = new List<ScoredRow>();
        rows.AddRange(Enumerable.Repeat(Row(4, 10), 12));
        rows.AddRange(Enumerable.Repeat(Row(32, 20), AccuracyCard.MinRows));
        rows.AddRange(Enumerable.Repeat(Row(512, 30), 5));   // too few for a card of their own

        var cards = new AccuracyCards("x", "5-fold", "auto", AccuracyCard.From(rows));

        Assert.Equal(["h200_sxm/vllm/agg", "h200_sxm/vllm/agg at 1–16 clients", "h200_sxm/vllm/agg at 17–64 clients"], cards.Cards.Select(c => c.Scope));
        Assert.Equal(27, cards.Cards[0].Rows);
        Assert.Equal(1.0, cards.Find("h200_sxm", "vllm", "agg", 1)!.Ttft.HighRatio, 12);
        Assert.Equal(2.0, cards.Find("h200_sxm", "vllm", "agg", 64)!.Ttft.LowRatio, 12);
        // Over 64 clients there were 5 runs: the group's card speaks. Its p10 of 12 × 1, 10 × 2 and 5 × 3 by hand: position
        // 0.1·26 = 2.6 among the 1s; its p90 at position 0.9·26 = 23.4.
        var high = cards.Find("h200_sxm", "vllm", "agg", 512)!;
        Assert.Equal(ClientBand.Any, high.Clients);
        Assert.Equal(1.0, high.Ttft.LowRatio, 12);
        Assert.Equal(3.0, high.Ttft.HighRatio, 12);   // position 23.4, among the 3s (22–26)
        Assert.Same(cards.Cards[0], cards.Find("h200_sxm", "vllm", "agg"));
        Assert.Same(cards.Cards[0], cards.Find("h200_sxm", "vllm", "agg", 0));   // concurrency not known
        Assert.Null(cards.Find("b200_sxm", "vllm", "agg", 4));
    }

    [Theory]
    [InlineData(1, "1–16 clients")]
    [InlineData(16, "1–16 clients")]
    [InlineData(17, "17–64 clients")]
    [InlineData(64, "17–64 clients")]
    [InlineData(65, "over 64 clients")]
    [InlineData(100_000, "over 64 clients")]
    public void Every_concurrency_falls_in_one_band(int clients, string label)
    {
        Assert.Equal(label, ClientBand.Of(clients)!.Label);
        Assert.Single(ClientBand.Bands, b => b.Contains(clients));
    }

    [Fact]
    public void Cards_speak_only_for_the_calibration_and_source_they_were_measured_with()
    {
        var cards = new AccuracyCards("x.csv sha256:1", "5-fold", "auto", []);
        Assert.True(cards.Describes("x.csv sha256:1", "auto"));
        Assert.False(cards.Describes("x.csv sha256:2", "auto"));
        Assert.False(cards.Describes("x.csv sha256:1", "tables"));
        Assert.False(new AccuracyCards(string.Empty, "5-fold", "auto", []).Describes(string.Empty, "auto"));
    }
}
