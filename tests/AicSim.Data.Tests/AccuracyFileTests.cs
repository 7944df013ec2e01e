using AicSim.Core.Accuracy;
using AicSim.Core.Calibration;
using AicSim.Core.Errors;
using AicSim.Data.Calibration;
using AicSim.Tests;

namespace AicSim.Data.Tests;

public sealed class AccuracyFileTests
{
    private static readonly AccuracyCards Sample = new("x.csv sha256:1", "5-fold cross-validation grouped by configuration", "auto",
    [
        new AccuracyCard("h200_sxm", "vllm", "agg", 40, new MetricSpread(31.84, 16.33, 0.72649, 1.4912), new MetricSpread(18.9, 13.4, 0.865, 1.652), ClientBand.Any),
        new AccuracyCard("h200_sxm", "vllm", "agg", 22, new MetricSpread(20.04, 11.1, 0.8, 1.2), new MetricSpread(9.9, 8.8, 0.9, 1.1), new ClientBand(1, 16)),
        new AccuracyCard("h200_sxm", "vllm", "agg", 11, new MetricSpread(60.5, 50.5, 0.9, 3.5), new MetricSpread(30.5, 25.5, 1.1, 1.7), new ClientBand(65, null)),
    ]);

    private static string Temp(string name) => Path.Combine(Directory.CreateTempSubdirectory().FullName, name);

