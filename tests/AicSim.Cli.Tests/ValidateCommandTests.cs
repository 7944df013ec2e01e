using System.Globalization;
using AicSim.Data.Calibration;
using AicSim.Tests;

namespace AicSim.Cli.Tests;

/// <summary>validate and calibrate on a slice of the calibration file (read from ../shared/data, written to a temp folder).</summary>
public sealed class ValidateCommandTests
{
    /// <summary>validate --output's rows by id: status, mode, the clients each was read at, predicted TTFT and TPOT.</summary>
    private static Dictionary<string, (string Status, string Mode, int Clients, double Ttft, double Tpot)> Predicted(string path)
    {
        using var text = File.OpenText(path);
        using var csv = CsvHelper.CsvReader.Create(text, new CsvHelper.CsvReaderOptions { Separator = ',', FormatProvider = CultureInfo.InvariantCulture });
        var rows = new Dictionary<string, (string, string, int, double, double)>();
        while (csv.Read())
        {
            static double Number(string? s) => string.IsNullOrEmpty(s) ? double.NaN : double.Parse(s, CultureInfo.InvariantCulture);
            string? clients = csv.GetString("concurrency");
            rows[csv.GetString("id")!] = (csv.GetString("status")!, csv.GetString("mode")!, string.IsNullOrEmpty(clients) ? 0 : int.Parse(clients, CultureInfo.InvariantCulture),
                Number(csv.GetString("predicted_ttft_ms")), Number(csv.GetString("predicted_tpot_ms")));
        }

        return rows;
    }

