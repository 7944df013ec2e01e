using System.Collections.Concurrent;
using AicSim.Core.Errors;
using AicSim.Core.Estimation;
using AicSim.Core.Specs;
using AicSim.Core.Tables;

namespace AicSim.Data.KernelData;

/// <summary>
/// Chooses the op estimator: <c>roofline</c>; <c>tables</c> (measured kernels first, roofline where they do not reach);
/// <c>auto</c> = tables where present. Tables come from --perf-db (aiconfigurator's database) or from the bundled
/// systems-data/&lt;system&gt;/&lt;backend&gt;/ folder. Loaded tables are cached per (source, system, backend, version).
/// </summary>
public static class PerfSource
{
    public static IReadOnlyList<string> Modes { get; } = ["roofline", "tables", "auto"];

    private static readonly ConcurrentDictionary<(string, string, string, string), KernelTables?> Cache = new();

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

        var roofline = new RooflineEstimator(HardwareParams.From(system), eff);
        if (mode == "roofline")
        {
            return (roofline, "roofline");
        }

        var tables = Load(perfDb, backendVersion, system, Backends.Name(backend));
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

    private static KernelTables? Load(string? perfDb, string? version, SystemSpec system, string backend)
    {
        if (perfDb is not null)
        {
            return Cache.GetOrAdd((perfDb, system.Name, backend, version ?? string.Empty), _ =>
                Directory.Exists(Path.Combine(perfDb, system.Name, "gemm", backend)) || Directory.Exists(Path.Combine(perfDb, "gemm", backend))
                    ? PerfDbReader.Load(perfDb, system.Name, backend, version).Tables
                    : null);
        }

        string bundled = Path.Combine(DataPaths.SystemsDirectory, system.Name, backend);
        return KernelTableCsv.Exists(bundled) ? Cache.GetOrAdd((bundled, system.Name, backend, string.Empty), _ => KernelTableCsv.Read(bundled)) : null;
    }
}
