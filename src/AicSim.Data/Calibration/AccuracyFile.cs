using System.Globalization;
using AicSim.Core.Accuracy;
using AicSim.Core.Errors;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace AicSim.Data.Calibration;

/// <summary>
/// The accuracy file (systems-data/calibration/accuracy.yaml beside default.yaml): per (system, backend, mode), and per
/// band of client concurrency within it (<c>clients_min</c>, <c>clients_max</c>), how cross-validated predictions compared
/// with the measurements, written by `aicsim validate --folds K --accuracy-out` and
/// shown with every estimate and profile that uses the calibration it describes. Numbers are rounded as written, so a
/// re-run on the same input reproduces the file byte for byte.
/// </summary>
public static class AccuracyFile
{
    public const int CurrentVersion = 3;

    public static string DefaultPath => Path.Combine(DataPaths.SystemsDirectory, "calibration", "accuracy.yaml");

    /// <summary>
    /// How the op latencies of a prediction were sourced, as the file records it: the --perf-source name, and the
    /// database folder when one was given (another database prices ops differently, so its accuracy is another's).
    /// </summary>
    public static string PerfSourceKey(string perfSource, string? perfDb) =>
        perfDb is null ? perfSource : $"{perfSource} --perf-db {Path.GetFullPath(perfDb)}";

    /// <summary>The bundled accuracy cards, or null when there is no file.</summary>
    public static AccuracyCards? LoadDefault() => File.Exists(DefaultPath) ? Load(DefaultPath) : null;

    public static AccuracyCards Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        FileDto? dto;
        try
        {
            dto = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build().Deserialize<FileDto>(File.ReadAllText(path));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new AicSimException($"{path}: not an accuracy file ({YamlProblem.Describe(e)}). Re-create it with aicsim validate --folds 5 --accuracy-out {path}.");
        }

        if (dto is null || dto.Version != CurrentVersion)
        {
            throw new AicSimException($"{path}: accuracy file version {dto?.Version.ToString(CultureInfo.InvariantCulture) ?? "missing"}; this aicsim reads version {CurrentVersion}. Re-create it with aicsim validate --folds 5 --accuracy-out {path}.");
        }

        return new AccuracyCards(dto.FittedOn ?? string.Empty, dto.Method ?? string.Empty, dto.PerfSource ?? string.Empty, (dto.Groups ?? []).Select(g => new AccuracyCard(
            g.System ?? string.Empty, g.Backend ?? string.Empty, g.Mode ?? string.Empty, g.Rows,
            new MetricSpread(g.TtftMapePct, g.TtftMedianApePct, g.TtftRatioP10, g.TtftRatioP90),
            new MetricSpread(g.TpotMapePct, g.TpotMedianApePct, g.TpotRatioP10, g.TpotRatioP90),
            g.ClientsMin is int min ? new ClientBand(min, g.ClientsMax) : ClientBand.Any)).ToList(), dto.AnySystemMethod ?? string.Empty);
    }

    public static void Save(string path, AccuracyCards cards, string rerun)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(cards);
        var w = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        w.WriteLine("# AicSim accuracy: per (system, backend, mode), and per band of client concurrency (clients_min to clients_max, no");
        w.WriteLine("# clients_max: no upper bound) where the band has enough runs, how predictions made by constants fitted without a run");
        w.WriteLine("# compared with the run.");
        w.WriteLine("# *_mape_pct / *_median_ape_pct: mean and median absolute percentage error. *_ratio_p10 / *_ratio_p90: 10th and 90th");
        w.WriteLine("# percentiles of measured / predicted (linear interpolation, as numpy.quantile): 80% of runs measured between the two.");
        w.WriteLine("# system: any — a system without runs of its own, priced by its backend's median constants: every system's runs, each");
        w.WriteLine("# predicted with its own system and framework held out of the fit (any_system_method).");
        w.WriteLine($"# Re-run: {rerun}");
        w.WriteLine($"version: {CurrentVersion}");
        w.WriteLine($"fitted_on: '{cards.FittedOn}'");
        w.WriteLine($"method: '{cards.Method}'");
        w.WriteLine($"perf_source: '{cards.PerfSource}'");
        if (cards.AnySystemMethod.Length > 0)
        {
            w.WriteLine($"any_system_method: '{cards.AnySystemMethod}'");
        }

        w.WriteLine("groups:");
        foreach (var c in cards.Cards)
        {
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  - {{system: {c.System}, backend: {c.Backend}, mode: {c.Mode}, {Band(c.Clients)}rows: {c.Rows}, " +
                $"ttft_mape_pct: {Pct(c.Ttft.MapePercent)}, ttft_median_ape_pct: {Pct(c.Ttft.MedianApePercent)}, ttft_ratio_p10: {Ratio(c.Ttft.LowRatio)}, ttft_ratio_p90: {Ratio(c.Ttft.HighRatio)}, " +
                $"tpot_mape_pct: {Pct(c.Tpot.MapePercent)}, tpot_median_ape_pct: {Pct(c.Tpot.MedianApePercent)}, tpot_ratio_p10: {Ratio(c.Tpot.LowRatio)}, tpot_ratio_p90: {Ratio(c.Tpot.HighRatio)}}}"));
        }

        AtomicFile.WriteText(path, w.ToString());
    }

    private static string Band(ClientBand b) =>
        b == ClientBand.Any ? string.Empty
        : string.Create(CultureInfo.InvariantCulture, $"clients_min: {b.Min}, {(b.Max is int max ? $"clients_max: {max}, " : string.Empty)}");

    private static double Pct(double v) => Math.Round(v, 1);

    private static double Ratio(double v) => Math.Round(v, 3);

    private sealed class FileDto
    {
        public int Version { get; set; }

        public string? FittedOn { get; set; }

        public string? Method { get; set; }

        public string? PerfSource { get; set; }

        /// <summary>How the cards of system "any" were made: each system and framework held out whole.</summary>
        public string? AnySystemMethod { get; set; }

        public List<GroupDto>? Groups { get; set; }
    }

    private sealed class GroupDto
    {
        public string? System { get; set; }

        public string? Backend { get; set; }

        public string? Mode { get; set; }

        public int? ClientsMin { get; set; }

        public int? ClientsMax { get; set; }

        public int Rows { get; set; }

        public double TtftMapePct { get; set; }

        public double TtftMedianApePct { get; set; }

        public double TtftRatioP10 { get; set; }

        public double TtftRatioP90 { get; set; }

        public double TpotMapePct { get; set; }

        public double TpotMedianApePct { get; set; }

        public double TpotRatioP10 { get; set; }

        public double TpotRatioP90 { get; set; }
    }
}
