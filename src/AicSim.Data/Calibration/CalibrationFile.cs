using System.Globalization;
using System.Security.Cryptography;
using AicSim.Core.Calibration;
using AicSim.Core.Errors;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace AicSim.Data.Calibration;

/// <summary>
/// Calibration files (systems-data/calibration/default.yaml by default): versioned, written by `aicsim calibrate`, loaded by every
/// estimate unless --calibration none. Numbers are written with their fitted rounding so a re-fit on the same input
/// reproduces the file byte for byte.
/// </summary>
public static class CalibrationFile
{
    public static string DefaultPath => Path.Combine(DataPaths.SystemsDirectory, "calibration", "default.yaml");

    /// <summary>The bundled calibration, or none when there is no file.</summary>
    public static CalibrationSet LoadDefault() => File.Exists(DefaultPath) ? Load(DefaultPath) : CalibrationSet.None;

    /// <summary>"none" → no calibration; null → the bundled one; else the file.</summary>
    public static CalibrationSet Resolve(string? option) =>
        option is null ? LoadDefault() : option == "none" ? CalibrationSet.None : Load(option);

    public static CalibrationSet Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new AicSimException($"--calibration: no file at '{path}' (use 'none' for the built-in defaults).");
        }

        const string Fix = "Re-create it with aicsim calibrate --silicon FILE.csv --out FILE, or pass --calibration none for the built-in constants.";
        FileDto? dto;
        try
        {
            dto = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build().Deserialize<FileDto>(File.ReadAllText(path));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            // An unknown key, a mistyped value, or not YAML at all (a wrong path): say where, not YamlDotNet's stack.
            throw new AicSimException($"{path}: not a calibration file ({YamlProblem.Describe(e)}). {Fix}");
        }

        if (dto is null)
        {
            throw new AicSimException($"{path}: empty calibration file. {Fix}");
        }

        if (dto.Version != CalibrationSet.CurrentVersion)
        {
            throw new AicSimException($"{path}: calibration version {dto.Version}; this aicsim reads version {CalibrationSet.CurrentVersion}. {Fix}");
        }

        var groups = (dto.Groups ?? []).Select(g => new CalibrationGroup(
            g.System ?? string.Empty, g.Backend ?? string.Empty, g.Rows, g.MemoryEfficiency, g.GemmEfficiency, g.RequestOverheadPerKernelUs,
            g.LayerOverheadUs, g.ArrivalSynchronisation, g.DisaggTtftOverheadMs, g.TtftDecodeSteps, g.PrefillInterference)).ToList();
        var problems = groups.SelectMany((g, i) => Problems(g).Select(p => $"{path}: groups[{i}] ({g.System}/{g.Backend}): {p}. {Fix}")).ToList();
        if (problems.Count > 0)
        {
            throw new AicSimException(problems);
        }

        return new CalibrationSet(dto.Version, dto.FittedOn ?? string.Empty, groups);
    }

    /// <summary>What makes a group's constants unphysical: each would price every op of that group nonsensically.</summary>
    private static IEnumerable<string> Problems(CalibrationGroup g)
    {
        if (string.IsNullOrEmpty(g.System) || string.IsNullOrEmpty(g.Backend))
        {
            yield return "system and backend are required";
        }

        foreach (var (name, value) in new[] { ("memory_efficiency", g.MemoryEfficiency), ("gemm_efficiency", g.GemmEfficiency) })
        {
            if (!(value is > 0 and <= 1))
            {
                yield return string.Create(CultureInfo.InvariantCulture, $"{name} is {value}; a share of the peak must be above 0 and at most 1");
            }
        }

        foreach (var (name, value) in new[] { ("request_overhead_per_kernel_us", g.RequestOverheadPerKernelUs), ("layer_overhead_us", g.LayerOverheadUs), ("disagg_ttft_overhead_ms", g.DisaggTtftOverheadMs), ("ttft_decode_steps", g.TtftDecodeSteps) })
        {
            if (!(value >= 0))
            {
                yield return string.Create(CultureInfo.InvariantCulture, $"{name} is {value}; it must be 0 or more");
            }
        }

        if (!(g.ArrivalSynchronisation is >= 0 and <= 1))
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"arrival_synchronisation is {g.ArrivalSynchronisation}; it is a share, from 0 to 1");
        }

        if (!(g.PrefillInterference > 0))
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"prefill_interference is {g.PrefillInterference}; it must be above 0");
        }
    }

    public static void Save(string path, CalibrationSet set)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(set);
        var w = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        w.WriteLine("# AicSim calibration: per (system, backend) constants fitted by `aicsim calibrate` (least squares on log error, Huber beyond a factor of 1.5, flat beyond 3).");
        w.WriteLine("# Re-run: aicsim calibrate --silicon ../shared/data/silicon_calibration.csv --out systems-data/calibration/default.yaml");
        w.WriteLine($"version: {set.Version}");
        w.WriteLine($"fitted_on: '{set.FittedOn}'");
        w.WriteLine("groups:");
        foreach (var g in set.Groups)
        {
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  - {{system: {g.System}, backend: {g.Backend}, rows: {g.Rows}, memory_efficiency: {g.MemoryEfficiency}, gemm_efficiency: {g.GemmEfficiency}, request_overhead_per_kernel_us: {g.RequestOverheadPerKernelUs}, layer_overhead_us: {g.LayerOverheadUs}, arrival_synchronisation: {g.ArrivalSynchronisation}, disagg_ttft_overhead_ms: {g.DisaggTtftOverheadMs}, ttft_decode_steps: {g.TtftDecodeSteps}, prefill_interference: {g.PrefillInterference}}}"));
        }

        AtomicFile.WriteText(path, w.ToString());
    }

    /// <summary>"name sha256:…" of a file, to record what a calibration was fitted on.</summary>
    public static string Fingerprint(string path)
    {
        using var s = File.OpenRead(path);
        return $"{Path.GetFileName(path)} sha256:{Convert.ToHexStringLower(SHA256.HashData(s))[..16]}";
    }

    private sealed class FileDto
    {
        public int Version { get; set; }

        public string? FittedOn { get; set; }

        public List<GroupDto>? Groups { get; set; }
    }

    private sealed class GroupDto
    {
        public string? System { get; set; }

        public string? Backend { get; set; }

        public int Rows { get; set; }

        public double MemoryEfficiency { get; set; }

        public double GemmEfficiency { get; set; }

        public double RequestOverheadPerKernelUs { get; set; }

        public double LayerOverheadUs { get; set; }

        public double ArrivalSynchronisation { get; set; }

        public double DisaggTtftOverheadMs { get; set; }

        public double TtftDecodeSteps { get; set; }

        public double PrefillInterference { get; set; } = 1;
    }
}
