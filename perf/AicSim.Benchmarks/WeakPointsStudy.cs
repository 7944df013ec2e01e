using System.Globalization;
using AicSim.Core.Accuracy;
using AicSim.Core.Calibration;
using AicSim.Data.Calibration;
using AicSim.Data.Models;
using AicSim.Data.Systems;

namespace AicSim.Benchmarks;

/// <summary>
/// The numbers of the README's "Where the model is still weak, and why" that `validate`'s report does not print,
/// recomputed from the calibration file: the target rows cross-validated by configuration (5 folds, seed 0, as
/// `validate --folds 5`), and in sample where a section says so. Before this study they came from scripts kept nowhere,
/// and went stale as the model moved.
/// Run: dotnet run -c Release --project perf/AicSim.Benchmarks -- weak-points-study ../shared/data/silicon_calibration.csv
/// </summary>
public static class WeakPointsStudy
{
    /// <summary>A predicted row with both measurements, and what it was read as.</summary>
    private sealed record Row(RowOutcome O, double PredictedTtft, double MeasuredTtft, double PredictedTpot, double MeasuredTpot, int Clients)
    {
        public SiliconRow R => O.Row;

        public string Model => R.Model;

        public string ShortModel => R.Model[(R.Model.LastIndexOf('/') + 1)..];

        public bool Agg => R.Mode == "agg";

        public bool Hopper => R.System is "h100_sxm" or "h200_sxm";

        /// <summary>ln(measured / predicted) of TTFT and TPOT.</summary>
        public double LogT => Math.Log(MeasuredTtft / PredictedTtft);

        public double LogP => Math.Log(MeasuredTpot / PredictedTpot);

        public double ApeT => Math.Abs((PredictedTtft / MeasuredTtft) - 1) * 100;

        public double ApeP => Math.Abs((PredictedTpot / MeasuredTpot) - 1) * 100;
    }

    public static void Run(string siliconCsv)
    {
        var rows = SiliconCsv.Read(siliconCsv, "silicon");
        var mapper = new SiliconRowMapper(ModelCatalog.Load(), SystemCatalog.Load());
        var cv = Validation.CrossValidate(new RowPredictor(mapper, CalibrationSet.None), rows, 5, 400);
        var inSample = Validation.Predict(new RowPredictor(mapper, CalibrationFile.LoadDefault()), rows);
        var named = DataChecks.Find(cv).GroupBy(f => f.Id).ToDictionary(g => g.Key, g => g.Select(f => f.Check).ToHashSet());

        var target = Rows(cv, targetOnly: true);
        Console.WriteLine($"{target.Count} target rows, 5-fold cross-validation grouped by configuration: TTFT MAPE {F(target.Average(r => r.ApeT))}%, TPOT {F(target.Average(r => r.ApeP))}%");

        PrefillUnderLoad(target);
        LowLoadPrefill(target);
        SeriesLevel(target);
        NoSystematicDependence(target);
        Ttft(target);
        HindsightLevels(target);
        TpotSplit(target);
        TpotRows(target, named);
        Checks(target, named);
        Builds(target);
        DisaggPrefill(Rows(cv, targetOnly: false));
        ShapeRatios(target);
        Quantisation(Rows(cv, targetOnly: false));
        Constants(Rows(inSample, targetOnly: true));
        AssumedDeployments(Rows(cv, targetOnly: false, complete: false));
    }

    // Complete as the report counts it: the row states its whole configuration (Validation.IsCompleteRow).
    private static List<Row> Rows(IReadOnlyList<RowOutcome> outcomes, bool targetOnly, bool complete = true) =>
        [.. outcomes.Where(o => o.Prediction is { Status: "ok", TtftMs: > 0, TpotMs: > 0 } && o.Row is { MeasuredTtftMs: > 0, MeasuredTpotMs: > 0 }
                && Validation.IsCompleteRow(o.Row) == complete && (!targetOnly || Validation.TargetSystems.Contains(o.Row.System)))
            .Select(o => new Row(o, o.Prediction.TtftMs!.Value, o.Row.MeasuredTtftMs!.Value, o.Prediction.TpotMs!.Value, o.Row.MeasuredTpotMs!.Value, Validation.ClientConcurrency(o)))];