    [Fact]
    public void A_saved_file_loads_back_rounded_as_written()
    {
        string path = Temp("accuracy.yaml");
        AccuracyFile.Save(path, Sample, "aicsim validate ...");
        var back = AccuracyFile.Load(path);
        Assert.Equal(Sample.FittedOn, back.FittedOn);
        Assert.Equal(Sample.Method, back.Method);
        Assert.Equal("auto", back.PerfSource);
        Assert.Equal(3, back.Cards.Count);
        var card = back.Cards[0];
        Assert.Equal("h200_sxm/vllm/agg", card.Group);
        Assert.Equal(ClientBand.Any, card.Clients);
        Assert.Equal(40, card.Rows);
        // Percentages to one decimal, ratios to three.
        Assert.Equal(new MetricSpread(31.8, 16.3, 0.726, 1.491), card.Ttft);
        Assert.Equal(Sample.Cards[0].Tpot, card.Tpot);
        Assert.Equal(new ClientBand(1, 16), back.Cards[1].Clients);
        Assert.Equal(new ClientBand(65, null), back.Cards[2].Clients);
        Assert.Equal(new MetricSpread(20.0, 11.1, 0.8, 1.2), back.Cards[1].Ttft);
        Assert.Contains("clients_min: 65, rows: 11,", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("version: 7\ngroups: []\n", "version 7")]
    [InlineData("version: 1\ngroups: []\n", "version 1")]
    [InlineData("version: 1\ngroups: [{system: h200_sxm, colour: red}]\n", "not an accuracy file")]
    public void A_file_of_another_version_or_shape_is_refused_with_the_fix(string text, string expected)
    {
        string path = Temp("accuracy.yaml");
        File.WriteAllText(path, text);
        var e = Assert.Throws<AicSimException>(() => AccuracyFile.Load(path));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains("--accuracy-out", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_card_turns_a_prediction_into_the_range_measurements_fell_in()
    {
        var calibration = new CalibrationSet(CalibrationSet.CurrentVersion, "x.csv sha256:1", []);
        var view = AccuracyLookup.Find(Sample, calibration, "auto", "h200_sxm", "vllm", "agg", 200, 10);
        Assert.Same(Sample.Cards[0], view.Card);

        // Hand calculation: 200 ms × 0.72649 and × 1.4912; 10 ms × 0.865 and × 1.652.
        Assert.Contains("145–298 ms here", view.Note, StringComparison.Ordinal);
        Assert.Contains("8.65–16.52 ms", view.Note, StringComparison.Ordinal);
        var json = AccuracyLookup.Json(view, 200, 10)!;
        Assert.Equal(200 * 0.72649, (double)json["ttft"]!["likely_ms"]![0]!, 9);
        Assert.Equal(10 * 1.652, (double)json["tpot"]!["likely_ms"]![1]!, 9);
        Assert.Equal(40, (int)json["measured_runs"]!);
        Assert.False(json.ContainsKey("clients_min"));

        // At 200 clients the band over 64 speaks: its own range, named in the note and the JSON.
        var busy = AccuracyLookup.Find(Sample, calibration, "auto", "h200_sxm", "vllm", "agg", 200, 10, clients: 200);
        Assert.Same(Sample.Cards[2], busy.Card);
        Assert.StartsWith("h200_sxm/vllm/agg at over 64 clients, ", busy.Note, StringComparison.Ordinal);
        Assert.Contains("180–700 ms here", busy.Note, StringComparison.Ordinal);   // 200 × 0.9 and × 3.5
        var busyJson = AccuracyLookup.Json(busy, 200, 10)!;
        Assert.Equal(65, (int)busyJson["clients_min"]!);
        Assert.False(busyJson.ContainsKey("clients_max"));
    }

    [Fact]
    public void Without_a_card_for_the_prediction_the_note_says_why()
    {
        var fitted = new CalibrationSet(CalibrationSet.CurrentVersion, "x.csv sha256:1", []);
        Assert.Contains("no accuracy file", AccuracyLookup.Find(null, fitted, "auto", "h200_sxm", "vllm", "agg", 1, 1).Note, StringComparison.Ordinal);
        Assert.Contains("--calibration none", AccuracyLookup.Find(Sample, CalibrationSet.None, "auto", "h200_sxm", "vllm", "agg", 1, 1).Note, StringComparison.Ordinal);
        Assert.Contains("--perf-source tables", AccuracyLookup.Find(Sample, fitted, "tables", "h200_sxm", "vllm", "agg", 1, 1).Note, StringComparison.Ordinal);
        var none = AccuracyLookup.Find(Sample, fitted, "auto", "a100_sxm", "vllm", "agg", 1, 1);
        Assert.Null(none.Card);
        Assert.Null(AccuracyLookup.Json(none, 1, 1));
        Assert.Contains("a100_sxm/vllm/agg", none.Note, StringComparison.Ordinal);
        Assert.Contains("unvalidated", none.Note, StringComparison.Ordinal);
        Assert.DoesNotContain("median", none.Note, StringComparison.Ordinal);

        // Where the system takes its backend's median group, the note says whose constants priced it.
        var withShared = fitted with { Groups = [new CalibrationGroup(CalibrationGroup.AnySystem, "vllm", 754, 0.77, 0.81, 56, 15, 0.24, 50, 3.6, 1.24)] };
        var shared = AccuracyLookup.Find(Sample, withShared, "auto", "a100_sxm", "vllm", "agg", 1, 1);
        Assert.Contains("a100_sxm has no vllm constants of its own and takes the median of vllm's on the systems fitted (754 runs)", shared.Note, StringComparison.Ordinal);

        // With a card of systems held out whole, that card speaks for it, under the method that made it; a system with
        // constants of its own never borrows it.
        var anyCard = new AccuracyCard(CalibrationGroup.AnySystem, "vllm", "agg", 300, new MetricSpread(26, 21, 0.5, 2.0), new MetricSpread(12, 8, 0.9, 1.5), ClientBand.Any);
        var withAny = Sample with { Cards = [.. Sample.Cards, anyCard], AnySystemMethod = "5-fold cross-validation grouped by system-backend" };
        var borrowed = AccuracyLookup.Find(withAny, withShared, "auto", "a100_sxm", "vllm", "agg", 100, 10);
        Assert.Same(anyCard, borrowed.Card);
        Assert.Equal("5-fold cross-validation grouped by system-backend", borrowed.Method);
        Assert.Contains("a100_sxm has no vllm constants of its own and takes the median of vllm's on the systems fitted; vllm/agg on systems held out whole from the fit, 5-fold cross-validation grouped by system-backend over 300 measured runs", borrowed.Note, StringComparison.Ordinal);
        Assert.Contains("TTFT 0.50–2.00× the prediction (50–200 ms here", borrowed.Note, StringComparison.Ordinal);
        var own = fitted with { Groups = [new CalibrationGroup("a100_sxm", "vllm", 30, 0.77, 0.81, 56, 15, 0.24, 50, 3.6, 1.24)] };
        Assert.Null(AccuracyLookup.Find(withAny, own, "auto", "a100_sxm", "vllm", "agg", 100, 10).Card);

        // The file keeps the method of those cards.
        string path = Temp("accuracy.yaml");
        AccuracyFile.Save(path, withAny, "aicsim validate ...");
        Assert.Equal(withAny.AnySystemMethod, AccuracyFile.Load(path).AnySystemMethod);
    }

    [Fact]
    public void The_bundled_accuracy_describes_the_bundled_calibration_of_the_shared_measurements()
    {
        // Stale cards would vouch for constants they never measured: both files must name the same measurements, the
        // ones in ../shared/data. Re-run the command in the file's header when this fails.
        var cards = AccuracyFile.LoadDefault();
        Assert.NotNull(cards);
        var calibration = CalibrationFile.LoadDefault();
        Assert.Equal(CalibrationFile.Fingerprint(SharedData.CalibrationCsv), cards.FittedOn);
        Assert.True(cards.Describes(calibration.FittedOn, "auto"));

        // Every aggregated group the calibration was fitted for on the target systems has its card.
        foreach (var g in calibration.Groups.Where(g => Validation.TargetSystems.Contains(g.System) && g.Rows >= 2 * AccuracyCard.MinRows))
        {
            Assert.NotNull(cards.Find(g.System, g.Backend, "agg"));
        }

        // A band's runs are some of its group's.
        Assert.All(cards.Cards.Where(c => c.Clients != ClientBand.Any), b => Assert.InRange(b.Rows, AccuracyCard.MinRows, cards.Find(b.System, b.Backend, b.Mode)!.Rows));
        Assert.Contains(cards.Cards, c => c.Clients == new ClientBand(65, null));
        Assert.All(cards.Cards, c =>
        {
            Assert.True(c.Rows >= AccuracyCard.MinRows);
            Assert.InRange(c.Ttft.LowRatio, 0.01, c.Ttft.HighRatio);
            Assert.InRange(c.Tpot.LowRatio, 0.01, c.Tpot.HighRatio);
        });
    }
}