    private static string Slice(int rows)
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "slice.csv");
        File.WriteAllLines(path, File.ReadLines(SharedData.CalibrationCsv).Take(rows + 1));
        return path;
    }

    [Fact]
    public void Validate_reports_coverage_and_error_and_writes_per_row_results()
    {
        // The slice, plus its first row moved to a system AicSim does not model: counted as unsupported, not dropped.
        string slice = Slice(400);
        var first = File.ReadLines(slice).Skip(1).First().Split(',');
        first[0] += "_mi300x";
        first[5] = "mi300x";
        File.AppendAllLines(slice, [string.Join(',', first)]);
        string output = Path.Combine(Path.GetDirectoryName(slice)!, "rows.csv");
        var (exit, text) = Cli.Run("validate", "--silicon", slice, "--output", output);
        Assert.Equal(0, exit);
        Assert.Contains("All 401 rows", text, StringComparison.Ordinal);
        Assert.Contains("TTFT MAPE", text, StringComparison.Ordinal);
        Assert.Contains("system: b300_sxm", text, StringComparison.Ordinal);
        Assert.Contains("system: mi300x", text, StringComparison.Ordinal);
        Assert.Contains("Within sweeps", text, StringComparison.Ordinal);
        Assert.Contains("concurrency: ", text, StringComparison.Ordinal);
        Assert.Contains("shape: ", text, StringComparison.Ordinal);
        var lines = File.ReadAllLines(output);
        Assert.Equal(402, lines.Length);
        Assert.StartsWith("id,system,backend,mode,model,complete,status,predicted_ttft_ms,measured_ttft_ms,ttft_error_pct", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("_mi300x,mi300x,", StringComparison.Ordinal) && l.Contains(",unsupported,", StringComparison.Ordinal));

        // The load and mapping each row was read as, beside its own isl and osl (oracle: the slice's first row, an
        // aggregated TP row whose batch_size is its concurrency).
        Assert.Contains(",message,isl,osl,concurrency,mapping,mapping_family,", lines[0], StringComparison.Ordinal);
        var header = File.ReadLines(slice).First().Split(',');
        var source = File.ReadLines(slice).Skip(1).First().Split(',');
        string Col(string name) => source[Array.IndexOf(header, name)];
        Assert.Equal("agg", Col("mode"));
        Assert.Contains($",{Col("isl")},{Col("osl")},{Col("batch_size")},TP{Col("tp_size")},TP,", lines[1], StringComparison.Ordinal);

        // Where each predicted TTFT and TPOT go, part by part: the parts add up to the row's own predicted TTFT and TPOT
        // (arithmetic on the file), and a row that was not predicted has none.
        string[] parts = ["ttft_request_overhead_ms", "ttft_running_steps_ms", "ttft_prefill_ms", "ttft_wait_ms", "ttft_handoff_ms", "tpot_decode_ms", "tpot_prefill_kernels_ms", "tpot_prompt_launches_ms"];
        Assert.EndsWith("," + string.Join(',', parts), lines[0], StringComparison.Ordinal);
        // The columns before the message hold no commas, and the parts are the last eight: five of TTFT, three of TPOT.
        int predicted = 0;
        int withPrefillMixedIn = 0;
        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split(',');
            var values = fields[^8..];
            if (fields[6] != "ok")
            {
                Assert.All(values, v => Assert.Equal(string.Empty, v));
                continue;
            }

            double[] ms = [.. values.Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
            Approx.AssertClose(double.Parse(fields[7], CultureInfo.InvariantCulture), ms[..5].Sum(), 1e-9);
            Approx.AssertClose(double.Parse(fields[10], CultureInfo.InvariantCulture), ms[5..].Sum(), 1e-9);
            withPrefillMixedIn += ms[7] > 0 ? 1 : 0;
            predicted++;
        }

        Assert.True(withPrefillMixedIn > 0, "no aggregated row carries its prompts' launches");

        Assert.True(predicted > 300, $"{predicted} rows predicted");
    }

    [Fact]
    public void Validate_reports_the_data_checks_and_writes_them_on_request()
    {
        string slice = Slice(400);
        string checks = Path.Combine(Path.GetDirectoryName(slice)!, "checks.csv");
        var (exit, text) = Cli.Run("validate", "--silicon", slice, "--data-checks", checks);
        Assert.Equal(0, exit);
        Assert.Contains("Data checks (every row is still scored)", text, StringComparison.Ordinal);
        Assert.Matches(@"Repeats: \d+ target rows in \d+ configurations that AicSim reads alike measure differently", text.ReplaceLineEndings(" "));
        Assert.Matches(@"Sweeps against themselves: in the \d+ target rows of \d+ sweeps measured at 3 or more concurrencies", text.ReplaceLineEndings(" "));
        var lines = File.ReadAllLines(checks);
        Assert.Equal("id,check,message", lines[0]);
        Assert.All(lines.Skip(1), l => Assert.True(l.Contains(",same-as-other-mapping,", StringComparison.Ordinal) || l.Contains(",same-as-disaggregated,", StringComparison.Ordinal) || l.Contains(",few-in-flight,", StringComparison.Ordinal) || l.Contains(",client-cap,", StringComparison.Ordinal) || l.Contains(",below-memory-floor,", StringComparison.Ordinal) || l.Contains(",ttft-stall,", StringComparison.Ordinal), l));
    }

    [Fact]
    public void A_file_without_sweeps_reports_no_sweep_line_and_never_a_nan()
    {
        // One row: no series, no repeats, no sweep of three concurrencies. Every line must still read as a number or a sentence.
        string slice = Slice(1);
        var (exit, text) = Cli.Run("validate", "--silicon", slice);
        Assert.Equal(0, exit);
        Assert.DoesNotContain("NaN", text, StringComparison.Ordinal);
        Assert.Contains("Sweeps against themselves: no target rows lie inside a sweep", text.ReplaceLineEndings(" "), StringComparison.Ordinal);
    }

    [Fact]
    public void The_score_without_the_rows_a_data_check_names_is_the_per_row_file_s()
    {
        // Oracle: the per-row CSV and the data-check CSV the same run writes. The target rows (complete, predicted, on
        // the four target systems) whose id no check names, their absolute errors averaged by hand here.
        string dir = Directory.CreateTempSubdirectory().FullName;
        string rows = Path.Combine(dir, "rows.csv");
        string checks = Path.Combine(dir, "checks.csv");
        var (exit, text) = Cli.Run("validate", "--silicon", SharedData.CalibrationCsv, "--output", rows, "--data-checks", checks);
        Assert.Equal(0, exit);
        var named = File.ReadLines(checks).Skip(1).Select(l => l.Split(',')[0]).ToHashSet(StringComparer.Ordinal);
        var target = File.ReadLines(rows).Skip(1).Select(l => l.Split(','))
            .Where(f => Validation.TargetSystems.Contains(f[1]) && f[5] == "true" && f[6] == "ok" && !named.Contains(f[0]))
            .ToList();
        double ttft = target.Average(f => Math.Abs(double.Parse(f[9], System.Globalization.CultureInfo.InvariantCulture)));
        double tpot = target.Average(f => Math.Abs(double.Parse(f[12], System.Globalization.CultureInfo.InvariantCulture)));
        // The file's errors are rounded to 0.01%, so the averages agree to within that, not to the printed digit.
        var m = System.Text.RegularExpressions.Regex.Match(text.ReplaceLineEndings(" "), @"the other (\d+) score TTFT ([\d.]+)% and TPOT ([\d.]+)% MAPE");
        Assert.True(m.Success, text);
        Assert.Equal(target.Count, int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(ttft, double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), 0.06);
        Assert.Equal(tpot, double.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture), 0.06);
    }

    [Fact]
    public void Validate_draws_predicted_against_measured()
    {
        string slice = Slice(400);
        string dir = Path.Combine(Path.GetDirectoryName(slice)!, "plots");
        var (exit, text) = Cli.Run("validate", "--silicon", slice, "--plots", dir);
        Assert.Equal(0, exit);
        Assert.Contains("accuracy_tpot.png", text, StringComparison.Ordinal);
        foreach (string name in new[] { "accuracy_ttft.png", "accuracy_tpot.png" })
        {
            // The PNG signature (ISO/IEC 15948): the file is a real image, not an empty placeholder.
            var bytes = File.ReadAllBytes(Path.Combine(dir, name));
            Assert.True(bytes.Length > 10_000, $"{name}: {bytes.Length} bytes");
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        }
    }

    [Fact]
    public void The_reported_mape_is_the_mean_of_the_rows_absolute_percentage_errors()
    {
        // A hand-made file of three rows with chosen measurements; the oracle is the MAPE computed here, by hand formula,
        // from the predictions validate writes next to them.
        string dir = Directory.CreateTempSubdirectory().FullName;
        string input = Path.Combine(dir, "rows.csv");
        string output = Path.Combine(dir, "out.csv");
        File.WriteAllLines(input,
        [
            "id,backend,model_path,system,mode,isl,osl,batch_size,tp_size,silicon_ttft_ms,silicon_tpot_ms",
            "a,vllm,Qwen/Qwen3-32B,h200_sxm,agg,1000,500,8,2,100,10",
            "b,trtllm,Qwen/Qwen3-32B,h100_sxm,agg,2000,200,32,4,400,25",
            "c,sglang,meta-llama/Llama-3.1-8B-Instruct,h200_sxm,agg,4000,1000,64,1,900,12",
        ]);
        var (exit, text) = Cli.Run("validate", "--silicon", input, "--output", output, "--calibration", "none");
        Assert.Equal(0, exit);
        var rows = File.ReadAllLines(output).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(3, rows.Count);
        static double D(string s) => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
        double ttft = rows.Average(r => Math.Abs(D(r[7]) - D(r[8])) / D(r[8])) * 100;
        double tpot = rows.Average(r => Math.Abs(D(r[10]) - D(r[11])) / D(r[11])) * 100;
        string all = text.Split('\n').First(l => l.Contains(" all ", StringComparison.Ordinal));
        Assert.Contains(ttft.ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + "%", all, StringComparison.Ordinal);
        Assert.Contains(tpot.ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + "%", all, StringComparison.Ordinal);

        // Redrawing the three configurations (one row each): three copies of the best row are 1/27 = 3.7 % of the draws,
        // more than the 2.5 % tail, so the interval runs from the best row's error to the worst's (hand calculation).
        static string P(double v) => v.ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + "%";
        var ttftApes = rows.Select(r => Math.Abs(D(r[7]) - D(r[8])) / D(r[8]) * 100).ToList();
        var tpotApes = rows.Select(r => Math.Abs(D(r[10]) - D(r[11])) / D(r[11]) * 100).ToList();
        string flat = string.Join(' ', text.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Redrawing the 3 configurations", flat, StringComparison.Ordinal);
        Assert.Contains($"TTFT MAPE {P(ttftApes.Min())}–{P(ttftApes.Max())} and TPOT MAPE {P(tpotApes.Min())}–{P(tpotApes.Max())}", flat, StringComparison.Ordinal);
    }

    [Fact]
    public void The_summary_is_the_printed_report_as_json()
    {
        // The hand-made file of the test above and a row of a system AicSim does not model. Oracles: the MAPEs by hand
        // formula from the per-row file, 3 of 4 rows predicted, and the interval of three one-row configurations running
        // from the best row's error to the worst's (hand calculation above).
        string dir = Directory.CreateTempSubdirectory().FullName;
        string input = Path.Combine(dir, "rows.csv");
        string output = Path.Combine(dir, "out.csv");
        string summary = Path.Combine(dir, "report", "summary.json");
        File.WriteAllLines(input,
        [
            "id,backend,model_path,system,mode,isl,osl,batch_size,tp_size,silicon_ttft_ms,silicon_tpot_ms",
            "a,vllm,Qwen/Qwen3-32B,h200_sxm,agg,1000,500,8,2,100,10",
            "b,trtllm,Qwen/Qwen3-32B,h100_sxm,agg,2000,200,32,4,400,25",
            "c,sglang,meta-llama/Llama-3.1-8B-Instruct,h200_sxm,agg,4000,1000,64,1,900,12",
            "d,vllm,Qwen/Qwen3-32B,mi300x,agg,1000,500,8,2,100,10",
        ]);
        var (exit, text) = Cli.Run("validate", "--silicon", input, "--output", output, "--calibration", "none", "--summary", summary);
        Assert.Equal(0, exit);
        Assert.Contains("Report as JSON", text, StringComparison.Ordinal);
        static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);
        var rows = File.ReadAllLines(output).Skip(1).Select(l => l.Split(',')).Where(r => r[6] == "ok").ToList();
        var ttftApes = rows.Select(r => Math.Abs(D(r[7]) - D(r[8])) / D(r[8]) * 100).ToList();
        var tpotApes = rows.Select(r => Math.Abs(D(r[10]) - D(r[11])) / D(r[11]) * 100).ToList();

        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(summary));
        var root = doc.RootElement;
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.Equal(input, root.GetProperty("input").GetString());
        Assert.Equal(Data.ToolVersion.Current, root.GetProperty("tool_version").GetString());
        var all = root.GetProperty("reports").GetProperty("all");
        Assert.Equal((4, 3), (all.GetProperty("rows").GetInt32(), all.GetProperty("predicted_rows").GetInt32()));
        Approx.AssertClose(0.75, all.GetProperty("coverage").GetDouble(), 1e-12);
        var ttft = all.GetProperty("ttft");
        Approx.AssertClose(ttftApes.Average(), ttft.GetProperty("mape_pct").GetDouble(), 1e-6);
        Approx.AssertClose(tpotApes.Average(), all.GetProperty("tpot").GetProperty("mape_pct").GetDouble(), 1e-6);
        Assert.InRange(ttft.GetProperty("within_25_pct").GetDouble(), 0, 100);
        var interval = ttft.GetProperty("mape_interval");
        Assert.Equal(3, interval.GetProperty("configurations").GetInt32());
        Approx.AssertClose(ttftApes.Min(), interval.GetProperty("low_pct").GetDouble(), 1e-6);
        Approx.AssertClose(ttftApes.Max(), interval.GetProperty("high_pct").GetDouble(), 1e-6);

        // A slice redraws its own configurations: h200_sxm holds rows a and c, one configuration each, so its interval
        // runs from the better of the two rows' errors to the worse (each pair drawn alike is 1/4 of the draws).
        var h200 = all.GetProperty("slices").EnumerateArray().Single(s => s.GetProperty("value").GetString() == "h200_sxm");
        var h200Apes = new[] { ttftApes[0], ttftApes[2] };
        var h200Interval = h200.GetProperty("ttft").GetProperty("mape_interval");
        Assert.Equal(2, h200Interval.GetProperty("configurations").GetInt32());
        Approx.AssertClose(h200Apes.Min(), h200Interval.GetProperty("low_pct").GetDouble(), 1e-6);
        Approx.AssertClose(h200Apes.Max(), h200Interval.GetProperty("high_pct").GetDouble(), 1e-6);

        // A slice with nothing predicted has no error to report: null, not NaN, and not left out.
        var mi300x = all.GetProperty("slices").EnumerateArray().Single(s => s.GetProperty("value").GetString() == "mi300x");
        Assert.Equal(0, mi300x.GetProperty("predicted_rows").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, mi300x.GetProperty("ttft").GetProperty("mape_pct").ValueKind);

        // The target rows: the three predicted ones, complete and on h100/h200 (mi300x is no target system).
        Assert.Equal(3, root.GetProperty("reports").GetProperty("target").GetProperty("rows").GetInt32());
        var checks = root.GetProperty("data_checks");
        foreach (string check in new[] { DataChecks.SameAsOtherMapping, DataChecks.SameAsDisaggregated, DataChecks.FewInFlight, DataChecks.ClientCap, DataChecks.BelowMemoryFloor, DataChecks.TtftStall })
        {
            Assert.Equal(0, checks.GetProperty(check).GetInt32());
        }
    }

    [Fact]
    public void Rows_read_as_measured_through_a_client_of_one_connection_wait_in_it()
    {
        // Oracle: what a one-connection client does to a closed loop. Every row of more than one client then runs one
        // request at a time (TPOT no higher than with all its clients in flight) and queues the rest in the client (TTFT
        // higher); a one-client row is untouched.
        string slice = Slice(120);
        string dir = Directory.CreateTempSubdirectory().FullName;
        string open = Path.Combine(dir, "open.csv");
        string one = Path.Combine(dir, "one.csv");
        Assert.Equal(0, Cli.Run("validate", "--silicon", slice, "--output", open).Exit);
        Assert.Equal(0, Cli.Run("validate", "--silicon", slice, "--client-connections", "1", "--output", one).Exit);
        var before = Predicted(open);
        int compared = 0;
        foreach (var (id, after) in Predicted(one).Where(p => p.Value.Status == "ok"))
        {
            var was = before[id];
            if (after.Clients > 1 && after.Mode == "agg")
            {
                Assert.True(after.Ttft > was.Ttft, id);
                Assert.True(after.Tpot <= was.Tpot, id);
                compared++;
            }
            else if (after.Clients == 1)
            {
                Assert.Equal(was.Ttft, after.Ttft);
            }
        }

        Assert.True(compared > 20, $"only {compared} rows compared");
        Assert.Equal(1, Cli.Run("validate", "--silicon", slice, "--client-connections", "0").Exit);
    }

    [Fact]
    public void Cross_validation_fits_every_fold()
    {
        var (exit, text) = Cli.Run("validate", "--silicon", Slice(600), "--folds", "2", "--max-evaluations", "40");
        Assert.Equal(0, exit);
        Assert.Contains("fold 2/2", text, StringComparison.Ordinal);
        Assert.Contains("2-fold cross-validation", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Cross_validated_accuracy_is_written_reproducibly_from_the_rows_it_scored()
    {
        // Oracle: the MAPE and the 10th/90th percentiles of measured / predicted recomputed here, by hand formula
        // (numpy's linear quantile), from the per-row predictions the same run writes; and a second run writes the same bytes.
        string slice = Slice(600);
        string dir = Path.GetDirectoryName(slice)!;
        string rowsCsv = Path.Combine(dir, "rows.csv");
        string[] common = ["validate", "--silicon", slice, "--folds", "2", "--max-evaluations", "40"];
        string yaml = Path.Combine(dir, "accuracy.yaml");
        var (exit, text) = Cli.Run([.. common, "--output", rowsCsv, "--accuracy-out", yaml]);
        Assert.Equal(0, exit);
        Assert.Contains("Accuracy of", text, StringComparison.Ordinal);
        string first = File.ReadAllText(yaml);
        Assert.Equal(0, Cli.Run([.. common, "--accuracy-out", yaml]).Exit);
        Assert.Equal(first, File.ReadAllText(yaml));

        var cards = AccuracyFile.Load(yaml);
        Assert.Equal(CalibrationFile.Fingerprint(slice), cards.FittedOn);
        Assert.Equal("2-fold cross-validation grouped by configuration", cards.Method);
        static double D(string s) => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
        var scored = File.ReadAllLines(rowsCsv).Skip(1).Select(l => l.Split(','))
            .Where(r => r[5] == "true" && r[6] == "ok" && D(r[8]) > 0 && D(r[11]) > 0)
            .GroupBy(r => $"{r[1]}/{r[2]}/{r[3]}").Where(g => g.Count() >= 10).ToList();
        Assert.NotEmpty(scored);
        var groupCards = cards.Cards.Where(c => c.Clients == Core.Accuracy.ClientBand.Any && c.System != Core.Calibration.CalibrationGroup.AnySystem).ToList();
        Assert.Equal(scored.Select(g => g.Key).Order(StringComparer.Ordinal), groupCards.Select(c => c.Group));
        static double Quantile(double[] sorted, double q)
        {
            double h = (sorted.Length - 1) * q;
            int i = (int)h;
            return i + 1 < sorted.Length ? sorted[i] + ((h - i) * (sorted[i + 1] - sorted[i])) : sorted[i];
        }

        // Every row of this slice names its clients (silicon_concurrency=N in its source): the band cards are recomputed
        // from that and the per-row file.
        var clients = File.ReadLines(slice).Skip(1).ToDictionary(l => l[..l.IndexOf(',', StringComparison.Ordinal)],
            l => int.Parse(System.Text.RegularExpressions.Regex.Match(l, @"silicon_concurrency=(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);
        var expected = scored.Select(g => (Key: g.Key, Band: Core.Accuracy.ClientBand.Any, Rows: g.ToList())).ToList();
        foreach (var g in scored)
        {
            foreach (var band in Core.Accuracy.ClientBand.Bands)
            {
                var inBand = g.Where(r => band.Contains(clients[r[0]])).ToList();
                if (inBand.Count >= 10)
                {
                    expected.Add((g.Key, band, inBand));
                }
            }
        }

        Assert.Equal(expected.Count, cards.Cards.Count(c => c.System != Core.Calibration.CalibrationGroup.AnySystem));
        foreach (var (key, band, rows) in expected)
        {
            var card = cards.Cards.Single(c => c.Group == key && c.Clients == band);
            Assert.Equal(rows.Count, card.Rows);
            double mape = rows.Average(r => Math.Abs(D(r[7]) - D(r[8])) / D(r[8])) * 100;
            var ratios = rows.Select(r => D(r[11]) / D(r[10])).Order().ToArray();
            Assert.Equal(Math.Round(mape, 1), card.Ttft.MapePercent, 9);
            Assert.Equal(Math.Round(Quantile(ratios, 0.1), 3), card.Tpot.LowRatio, 9);
            Assert.Equal(Math.Round(Quantile(ratios, 0.9), 3), card.Tpot.HighRatio, 9);
        }

        Assert.Contains(cards.Cards, c => c.Clients != Core.Accuracy.ClientBand.Any);

        // The cards of systems without runs of their own: every complete row of a backend and mode, from a run that holds
        // each system and framework out whole (its per-row file the oracle), whatever the system.
        Assert.Equal("2-fold cross-validation grouped by system-backend", cards.AnySystemMethod);
        string heldOutCsv = Path.Combine(dir, "held-out.csv");
        Assert.Equal(0, Cli.Run([.. common, "--group-by", "system-backend", "--output", heldOutCsv]).Exit);
        var heldOut = File.ReadAllLines(heldOutCsv).Skip(1).Select(l => l.Split(','))
            .Where(r => r[5] == "true" && r[6] == "ok" && D(r[8]) > 0 && D(r[11]) > 0)
            .GroupBy(r => $"{r[2]}/{r[3]}").Where(g => g.Count() >= 10).ToList();
        var anyCards = cards.Cards.Where(c => c.System == Core.Calibration.CalibrationGroup.AnySystem && c.Clients == Core.Accuracy.ClientBand.Any).ToList();
        Assert.NotEmpty(anyCards);
        Assert.Equal(heldOut.Select(g => g.Key).Order(StringComparer.Ordinal), anyCards.Select(c => $"{c.Backend}/{c.Mode}"));
        foreach (var g in heldOut)
        {
            var card = anyCards.Single(c => $"{c.Backend}/{c.Mode}" == g.Key);
            Assert.Equal(g.Count(), card.Rows);
            Assert.Equal(Math.Round(g.Average(r => Math.Abs(D(r[7]) - D(r[8])) / D(r[8])) * 100, 1), card.Ttft.MapePercent, 9);
        }
    }

    [Fact]
    public void Accuracy_without_cross_validation_is_refused()
    {
        var (exit, text) = Cli.Run("validate", "--silicon", Slice(10), "--accuracy-out", Path.Combine(Directory.CreateTempSubdirectory().FullName, "a.yaml"));
        Assert.NotEqual(0, exit);
        Assert.Contains("--accuracy-out needs --folds", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Planner_data_measured_by_the_dynamo_profiler_is_checked_point_by_point()
    {
        // Oracle: the MAPE of the printed "all" line recomputed here from the per-point CSV the same run writes (hand formula),
        // and the point counts of the real files (4 engines: 3 × (9 prefill + 39 decode) + 17 + 41).
        string dir = Directory.CreateTempSubdirectory().FullName;
        string points = Path.Combine(dir, "points.csv");
        string preSwept = SharedData.Path("dynamo", "main-4e6493a", "profiler-outputs", "pre_swept_results");
        string plots = Path.Combine(dir, "plots");
        var (exit, text) = Cli.Run("validate", "--planner-data", preSwept, "--output", points, "--plots", plots);
        Assert.Equal(0, exit);
        // Two PNGs per engine, each a real image (not an empty canvas).
        var pngs = Directory.GetFiles(plots, "*.png");
        Assert.Equal(8, pngs.Length);
        Assert.Contains(pngs, f => Path.GetFileName(f) == "Llama-3.3-70B-Instruct-FP8_h100_sxm_vllm_TP2_decode.png");
        Assert.All(pngs, f => Assert.True(new FileInfo(f).Length > 20_000, $"{f} is only {new FileInfo(f).Length} bytes"));
        Assert.Contains("nvidia/Llama-3.3-70B-Instruct-FP8 h100_sxm vllm 0.10.1.1 TP2", text, StringComparison.Ordinal);
        Assert.Contains("KV cache read as bf16", text, StringComparison.Ordinal);
        var rows = File.ReadAllLines(points).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal((3 * (9 + 39)) + 17 + 41, rows.Count);
        static double D(string s) => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
        double Mape(string kind) => rows.Where(r => r[5] == kind).Average(r => Math.Abs(D(r[10]) - D(r[9])) / D(r[9])) * 100;
        string all = text.Split('\n').First(l => l.Contains(" all ", StringComparison.Ordinal));
        Assert.Contains(Mape("prefill").ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + "%", all, StringComparison.Ordinal);
        Assert.Contains(Mape("decode").ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + "%", all, StringComparison.Ordinal);
    }

    [Fact]
    public void Engine_flags_belong_to_planner_data()
    {
        var (exit, text) = Cli.Run("validate", "--silicon", "x.csv", "--model", "Qwen/Qwen3-32B");
        Assert.Equal(1, exit);
        Assert.Contains("name the engine of --planner-data's raw_data.npz files", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Calibrate_fits_on_silicon_rows_only()
    {
        var (exit, text) = Cli.Run("calibrate", "--planner-data", Directory.CreateTempSubdirectory().FullName);
        Assert.Equal(1, exit);
        Assert.Contains("calibrate fits on --silicon rows", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--silicon", "x.csv", "give one")]
    [InlineData("--folds", "5", "go with --silicon")]
    [InlineData("--data-checks", "x.csv", "go with --silicon")]
    [InlineData("--summary", "x.json", "go with --silicon")]
    [InlineData("--tp", "0", "must be 1 or more")]
    [InlineData("--client-connections", "100", "--client-connections goes with --silicon")]
    public void Planner_data_refuses_what_belongs_to_the_silicon_check(string flag, string value, string expected)
    {
        var (exit, text) = Cli.Run("validate", "--planner-data", Directory.CreateTempSubdirectory().FullName, flag, value);
        Assert.NotEqual(0, exit);
        Assert.Contains(expected, text, StringComparison.Ordinal);
    }

    private static IReadOnlyList<RowOutcome> UncalibratedOutcomes() =>
        Validation.Predict(new RowPredictor(new SiliconRowMapper(Data.Models.ModelCatalog.Load(), Data.Systems.SystemCatalog.Load()), Core.Calibration.CalibrationSet.None, "roofline"), SiliconCsv.Read(SharedData.CalibrationCsv));

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void Model_grouped_folds_hold_out_a_model_with_its_variants(int seed)
    {
        // DeepSeek-V3, DeepSeek-R1 and their NVFP4 checkpoints share one shape: holding out "the model" means all of them,
        // in the default split and in another one (--fold-seed).
        var outcomes = UncalibratedOutcomes();
        var folds = Validation.AssignFolds(outcomes, 5, Validation.FoldGrouping.Model, seed);
        var deepSeek = outcomes.Select((o, i) => (o, i))
            .Where(x => x.o.Request?.Model.Architecture == "DeepseekV3ForCausalLM" && x.o.Request.Model.NumLayers == 61 && x.o.Request.Model.HiddenSize == 7168 && x.o.Request.Model.NumExperts == 256)
            .Select(x => folds[x.i]).Distinct().ToList();
        Assert.Single(deepSeek);

        // Every fold holds rows that calibration would fit, so no fold is fitted on everything.
        var fitted = outcomes.Select((o, i) => (o, i)).Where(x => x.o.Complete && x.o.Prediction.Status == "ok" && Validation.TargetSystems.Contains(x.o.Row.System));
        Assert.Equal(5, fitted.Select(x => folds[x.i]).Distinct().Count());
    }

    [Fact]
    public void System_backend_folds_hold_out_every_row_of_a_system_and_framework()
    {
        // Each (system, backend) sits in one fold, so its rows are predicted by constants fitted without any of them.
        var outcomes = UncalibratedOutcomes();
        var folds = Validation.AssignFolds(outcomes, 5, Validation.FoldGrouping.SystemBackend);
        var spread = outcomes.Select((o, i) => (Key: (o.Row.System, o.Row.Backend), Fold: folds[i]))
            .GroupBy(x => x.Key).Where(g => g.Select(x => x.Fold).Distinct().Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(spread);
        Assert.True(folds.Distinct().Count() > 1);
    }

    [Fact]
    public void A_fold_seed_deals_another_split_and_seed_zero_the_published_one()
    {
        var outcomes = UncalibratedOutcomes();
        var published = Validation.AssignFolds(outcomes, 5, Validation.FoldGrouping.Configuration);
        Assert.Equal(published, Validation.AssignFolds(outcomes, 5, Validation.FoldGrouping.Configuration, seed: 0));
        Assert.NotEqual(published, Validation.AssignFolds(outcomes, 5, Validation.FoldGrouping.Configuration, seed: 7));
    }

    [Theory]
    [InlineData(new[] { "--fold-seed", "2" }, "--fold-seed goes with --folds K")]
    [InlineData(new[] { "--folds", "2", "--fold-seed", "-1" }, "--fold-seed -1: use 0")]
    public void Fold_seed_is_refused_where_it_means_nothing(string[] flags, string expected)
    {
        var (exit, text) = Cli.Run(["validate", "--silicon", SharedData.CalibrationCsv, .. flags]);
        Assert.NotEqual(0, exit);
        Assert.Contains(expected, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Rows_of_other_systems_leave_the_target_rows_folds_as_they_were()
    {
        // B300 and GB300 rows are fitted too, but the target systems' groups are dealt first: their folds with the other
        // systems' rows present must equal their folds without them, so the target numbers stay comparable.
        var all = UncalibratedOutcomes();
        var targetsOnly = all.Where(o => Validation.TargetSystems.Contains(o.Row.System)).ToList();
        Assert.Contains(all, o => o.Row.System == "b300_sxm" && o.Complete && o.Prediction.Status == "ok");
        var withOthers = Validation.AssignFolds(all, 5, Validation.FoldGrouping.Configuration);
        var alone = Validation.AssignFolds(targetsOnly, 5, Validation.FoldGrouping.Configuration);
        Assert.Equal(alone, all.Select((o, i) => (o, i)).Where(x => Validation.TargetSystems.Contains(x.o.Row.System)).Select(x => withOthers[x.i]));
    }

    [Fact]
    public void Cross_validation_can_group_by_model()
    {
        var (exit, text) = Cli.Run("validate", "--silicon", Slice(600), "--folds", "2", "--group-by", "model", "--max-evaluations", "40", "--fold-seed", "3");
        Assert.Equal(0, exit);
        Assert.Contains("grouped by model (fold seed 3)", text, StringComparison.Ordinal);
        var (bad, message) = Cli.Run("validate", "--silicon", Slice(10), "--folds", "2", "--group-by", "vendor");
        Assert.Equal(1, bad);
        Assert.Contains("--group-by 'vendor'", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("source_file=2026-04-06.csv; model=GPT-OSS-120B; silicon_concurrency=64; measured=2026-03-27T00:00:00.000Z; wip=False", "2026-03-27")]
    [InlineData("source_file=x.csv; gtl_job_id=1; measured=2026-01-23; image=nvcr.io/x", "2026-01-23")]
    [InlineData("measured=2025-11-30", "2025-11-30")]
    [InlineData("source_file=kimi-k2.5-gap-analysis.csv; silicon_concurrency=4", null)]
    [InlineData("source_file=x.csv; measured=2026-02-30", null)]
    [InlineData("source_file=x.csv; remeasured=2026-02-03", null)]
    public void Rows_are_dated_by_the_measured_field_of_their_source(string source, string? expected)
    {
        // Oracle: the day written in the source text itself; an impossible or missing date is no date.
        Assert.Equal(expected is null ? null : DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), SiliconRowMapper.Measured(source));
    }

    [Fact]
    public void Forward_in_time_scores_only_later_rows_with_constants_fitted_on_earlier_ones()
    {
        var rows = SiliconCsv.Read(SharedData.CalibrationCsv);
        var predictor = new RowPredictor(new SiliconRowMapper(Data.Models.ModelCatalog.Load(), Data.Systems.SystemCatalog.Load()), Core.Calibration.CalibrationSet.None, "roofline");
        var from = new DateOnly(2026, 3, 1);
        var split = Validation.ForwardValidate(predictor, rows, from, maxEvaluations: 40);

        // Oracle: the raw file's text, dated here by its own "measured=YYYY-MM-DD" and compared as strings; an undated row
        // that is another export of a dated run (RepeatedRuns, tested on its own) by that run's text.
        var text = File.ReadLines(SharedData.CalibrationCsv).Skip(1)
            .Select(l => (Id: l[..l.IndexOf(',', StringComparison.Ordinal)], Day: System.Text.RegularExpressions.Regex.Match(l, @"measured=(\d{4}-\d{2}-\d{2})")))
            .ToList();
        var ownDay = text.ToDictionary(d => d.Id, d => d.Day.Success ? d.Day.Groups[1].Value : null, StringComparer.Ordinal);
        var repeats = rows.Where(r => r.RepeatsRun is not null).ToDictionary(r => r.Id, r => r.RepeatsRun!.Value.Id, StringComparer.Ordinal);
        var dated = text.Select(d => (d.Id, Day: ownDay[d.Id] ?? (repeats.TryGetValue(d.Id, out var twin) ? ownDay[twin] : null))).ToList();
        Assert.Equal(dated.Where(d => d.Day is not null && string.CompareOrdinal(d.Day, "2026-03-01") >= 0).Select(d => d.Id), split.Later.Select(o => o.Row.Id));
        Assert.Equal(dated.Count(d => d.Day is not null && string.CompareOrdinal(d.Day, "2026-03-01") < 0), split.Earlier);
        Assert.Equal(dated.Count(d => d.Day is null), split.Undated);
        Assert.InRange(split.Fitted, Core.Calibration.Calibrator.MinRows, split.Earlier);

        // The later rows' measurements take no part: changed tenfold, their predictions stay the same ...
        var laterIds = split.Later.Select(o => o.Row.Id).ToHashSet(StringComparer.Ordinal);
        var laterChanged = rows.Select(r => laterIds.Contains(r.Id) ? r with { MeasuredTtftMs = r.MeasuredTtftMs * 10, MeasuredTpotMs = r.MeasuredTpotMs * 10 } : r).ToList();
        var same = Validation.ForwardValidate(predictor, laterChanged, from, maxEvaluations: 40);
        Assert.Equal(split.Later.Select(o => o.Prediction.TpotMs), same.Later.Select(o => o.Prediction.TpotMs));

        // ... while the earlier rows' do: measured twice as slow, the constants fitted on them predict the later rows slower.
        var earlierChanged = rows.Select(r => r.MeasuredOn < from ? r with { MeasuredTtftMs = r.MeasuredTtftMs * 2, MeasuredTpotMs = r.MeasuredTpotMs * 2 } : r).ToList();
        var slower = Validation.ForwardValidate(predictor, earlierChanged, from, maxEvaluations: 40);
        Assert.True(slower.Later.Zip(split.Later).Count(p => p.First.Prediction.TpotMs > p.Second.Prediction.TpotMs * 1.05) > split.Later.Count / 2);
    }

    [Fact]
    public void Validate_forward_in_time_says_what_it_fitted_on_and_what_it_scored()
    {
        var (exit, text) = Cli.Run("validate", "--silicon", SharedData.CalibrationCsv, "--fit-before", "2026-03-01", "--max-evaluations", "40");
        Assert.Equal(0, exit);
        string flat = text.ReplaceLineEndings(" ");
        Assert.Matches(@"The \d+ rows measured on or after 2026-03-01; \d+ rows without a date took no part \(constants fitted on the \d+ complete rows of \d+ measured before 2026-03-01\)", flat);
        Assert.Contains("AicSim, fitted on earlier rows only, scores", flat, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-3-1", "give a day as yyyy-MM-dd")]
    [InlineData("1999-01-01", "no complete row was measured before that day")]
    [InlineData("2099-01-01", "no row was measured on or after that day")]
    public void Validate_forward_in_time_refuses_a_date_it_cannot_use(string day, string expected)
    {
        var (exit, text) = Cli.Run("validate", "--silicon", SharedData.CalibrationCsv, "--fit-before", day, "--max-evaluations", "10");
        Assert.Equal(1, exit);
        Assert.Contains(expected, text.ReplaceLineEndings(" "), StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_laid_out_and_spelt_otherwise_scores_as_the_calibration_file_does()
    {
        // Oracle: the same rows in the calibration file's own layout. Here without ids, in reversed column order, the
        // clients in a concurrency column instead of silicon_data_source, the labels spelt as other tools spell them, and
        // the headers too (upper case, model, ttft_ms, itl_ms).
        string slice = Slice(300);
        var lines = File.ReadAllLines(slice).Select(l => l.Split(',')).ToList();
        var header = lines[0];
        int Col(string name) => Array.IndexOf(header, name);
        string Respell(string column, string value) => column switch
        {
            "system" => value.ToUpperInvariant().Replace('_', '-'),
            "backend" => value == "trtllm" ? "TensorRT-LLM" : value.ToUpperInvariant(),
            "mode" => value == "agg" ? "Aggregated" : "Disaggregated",
            _ => value,
        };
        string Rename(string column) => column switch
        {
            "model_path" => "Model",
            "silicon_ttft_ms" => "ttft_ms",
            "silicon_tpot_ms" => "ITL_ms",
            _ => column.ToUpperInvariant(),
        };
        var keep = header.Select((name, i) => (name, i)).Where(c => c.name is not ("id" or "silicon_data_source")).Reverse().ToList();
        string foreign = Path.Combine(Path.GetDirectoryName(slice)!, "foreign.csv");
        File.WriteAllLines(foreign, lines.Select((f, row) => row == 0
            ? string.Join(',', keep.Select(c => Rename(c.name)).Append("Concurrency"))
            : string.Join(',', keep.Select(c => Respell(c.name, f[c.i])).Append(System.Text.RegularExpressions.Regex.Match(f[Col("silicon_data_source")], @"silicon_concurrency=(\d+)").Groups[1].Value))));

        string Scores(string file)
        {
            var (exit, text) = Cli.Run("validate", "--silicon", file, "--calibration", "none");
            Assert.Equal(0, exit);
            // The tables from "slice" on (the title names the file and its hash, which differ).
            return text[text.IndexOf("│ slice", StringComparison.Ordinal)..];
        }

        Assert.Equal(Scores(slice), Scores(foreign));
    }

    [Fact]
    public void A_file_without_measurements_is_refused_with_where_to_predict_it()
    {
        string slice = Slice(5);
        var lines = File.ReadAllLines(slice);
        int ttft = Array.IndexOf(lines[0].Split(','), "silicon_ttft_ms");
        File.WriteAllLines(slice, lines.Select(l => string.Join(',', l.Split(',')[..ttft])));
        var (exit, text) = Cli.Run("validate", "--silicon", slice);
        Assert.Equal(1, exit);
        Assert.Contains("none of the 5 rows", text, StringComparison.Ordinal);
        Assert.Matches(@"aicsim\s+estimate\s+--input", text);
    }

    [Fact]
    public void A_model_that_is_not_bundled_is_read_from_model_configs_and_predicted_as_its_config_says()
    {
        // Oracle: the same rows under their bundled id. Here the model is renamed to an id nothing bundles, and its public
        // config (../shared/data/hf-configs) is given under that id: the predictions must be the bundled model's.
        string dir = Directory.CreateTempSubdirectory("aicsim-cli-").FullName;
        string own = Path.Combine(dir, "own.csv");
        string renamed = Path.Combine(dir, "renamed.csv");
        File.WriteAllLines(own, [
            "backend,model_path,system,mode,isl,osl,batch_size,tp_size,silicon_ttft_ms,silicon_tpot_ms",
            "vllm,Qwen/Qwen3-32B,h200_sxm,agg,1000,500,8,2,120,9"]);
        File.WriteAllLines(renamed, File.ReadAllLines(own).Select(l => l.Replace("Qwen/Qwen3-32B", "acme/Renamed-32B", StringComparison.Ordinal)));
        string configs = Directory.CreateDirectory(Path.Combine(dir, "configs")).FullName;
        File.Copy(SharedData.HfConfig("Qwen--Qwen3-32B"), Path.Combine(configs, "acme--Renamed-32B_config.json"));

        var (refused, _) = Cli.Run("validate", "--silicon", renamed, "--output", Path.Combine(dir, "refused.csv"));
        Assert.Contains(",error,", File.ReadAllLines(Path.Combine(dir, "refused.csv"))[1], StringComparison.Ordinal);
        Assert.Equal(0, refused);

        Assert.Equal(0, Cli.Run("validate", "--silicon", own, "--output", Path.Combine(dir, "own-rows.csv")).Exit);
        Assert.Equal(0, Cli.Run("validate", "--silicon", renamed, "--model-configs", configs, "--output", Path.Combine(dir, "renamed-rows.csv")).Exit);
        string[] a = File.ReadAllLines(Path.Combine(dir, "own-rows.csv"))[1].Split(',');
        string[] b = File.ReadAllLines(Path.Combine(dir, "renamed-rows.csv"))[1].Split(',');
        Assert.Equal("ok", b[6]);
        Assert.Equal(a[7..13], b[7..13]);
        Assert.Contains("read acme/Renamed-32B, which is not bundled, from", string.Join(',', b), StringComparison.Ordinal);
    }

    [Fact]
    public void Times_in_seconds_are_refused_before_anything_is_fitted_or_written()
    {
        // The slice with its times written in seconds, as an export might: calibrate must not fit constants to it.
        string slice = Slice(50);
        var lines = File.ReadAllLines(slice);
        var header = lines[0].Split(',');
        int ttft = Array.IndexOf(header, "silicon_ttft_ms"), tpot = Array.IndexOf(header, "silicon_tpot_ms");
        string Seconds(string ms) => (double.Parse(ms, CultureInfo.InvariantCulture) / 1000).ToString("R", CultureInfo.InvariantCulture);
        File.WriteAllLines(slice, lines.Take(1).Concat(lines.Skip(1).Select(l => l.Split(',')).Select(f => string.Join(',', f.Select((v, i) => i == ttft || i == tpot ? Seconds(v) : v)))));
        string output = Path.Combine(Path.GetDirectoryName(slice)!, "fitted.yaml");
        var (exit, text) = Cli.Run("calibrate", "--silicon", slice, "--out", output);
        Assert.Equal(1, exit);
        Assert.Matches(@"looks\s+like\s+seconds", text);
        Assert.False(File.Exists(output));
        Assert.Equal(1, Cli.Run("validate", "--silicon", slice).Exit);
    }

    [Fact]
    public void A_row_measuring_only_its_ttft_scores_its_ttft()
    {
        // The slice twice over, the second time without TPOT: TTFT is scored on every row, TPOT on half.
        string slice = Slice(20);
        var lines = File.ReadAllLines(slice);
        int tpot = Array.IndexOf(lines[0].Split(','), "silicon_tpot_ms");
        File.AppendAllLines(slice, lines.Skip(1).Select(l => l.Split(',')).Select(f => string.Join(',', f.Select((v, i) => i == tpot ? string.Empty : i == 0 ? v + "_ttft_only" : v))));
        var (exit, text) = Cli.Run("validate", "--silicon", slice);
        Assert.Equal(0, exit);
        Assert.Matches(@"Of\s+the\s+40\s+rows\s+predicted,\s+40\s+measured\s+TTFT\s+and\s+20\s+TPOT", text);
    }

    [Fact]
    public void Forward_in_time_is_not_combined_with_folds()
    {
        var (exit, text) = Cli.Run("validate", "--silicon", Slice(10), "--fit-before", "2026-03-01", "--folds", "5");
        Assert.Equal(1, exit);
        Assert.Contains("--fit-before goes with --silicon, and fits its own constants", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Validating_the_rows_the_constants_were_fitted_on_says_it_is_in_sample()
    {
        string slice = Slice(40);
        string calibration = Path.Combine(Path.GetDirectoryName(slice)!, "fitted.yaml");
        Assert.Equal(0, Cli.Run("calibrate", "--silicon", slice, "--out", calibration, "--max-evaluations", "20").Exit);
        var (exit, text) = Cli.Run("validate", "--silicon", slice, "--calibration", calibration);
        Assert.Equal(0, exit);
        Assert.Matches(@"in\s+sample:\s+these\s+are\s+the\s+rows\s+the\s+constants\s+were\s+fitted\s+on", text);

        // Other rows (one more line) are not.
        var (_, other) = Cli.Run("validate", "--silicon", Slice(41), "--calibration", calibration);
        Assert.DoesNotContain("in sample", other, StringComparison.Ordinal);
    }

    [Fact]
    public void Calibrate_is_reproducible()
    {
        // Same input, same output: the file is written byte for byte the same twice.
        string slice = Slice(800);
        string dir = Path.GetDirectoryName(slice)!;
        var (exit, text) = Cli.Run("calibrate", "--silicon", slice, "--out", Path.Combine(dir, "a.yaml"), "--max-evaluations", "60");
        Assert.Equal(0, exit);
        Assert.Matches(@"\[1/\d+\] (fitted|\S+ keeps the defaults)", text); // progress, a line per group
        // Written outside the folder estimates load from, so the run says how to use it.
        Assert.Contains("pass --calibration", text, StringComparison.Ordinal);
        Assert.Equal(0, Cli.Run("calibrate", "--silicon", slice, "--out", Path.Combine(dir, "b.yaml"), "--max-evaluations", "60").Exit);
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "a.yaml")), File.ReadAllText(Path.Combine(dir, "b.yaml")));
        var set = CalibrationFile.Load(Path.Combine(dir, "a.yaml"));
        Assert.NotEmpty(set.Groups);
        Assert.All(set.Groups, g => Assert.InRange(g.MemoryEfficiency, 0.3, 0.98));
    }

    [Fact]
    public void The_bundled_calibration_loads_and_names_what_it_was_fitted_on()
    {
        var set = CalibrationFile.LoadDefault();
        Assert.StartsWith("silicon_calibration.csv sha256:", set.FittedOn, StringComparison.Ordinal);
        Assert.Contains(set.Groups, g => g.System == "h100_sxm" && g.Backend == "trtllm");
    }

    [Fact]
    public void A_calibration_of_another_version_is_refused()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "old.yaml");
        File.WriteAllText(path, "version: 0\nfitted_on: x\ngroups: []\n");
        var (exit, text) = Cli.Run("estimate", "--calibration", path);
        Assert.Equal(1, exit);
        Assert.Contains("calibration version 0", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_needs_the_silicon_file_or_planner_data()
    {
        var (exit, text) = Cli.Run("validate");
        Assert.Equal(1, exit);
        Assert.Contains("--silicon (a CSV in the layout of silicon_calibration.csv) or --planner-data", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_silicon_file_names_the_flag()
    {
        var (exit, text) = Cli.Run("validate", "--silicon", "/nonexistent/rows.csv");
        Assert.Equal(1, exit);
        Assert.Contains("--silicon: no file at", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_perf_db_folder_is_one_error_not_every_rows()
    {
        var (exit, text) = Cli.Run("validate", "--silicon", Slice(10), "--perf-db", "/nonexistent/aic-perf-db");
        Assert.Equal(1, exit);
        Assert.Contains("--perf-db: no folder at '/nonexistent/aic-perf-db'", text, StringComparison.Ordinal);
        Assert.DoesNotContain("coverage", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Output_into_a_folder_not_yet_made_is_written_whole()
    {
        string output = Path.Combine(Directory.CreateTempSubdirectory().FullName, "new", "rows.csv");
        var (exit, _) = Cli.Run("validate", "--silicon", Slice(10), "--output", output);
        Assert.Equal(0, exit);
        Assert.Equal(11, File.ReadAllLines(output).Length);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(output)!));
    }
}