    private static void PrefillUnderLoad(List<Row> t)
    {
        Heading("Prefill mixed into decode under load: pooled within-series slope of ln(measured/predicted TPOT) per ln(clients)");
        var series = Series(t);
        foreach (var g in series.GroupBy(s => s[0].R.Backend).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"  {g.Key}: {Slope(g):+0.000;-0.000} ({g.Sum(s => s.Count)} rows)");
        }

        foreach (var g in series.GroupBy(s => Shape(s[0])).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"  ISL/OSL {g.Key}: {Slope(g):+0.000;-0.000} ({g.Sum(s => s.Count)} rows)");
        }

        foreach (int c in new[] { 128, 256 })
        {
            Console.WriteLine($"  median measured/predicted TPOT at {c} clients: " + string.Join(", ", t.Where(r => r.Clients == c).GroupBy(r => r.R.Backend).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Key} {F(Median(g.Select(r => r.MeasuredTpot / r.PredictedTpot)))} ({g.Count()})")));
        }

        static string Shape(Row r) => (r.R.Isl, r.R.Osl) is (1024, 1024) or (1024, 128) or (1024, 8192) or (8192, 1024) ? $"{r.R.Isl}/{r.R.Osl}" : "other";
    }

    private static void LowLoadPrefill(List<Row> t)
    {
        Heading("Low-load TTFT (aggregated, 8 clients or fewer): median measured/predicted");
        var low = t.Where(r => r.Agg && r.Clients <= 8).ToList();
        var longPrompts = low.Where(r => r.R.Isl > 4096 || (r.Hopper && r.R.Isl >= 2000))
            .GroupBy(r => (Band: r.R.Isl > 4096 ? "ISL over 4096" : "ISL 2000-4096", Gpu: r.Hopper ? "Hopper" : "Blackwell", r.R.Backend, r.ShortModel));
        foreach (var g in longPrompts.OrderBy(g => g.Key.ToString(), StringComparer.Ordinal))
        {
            Console.WriteLine($"  {g.Key.Band}, {g.Key.Gpu}, {g.Key.Backend} {g.Key.ShortModel}: ×{F(Median(g.Select(r => r.MeasuredTtft / r.PredictedTtft)))} ({g.Count()})");
        }

        var fixedShare = low.Select(r => (r.O.Prediction.TtftParts!.RequestOverheadMs + r.O.Prediction.TtftParts.RunningStepsMs) / r.PredictedTtft).ToList();
        Console.WriteLine($"  request overhead + running steps, share of the predicted TTFT over {low.Count} rows: median {P(Quantile(fixedShare, 0.5))}, 10th–90th {P(Quantile(fixedShare, 0.1))}–{P(Quantile(fixedShare, 0.9))}");
    }

    private static void SeriesLevel(List<Row> t)
    {
        Heading("Share of the log-error variance between groups (eta squared)");
        foreach (var (name, key) in new (string, Func<Row, string>)[]
        {
            ("(system, backend, model)", r => $"{r.R.System}|{r.R.Backend}|{r.Model}"),
            ("(backend, version)", r => $"{r.R.Backend}|{r.R.BackendVersion}"),
            ("both", r => $"{r.R.System}|{r.R.Backend}|{r.Model}|{r.R.BackendVersion}"),
        })
        {
            Console.WriteLine($"  {name}: TPOT {P(Eta(t, key, r => r.LogP))}, TTFT {P(Eta(t, key, r => r.LogT))}");
        }
    }

    private static void NoSystematicDependence(List<Row> t)
    {
        Heading("Descriptive features against the log error (aggregated rows, each (system, backend)'s mean removed), in sample");
        var agg = t.Where(r => r.Agg && r.O.Request is not null).ToList();
        string[] names = ["ln clients", "ln clients/rank", "ln ISL", "ln OSL", "ln ISL/OSL", "layers", "hidden", "experts", "GPUs", "ln prediction", "MoE", "MLA", "attention DP"];
        foreach (var (metric, err, pred) in new (string, Func<Row, double>, Func<Row, double>)[] { ("TTFT", r => r.LogT, r => r.PredictedTtft), ("TPOT", r => r.LogP, r => r.PredictedTpot) })
        {
            var means = agg.GroupBy(r => (r.R.System, r.R.Backend)).ToDictionary(g => g.Key, g => g.Average(err));
            double[] y = [.. agg.Select(r => err(r) - means[(r.R.System, r.R.Backend)])];
            double[][] x = [.. agg.Select(r => Features(r, pred(r)))];
            Console.WriteLine($"  {metric}: all {names.Length} together R² {P(RSquared(x, y))}; alone: " + string.Join(", ", names.Select((n, j) => $"{n} {P(RSquared([.. x.Select(v => new[] { v[j] })], y))}")));
        }

        Console.WriteLine("  a correction by one label (other configurations' mean log error relative to all, shrunk by 20 rows), MAPE after:");
        foreach (var (name, key) in new (string, Func<Row, string>)[]
        {
            ("model", r => r.Model), ("(system, backend)", r => r.R.System + r.R.Backend), ("(model, backend)", r => r.Model + r.R.Backend),
            ("mapping family", r => Validation.MappingFamily(r.O)), ("build version", r => r.R.Backend + r.R.BackendVersion),
            ("quantisation", r => r.R.GemmQuant + r.R.MoeQuant), ("shape", r => $"{r.R.Isl}/{r.R.Osl}"),
            ("source", r => r.R.Source.Split(';')[0] is var s && s.LastIndexOf('/') is int i and > 0 ? s[..i] : r.R.Source),
        })
        {
            Console.WriteLine($"    {name}: TTFT {F(LabelCorrected(t, key, r => r.LogT, r => r.PredictedTtft, r => r.MeasuredTtft))}%, TPOT {F(LabelCorrected(t, key, r => r.LogP, r => r.PredictedTpot, r => r.MeasuredTpot))}%");
        }

        var factors = Enumerable.Range(80, 41).Select(i => i / 100.0).ToList();
        var bestT = factors.MinBy(f => t.Average(r => Math.Abs((f * r.PredictedTtft / r.MeasuredTtft) - 1)));
        var bestP = factors.MinBy(f => t.Average(r => Math.Abs((f * r.PredictedTpot / r.MeasuredTpot) - 1)));
        double scaledTtft = 100 * t.Average(r => Math.Abs((bestT * r.PredictedTtft / r.MeasuredTtft) - 1));
        double scaledTpot = 100 * t.Average(r => Math.Abs((bestP * r.PredictedTpot / r.MeasuredTpot) - 1));
        Console.WriteLine($"  best single factor: TTFT ×{F(bestT)} → {F(scaledTtft)}%, TPOT ×{F(bestP)} → {F(scaledTpot)}%");
    }

    private static double[] Features(Row r, double prediction)
    {
        var q = r.O.Request!;
        double dp = Math.Max(1, q.Parallel.AttentionDp);
        return
        [
            Math.Log(r.Clients), Math.Log(r.Clients / dp), Math.Log(r.R.Isl), Math.Log(r.R.Osl), Math.Log((double)r.R.Isl / r.R.Osl),
            q.Model.NumLayers, q.Model.HiddenSize, q.Model.NumExperts, q.Parallel.Gpus, Math.Log(prediction),
            q.Model.IsMoe ? 1 : 0, q.Model.KvLoraRank > 0 ? 1 : 0, dp > 1 ? 1 : 0,
        ];
    }

    private static void Ttft(List<Row> t)
    {
        Heading("TTFT");
        var gptOss = t.Where(r => r.R.System == "b200_sxm" && r.R.Backend == "trtllm" && r.Model.Contains("gpt-oss", StringComparison.Ordinal)).ToList();
        Console.WriteLine($"  gpt-oss-120b, B200 TensorRT-LLM: predicted/measured ×{F(Median(gptOss.Select(r => r.PredictedTtft / r.MeasuredTtft)))} ({gptOss.Count})");

        // Pairs of aggregated rows at 8 clients or fewer that differ only in TP (no attention DP).
        var byKey = t.Where(r => r.Agg && r.Clients <= 8 && r.R.Agg.AttentionDp is null or 1 && r.R.Agg.Tp is int)
            .GroupBy(r => (r.R.System, r.R.Backend, r.Model, r.R.Isl, r.R.Osl, r.Clients, r.R.BackendVersion, r.R.GemmQuant, r.R.MoeQuant, Ep: r.R.Agg.MoeEp is null or 1))
            .Select(g => g.GroupBy(r => r.R.Agg.Tp!.Value).ToDictionary(x => x.Key, x => x.First()));
        var pairs = byKey.SelectMany(d => d.Keys.Where(tp => d.ContainsKey(2 * tp)).Select(tp => (d[tp].R.Backend, Tp: tp, M: d[2 * tp].MeasuredTtft / d[tp].MeasuredTtft, P: d[2 * tp].PredictedTtft / d[tp].PredictedTtft)));
        foreach (var g in pairs.GroupBy(p => (p.Backend, p.Tp)).OrderBy(g => g.Key.ToString(), StringComparer.Ordinal))
        {
            Console.WriteLine($"  {g.Key.Backend} TP{g.Key.Tp} → TP{2 * g.Key.Tp}: measured ×{F(Median(g.Select(p => p.M)))}, predicted ×{F(Median(g.Select(p => p.P)))} ({Count(g.Count(), "pair")})");
        }

        var series = Series(t);
        static bool Cliff(List<Row> s) => s[0].R is { System: "b200_sxm", Backend: "sglang", Mode: "agg", BackendVersion: "" } r
            && r.Model.Contains("DeepSeek", StringComparison.OrdinalIgnoreCase) && (r.GemmQuant + r.MoeQuant + r.Precision).Contains("fp4", StringComparison.OrdinalIgnoreCase);
        var cliffs = series.Where(Cliff).ToList();
        double withCliffs = WithinSweeps(series).SweepTtft.MeanApePercent;
        double withoutCliffs = WithinSweeps(series.Where(s => !Cliff(s))).SweepTtft.MeanApePercent;
        Console.WriteLine($"  within sweeps TTFT {F(withCliffs)}%; without the {cliffs.Count} B200 SGLang DeepSeek FP4 sweeps without a version ({cliffs.Sum(s => s.Count)} rows) {F(withoutCliffs)}%");
    }

    // How far the targets are: each sweep given the one scale that minimises its own absolute percentage error, chosen
    // after seeing its measurements. No label predicts that level (the label corrections above), so this is the error
    // left to a model with today's shape across loads and every sweep's level right.
    private static void HindsightLevels(List<Row> t)
    {
        Heading("Each sweep at its best level in hindsight (one scale a sweep, fitted to its own measurements; single-row sweeps unchanged)");
        Console.WriteLine($"  TTFT {F(AtBestLevels(t, r => r.PredictedTtft, r => r.MeasuredTtft))}%, TPOT {F(AtBestLevels(t, r => r.PredictedTpot, r => r.MeasuredTpot))}%");
    }

    private static double AtBestLevels(List<Row> t, Func<Row, double> predicted, Func<Row, double> measured) =>
        100 * t.GroupBy(r => Validation.SweepKey(r.R), StringComparer.Ordinal).Sum(g =>
        {
            double k = g.Count() >= 2 ? MapeBestScale([.. g.Select(r => (predicted(r), measured(r)))]) : 1;
            return g.Sum(r => Math.Abs((k * predicted(r) / measured(r)) - 1));
        }) / t.Count;

    // Σ|k·p/m − 1| = Σ (p/m)·|k − m/p| is least at the median of m/p weighted by p/m.
    private static double MapeBestScale(List<(double Predicted, double Measured)> pairs)
    {
        var points = pairs.Select(x => (Ratio: x.Measured / x.Predicted, Weight: x.Predicted / x.Measured)).OrderBy(x => x.Ratio).ToList();
        double half = points.Sum(x => x.Weight) / 2, running = 0;
        foreach (var (ratio, weight) in points)
        {
            running += weight;
            if (running >= half)
            {
                return ratio;
            }
        }

        return points[^1].Ratio;
    }

    private static void TpotSplit(List<Row> t)
    {
        Heading("TPOT of aggregated series: within series, and the series' levels");
        var agg = Series(t).Where(s => s[0].Agg).ToList();
        Console.WriteLine($"  within series {F(WithinSweeps(agg).SweepTpot.MeanApePercent)}% over {agg.Sum(s => s.Count)} rows");
        // A build: the model, system, framework, version and quantisation a series shares with its siblings.
        static string BuildOf(SiliconRow r) => $"{r.Model}|{r.System}|{r.Backend}|{r.BackendVersion}|{r.Precision}|{r.GemmQuant}|{r.MoeQuant}";
        var level = agg.Select(s => (Build: BuildOf(s[0].R), Bias: s.Average(r => r.LogP), N: s.Count, Family: Validation.MappingFamily(s[0].O))).ToList();
        double w = level.Sum(l => l.N);
        var buildMean = level.GroupBy(l => l.Build).ToDictionary(g => g.Key, g => g.Sum(l => l.N * l.Bias) / g.Sum(l => l.N));
        double rms = Math.Sqrt(level.Sum(l => l.N * l.Bias * l.Bias) / w);
        double betweenBuilds = Math.Sqrt(level.Sum(l => l.N * buildMean[l.Build] * buildMean[l.Build]) / w);
        double withinBuilds = Math.Sqrt(level.Sum(l => l.N * Math.Pow(l.Bias - buildMean[l.Build], 2)) / w);
        Console.WriteLine($"  rms of the series' ln bias {P(rms)}: between builds {P(betweenBuilds)}, within {P(withinBuilds)}");
        Console.WriteLine("  predicted/measured by mapping family: " + string.Join(", ", level.GroupBy(l => l.Family).OrderByDescending(g => g.Sum(l => l.N))
            .Select(g => $"{g.Key} ×{F(Math.Exp(-g.Sum(l => l.N * l.Bias) / g.Sum(l => l.N)))} ({g.Sum(l => l.N)})")));
    }

    private static void TpotRows(List<Row> t, Dictionary<string, HashSet<string>> named)
    {
        Heading("TPOT rows");
        var glm = t.Where(r => r.R.System == "b200_sxm" && r.Model.Contains("GLM-5", StringComparison.Ordinal)).ToList();
        Console.WriteLine($"  GLM-5 on B200: predicted/measured ×{F(Median(glm.Select(r => r.PredictedTpot / r.MeasuredTpot)))} ({glm.Count})");
        foreach (string m in new[] { "nvidia/DeepSeek-R1-NVFP4", "nvidia/Llama-3.1-8B-Instruct-FP8" })
        {
            var e = t.Where(r => r.Model == m).Select(r => 100 * ((r.PredictedTpot / r.MeasuredTpot) - 1)).ToList();
            Console.WriteLine($"  {m}: {e.Count} rows, TPOT error {F(e.Min())}% to {F(e.Max())}%, MAPE {F(e.Average(Math.Abs))}%");
        }

        var crowd = t.Where(r => r.Clients >= 128).ToList();
        var other = crowd.Where(r => !(named.TryGetValue(r.R.Id, out var c) && (c.Contains(DataChecks.ClientCap) || c.Contains(DataChecks.FewInFlight)))).ToList();
        int kept = other.Count(r => DataChecks.InFlight(r.Clients, r.R.Osl, r.MeasuredTtft, r.MeasuredTpot) >= 0.85 * r.Clients);
        Console.WriteLine($"  at 128 clients or more: {crowd.Count} rows, {crowd.Count - other.Count} named by client-cap or few-in-flight; of the other {other.Count}, {kept} keep 85% or more of their clients in flight");
    }

    private static void Checks(List<Row> t, Dictionary<string, HashSet<string>> named)
    {
        Heading("Data checks: the target rows each names, and the MAPE of the other target rows");
        foreach (string check in named.Values.SelectMany(c => c).Distinct().Order(StringComparer.Ordinal))
        {
            var hit = t.Where(r => named.TryGetValue(r.R.Id, out var c) && c.Contains(check)).ToList();
            var rest = t.Except(hit).ToList();
            if (hit.Count > 0)
            {
                // Their share: the points of the whole MAPE that their own errors make.
                Console.WriteLine($"  {check}: {Count(hit.Count, "row")}, their share of the MAPE TTFT {F(hit.Sum(r => r.ApeT) / t.Count)} and TPOT {F(hit.Sum(r => r.ApeP) / t.Count)} points; without them TTFT {F(rest.Average(r => r.ApeT))}%, TPOT {F(rest.Average(r => r.ApeP))}%");
            }
        }
    }

    private static void Builds(List<Row> t)
    {
        Heading("Builds and mappings: measured/predicted TPOT");
        foreach (var g in t.Where(r => r.R is { System: "b200_sxm", Backend: "trtllm" } && r.Model.EndsWith("DeepSeek-V3", StringComparison.Ordinal)).GroupBy(r => r.R.BackendVersion).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var v = g.Select(r => r.MeasuredTpot / r.PredictedTpot).ToList();
            Console.WriteLine($"  B200 TensorRT-LLM DeepSeek-V3, version '{g.Key}': median {F(Median(v))}, 10th–90th {F(Quantile(v, 0.1))}–{F(Quantile(v, 0.9))} ({v.Count})");
        }

        foreach (var g in t.Where(r => r.Agg && r.R.Backend == "trtllm" && r.Model.EndsWith("DeepSeek-R1", StringComparison.Ordinal) && r.O.Request?.Parallel.Name == "DEP8").GroupBy(r => r.R.System).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var e = g.Select(r => 100 * ((r.PredictedTpot / r.MeasuredTpot) - 1)).Order().ToList();
            Console.WriteLine($"  TensorRT-LLM DeepSeek-R1 DEP8 on {g.Key}, TPOT error (predicted − measured) / measured: {string.Join(", ", e.Select(x => x.ToString("+0;-0;0", CultureInfo.InvariantCulture) + "%"))}");
        }

        Console.WriteLine("  B200 SGLang Qwen3.5-397B FP8 TEP4, ISL 8192 / OSL 1024 (clients: TPOT measured/predicted ms, TTFT measured/predicted ms):");
        var example = t.Where(r => r.R is { System: "b200_sxm", Backend: "sglang", Isl: 8192, Osl: 1024 }
            && r.Model.Contains("Qwen3.5", StringComparison.Ordinal) && r.O.Request?.Parallel.Name == "TEP4");
        foreach (var g in example.GroupBy(r => r.Clients).OrderBy(g => g.Key))
        {
            var r = g.First();
            Console.WriteLine($"    {g.Key}: {F(r.MeasuredTpot)} / {F(r.PredictedTpot)}, {F(r.MeasuredTtft)} / {F(r.PredictedTtft)}");
        }
    }

    private static void DisaggPrefill(List<Row> all)
    {
        Heading("Disaggregated rows (all systems, complete): median measured/predicted TTFT by the prefill engine's family");
        foreach (var g in all.Where(r => !r.Agg).GroupBy(r => (r.R.Backend, Prefill: Validation.MappingFamily(r.O).Split(" / ")[0] is "DEP" or "DP" ? "attention DP" : Validation.MappingFamily(r.O).Split(" / ")[0], r.R.System))
                     .OrderBy(g => g.Key.ToString(), StringComparer.Ordinal))
        {
            Console.WriteLine($"  {g.Key.Backend}, {g.Key.Prefill} prefill, {g.Key.System}: ×{F(Median(g.Select(r => r.MeasuredTtft / r.PredictedTtft)))} ({g.Count()})");
        }
    }

    private static void ShapeRatios(List<Row> t)
    {
        Heading("Above 16 clients: predicted/measured TPOT and the prefill mixed in, by shape and model");
        foreach (var g in t.Where(r => r.Clients > 16 && (r.R.Isl, r.R.Osl) is (1024, 8192) or (8192, 1024)).GroupBy(r => (Shape: $"{r.R.Isl}/{r.R.Osl}", r.ShortModel)).OrderBy(g => g.Key.ToString(), StringComparer.Ordinal))
        {
            Console.WriteLine($"  {g.Key.Shape} {g.Key.ShortModel}: ×{F(Median(g.Select(r => r.PredictedTpot / r.MeasuredTpot)))}, prefill mixed in {P(Median(g.Select(PrefillShare)))} ({g.Count()})");
        }

        var prompts = t.Where(r => r.Clients > 16 && (r.R.Isl, r.R.Osl) is (8192, 1024)).Select(PrefillShare).ToList();
        Console.WriteLine($"  8192/1024 above 16 clients: prefill mixed in, median {P(Median(prompts))} over {prompts.Count} rows");

        static double PrefillShare(Row r) => (r.O.Prediction.TpotParts!.PrefillKernelsMs + r.O.Prediction.TpotParts.PromptLaunchesMs) / r.PredictedTpot;
    }

    private static void Quantisation(List<Row> all)
    {
        Heading("One configuration at two precisions (aggregated, same mapping, shape and load): median TPOT ratios");
        static string Base(string m) => m.Replace("nvidia/", string.Empty, StringComparison.Ordinal).Replace("-NVFP4", string.Empty, StringComparison.Ordinal).Replace("-FP8", string.Empty, StringComparison.Ordinal).Split('/')[^1];
        static string Precision(SiliconRow r) => (r.MoeQuant.Length > 0 ? r.MoeQuant : r.GemmQuant) switch
        {
            var q when q.Contains("fp4", StringComparison.Ordinal) => "fp4",
            var q when q.Contains("fp8", StringComparison.Ordinal) => "fp8",
            "" or "bf16" or "float16" => "bf16",
            var q => q,
        };
        var configs = all.Where(r => r.Agg).GroupBy(r => (r.R.System, r.R.Backend, Model: Base(r.Model), Mapping: r.O.Request?.Parallel.Name, r.R.Isl, r.R.Osl, r.Clients))
            .Select(g => g.GroupBy(r => Precision(r.R)).ToDictionary(x => x.Key, x => x.First()));
        var pairs = configs.SelectMany(d => new[] { ("fp4", "fp8"), ("fp8", "bf16") }.Where(p => d.ContainsKey(p.Item1) && d.ContainsKey(p.Item2))
            .Select(p => (d[p.Item1].R.Backend, Model: Base(d[p.Item1].Model), d[p.Item1].R.System, Pair: $"{p.Item1}/{p.Item2}", M: d[p.Item1].MeasuredTpot / d[p.Item2].MeasuredTpot, P: d[p.Item1].PredictedTpot / d[p.Item2].PredictedTpot)));
        foreach (var g in pairs.GroupBy(p => (p.Backend, p.Model, p.Pair, p.System)).OrderBy(g => g.Key.ToString(), StringComparer.Ordinal))
        {
            Console.WriteLine($"  {g.Key.Backend} {g.Key.Model} {g.Key.Pair} on {g.Key.System}: measured {F(Median(g.Select(p => p.M)))}, predicted {F(Median(g.Select(p => p.P)))} ({Count(g.Count(), "pair")})");
        }
    }

    private static void Constants(List<Row> inSample)
    {
        Heading("In sample, H200 aggregated: median measured/predicted TPOT by model");
        foreach (var g in inSample.Where(r => r.Agg && r.R.System == "h200_sxm" && r.R.Backend is "vllm" or "sglang").GroupBy(r => (r.R.Backend, r.Model)).OrderBy(g => g.Key.ToString(), StringComparer.Ordinal))
        {
            Console.WriteLine($"  {g.Key.Backend} {g.Key.Model}: ×{F(Median(g.Select(r => r.MeasuredTpot / r.PredictedTpot)))} ({g.Count()}, {g.Min(r => r.Clients)}–{g.Max(r => r.Clients)} clients)");
        }
    }

    private static void AssumedDeployments(List<Row> assumed)
    {
        var d = assumed.Where(r => !r.Agg).ToList();
        Heading($"Disaggregated rows under an assumed deployment (all systems, {d.Count} predicted): predicted/measured TPOT");
        Console.WriteLine($"  median ×{F(Median(d.Select(r => r.PredictedTpot / r.MeasuredTpot)))}; by clients: " + string.Join(", ", d.Where(r => r.Clients > 0).GroupBy(r => 1 << (int)Math.Floor(Math.Log2(r.Clients))).OrderBy(g => g.Key)
            .Select(g => $"{g.Key}–{(2 * g.Key) - 1} ×{F(Median(g.Select(r => r.PredictedTpot / r.MeasuredTpot)))} ({g.Count()})")));
    }

    // The report's measurement series (Validation.SweepKey), two rows or more.
    private static List<List<Row>> Series(List<Row> t) =>
        [.. t.GroupBy(r => Validation.SweepKey(r.R), StringComparer.Ordinal).Where(g => g.Count() >= 2).Select(g => g.ToList())];

    private static double Slope(IEnumerable<List<Row>> series)
    {
        double num = 0, den = 0;
        foreach (var s in series)
        {
            double mx = s.Average(r => Math.Log(r.Clients)), my = s.Average(r => r.LogP);
            num += s.Sum(r => (Math.Log(r.Clients) - mx) * (r.LogP - my));
            den += s.Sum(r => Math.Pow(Math.Log(r.Clients) - mx, 2));
        }

        return den > 0 ? num / den : double.NaN;
    }

    // The report's own within-sweeps split (each series divided by its geometric-mean bias) over these series' rows.
    private static AccuracyReport WithinSweeps(IEnumerable<List<Row>> series) =>
        Validation.Report([.. series.SelectMany(x => x).Select(r => r.O)], targetOnly: true);

    private static double Eta(List<Row> t, Func<Row, string> key, Func<Row, double> err)
    {
        double mean = t.Average(err);
        double total = t.Sum(r => Math.Pow(err(r) - mean, 2));
        double between = t.GroupBy(key).Sum(g => g.Count() * Math.Pow(g.Average(err) - mean, 2));
        return between / total;
    }

    // Leave-the-configuration-out: each row moved by the shrunk mean ln error of the other configurations sharing its label.
    private static double LabelCorrected(List<Row> t, Func<Row, string> key, Func<Row, double> lnMeasuredOverPredicted, Func<Row, double> predicted, Func<Row, double> measured)
    {
        double all = t.Average(lnMeasuredOverPredicted);
        var groups = t.GroupBy(key).ToDictionary(g => g.Key, g => g.ToList());
        return 100 * t.Average(r =>
        {
            string config = ConfigurationOf(r);
            var others = groups[key(r)].Where(o => ConfigurationOf(o) != config).ToList();
            double shift = others.Count == 0 ? 0 : others.Sum(o => lnMeasuredOverPredicted(o) - all) / (others.Count + 20);
            return Math.Abs((predicted(r) * Math.Exp(shift) / measured(r)) - 1);
        });

        static string ConfigurationOf(Row r) => $"{r.Model}|{r.R.System}|{r.R.Backend}|{r.O.Request?.Parallel.Name}|{r.R.BackendVersion}";
    }

    // R² of ordinary least squares with an intercept (standardised columns, normal equations, a whisker of ridge).
    private static double RSquared(double[][] x, double[] y)
    {
        int n = y.Length, k = x[0].Length;
        double[] mu = [.. Enumerable.Range(0, k).Select(j => x.Average(v => v[j]))];
        double[] sd = [.. Enumerable.Range(0, k).Select(j => Math.Sqrt(x.Average(v => Math.Pow(v[j] - mu[j], 2))) is var s && s > 0 ? s : 1)];
        double ym = y.Average();
        var z = x.Select(v => v.Select((e, j) => (e - mu[j]) / sd[j]).ToArray()).ToArray();
        var a = new double[k, k];
        var b = new double[k];
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < k; j++)
            {
                a[i, j] = z.Sum(v => v[i] * v[j]) + (i == j ? 1e-6 * n : 0);
            }

            b[i] = z.Select((v, r) => v[i] * (y[r] - ym)).Sum();
        }

        double[] w = Solve(a, b);
        double residual = z.Select((v, r) => Math.Pow(y[r] - ym - v.Select((e, j) => e * w[j]).Sum(), 2)).Sum();
        return 1 - (residual / y.Sum(v => Math.Pow(v - ym, 2)));
    }

    private static double[] Solve(double[,] a, double[] b)
    {
        int n = b.Length;
        for (int i = 0; i < n; i++)
        {
            int p = Enumerable.Range(i, n - i).MaxBy(r => Math.Abs(a[r, i]));
            for (int j = 0; j < n; j++)
            {
                (a[i, j], a[p, j]) = (a[p, j], a[i, j]);
            }

            (b[i], b[p]) = (b[p], b[i]);
            for (int r = i + 1; r < n; r++)
            {
                double f = a[r, i] / a[i, i];
                for (int j = i; j < n; j++)
                {
                    a[r, j] -= f * a[i, j];
                }

                b[r] -= f * b[i];
            }
        }

        var x = new double[n];
        for (int i = n - 1; i >= 0; i--)
        {
            x[i] = (b[i] - Enumerable.Range(i + 1, n - i - 1).Sum(j => a[i, j] * x[j])) / a[i, i];
        }

        return x;
    }

    private static double Median(IEnumerable<double> v) => Quantile([.. v], 0.5);

    // numpy.quantile's definition (MetricSpread, tested there).
    private static double Quantile(List<double> v, double q) => MetricSpread.Quantile([.. v.Order()], q);

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private static void Heading(string text) => Console.WriteLine($"\n{text}");

    private static string F(double v) => v.ToString("F2", CultureInfo.InvariantCulture);

    private static string P(double share) => (100 * share).ToString("F1", CultureInfo.InvariantCulture) + "%";
}
