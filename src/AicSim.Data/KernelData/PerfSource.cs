using System.Collections.Concurrent;
using AicSim.Core.Errors;
using AicSim.Core.Estimation;
using AicSim.Core.Specs;
using AicSim.Core.Tables;

namespace AicSim.Data.KernelData;

/// <summary>
/// Chooses the op estimator: <c>roofline</c>; <c>tables</c> (measured kernels first, roofline where they do not reach);
/// <c>auto</c> = a serving framework's own tables where present. Tables come from --perf-db (aiconfigurator's database)
/// or from the bundled systems-data/&lt;system&gt;/&lt;backend&gt;/ folder; <c>tables</c> also takes the kernels measured
/// through PyTorch in systems-data/&lt;system&gt;/pytorch/. Loaded tables are cached per (source, system, backend, version).
/// </summary>
public static class PerfSource
{
    public static IReadOnlyList<string> Modes { get; } = ["roofline", "tables", "auto"];

    /// <summary>The bundled folder (systems-data/&lt;system&gt;/pytorch/) of kernels measured through PyTorch, for every backend with --perf-source tables.</summary>
    public const string LibraryFolder = "pytorch";

    private static readonly ConcurrentDictionary<(string, string, string, string), KernelTables?> Cache = new();

    /// <summary>
    /// Refuses a --perf-db that is not a folder: under auto it would otherwise fall back to the roofline without a word,
    /// though the user asked for tables. Returns the path for use in initialisers.
    /// </summary>
    public static string? RequireFolder(string? perfDb) =>
        perfDb is null || Directory.Exists(perfDb) ? perfDb
        : throw new AicSimException($"--perf-db: no folder at '{perfDb}'. Give aiconfigurator's systems/data folder (e.g. ../shared/data/aic-perf-db), or leave --perf-db out.");

    /// <summary>The estimator for a system and backend, and a line saying what it uses.</summary>
    public static (IOpEstimator Estimator, string Description) Create(string mode, string? perfDb, string? backendVersion, SystemSpec system, Backend backend, EfficiencyParams? efficiency = null)
    {
        var eff = efficiency ?? EfficiencyParams.Default;
        ArgumentNullException.ThrowIfNull(mode);
        ArgumentNullException.ThrowIfNull(system);
        if (!Modes.Contains(mode))
        {
            throw new AicSimException($"--perf-source '{mode}': use roofline, tables or auto.{NameSuggester.Hint(mode, Modes)}");
        }

        RequireFolder(perfDb);
        var roofline = new RooflineEstimator(HardwareParams.From(system), eff);
        if (mode == "roofline")
        {
            return (roofline, "roofline");
        }

        var tables = Load(perfDb, backendVersion, system, Backends.Name(backend), libraryTables: mode == "tables");
        if (tables is null)
        {
            if (mode == "tables")
            {
                throw new AicSimException(
                    $"--perf-source tables: no measured kernel tables for {system.Name}/{Backends.Name(backend)}. Give --perf-db (aiconfigurator's systems/data folder), " +
                    "collect them with collector/collect.py, or use --perf-source roofline.");
            }

            return (roofline, "roofline (no measured tables for this system and backend)");
        }

        string where = tables.Provenance.TryGetValue("versions", out var v) ? $" ({v})" : tables.Provenance.TryGetValue("version", out var v2) ? $" ({v2})" : string.Empty;
        return (new TableEstimator(tables, HardwareParams.From(system), eff), $"measured tables{where}, roofline elsewhere");
    }

    private static KernelTables? Load(string? perfDb, string? version, SystemSpec system, string backend, bool libraryTables)
    {
        if (perfDb is not null)
        {
            return Cache.GetOrAdd((perfDb, system.Name, backend, version ?? string.Empty), _ =>
                Directory.Exists(Path.Combine(perfDb, system.Name, "gemm", backend)) || Directory.Exists(Path.Combine(perfDb, "gemm", backend))
                    ? PerfDbReader.Load(perfDb, system.Name, backend, version).Tables
                    : null);
        }

        // A backend's own measurements first. The library kernels collector/collect.py measured are asked for by name
        // only: cross-validated on the calibration file they predicted served rows no better than the calibrated
        // roofline (README, "Kernel tables"), since cuBLAS and flash attention are not the frameworks' kernels.
        foreach (string folder in libraryTables ? new[] { backend, LibraryFolder } : [backend])
        {
            string bundled = Path.Combine(DataPaths.SystemsDirectory, system.Name, folder);
            if (KernelTableCsv.Exists(bundled))
            {
                return Cache.GetOrAdd((bundled, system.Name, folder, string.Empty), _ => KernelTableCsv.Read(bundled));
            }
        }

        return null;
    }
}
