using AicSim.Core.Errors;
using AicSim.Core.Specs;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace AicSim.Data.Systems;

/// <summary>The GPU systems in systems-data/*.yaml, by name or alias.</summary>
public sealed class SystemCatalog
{
    private const double GiB = 1024.0 * 1024 * 1024;
    private readonly Dictionary<string, SystemSpec> _byName;

    private SystemCatalog(IReadOnlyList<SystemSpec> systems)
    {
        Systems = systems;
        _byName = new(StringComparer.OrdinalIgnoreCase);
        foreach (var s in systems)
        {
            _byName[Key(s.Name)] = s;
            _byName.TryAdd(Key(s.GpuName), s);
            foreach (var alias in s.Aliases)
            {
                _byName[Key(alias)] = s;
            }
        }
    }

    public IReadOnlyList<SystemSpec> Systems { get; }

    /// <summary>Loads every *.yaml of a folder (default: the bundled systems-data); reports all bad files at once.</summary>
    public static SystemCatalog Load(string? directory = null)
    {
        directory ??= DataPaths.SystemsDirectory;
        var deserializer = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
        var systems = new List<SystemSpec>();
        var problems = new List<string>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            try
            {
                var dto = deserializer.Deserialize<SystemFile>(File.ReadAllText(file)) ?? throw new FormatException("the file is empty");
                systems.Add(dto.ToSpec(file));
            }
            catch (YamlDotNet.Core.YamlException e)
            {
                problems.Add($"{file}: {YamlProblem.Describe(e)}");
            }
            catch (FormatException e)
            {
                problems.Add($"{file}: {e.Message}");
            }
        }

        if (problems.Count > 0)
        {
            throw new AicSimException(problems);
        }

        return new SystemCatalog(systems);
    }

    /// <summary>The system named <paramref name="name"/>; unknown names get a did-you-mean, under <paramref name="field"/>.</summary>
    public SystemSpec Get(string name, string field = "--system")
    {
        ArgumentNullException.ThrowIfNull(name);
        string key = Key(name);
        if (_byName.TryGetValue(key, out var spec))
        {
            return spec;
        }

        if (key.Contains("pcie", StringComparison.Ordinal) || (key.Contains("nvl", StringComparison.Ordinal) && !key.Contains("nvl72", StringComparison.Ordinal)))
        {
            throw new AicSimException(
                $"{field}: '{name}' is a PCIe or NVL card, and only SXM baseboards are bundled ({string.Join(", ", Systems.Select(s => s.Name))}); an SXM system's bandwidth and power would price it too fast. Describe it in a systems-data/*.yaml of its own: a copy of the nearest SXM system's file with the card's datasheet numbers.");
        }

        throw new AicSimException(
            $"{field}: unknown system '{name}'.{NameSuggester.Hint(name, Systems.Select(s => s.Name))} Known systems: {string.Join(", ", Systems.Select(s => s.Name))}.");
    }

    public bool TryGet(string name, out SystemSpec? spec) => _byName.TryGetValue(Key(name), out spec);

    // Names are matched ignoring case, with '-' or ' ' as '_' and without a leading NVIDIA, DGX or HGX, as Kubernetes
    // labels and node pools (h100-sxm), nvidia-smi's GPU names (NVIDIA H100 80GB HBM3, each system file's gpu) and
    // product names (DGX B200) spell them.
    private static string Key(string name)
    {
        string key = name.Trim().ToLowerInvariant().Replace('-', '_').Replace(' ', '_');
        foreach (string prefix in (string[])["nvidia_", "dgx_", "hgx_"])
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal) && key.Length > prefix.Length)
            {
                key = key[prefix.Length..];
            }
        }

        return key;
    }

    private sealed class SystemFile
    {
        public string? Name { get; set; }

        public List<string>? Aliases { get; set; }

        public string? Gpu { get; set; }

        public double MemoryGib { get; set; }

        public double MemoryBandwidthTbPerS { get; set; }

        public Dictionary<string, double>? DenseTflops { get; set; }

        public double NvlinkGbPerS { get; set; }

        public double NetworkGbPerS { get; set; }

        public int GpusPerNode { get; set; }

        public int NvlinkDomainGpus { get; set; }

        public SystemSpec ToSpec(string file)
        {
            var missing = new List<string>();
            void Need(bool ok, string field)
            {
                if (!ok)
                {
                    missing.Add(field);
                }
            }

            Need(!string.IsNullOrWhiteSpace(Name), "name");
            Need(MemoryGib > 0, "memory_gib");
            Need(MemoryBandwidthTbPerS > 0, "memory_bandwidth_tb_per_s");
            Need(DenseTflops is { Count: > 0 }, "dense_tflops");
            Need(NvlinkGbPerS > 0, "nvlink_gb_per_s");
            Need(NetworkGbPerS > 0, "network_gb_per_s");
            Need(GpusPerNode > 0, "gpus_per_node");
            if (missing.Count > 0)
            {
                throw new FormatException($"missing or non-positive: {string.Join(", ", missing)}");
            }

            var flops = new Dictionary<ComputeType, double>();
            foreach (var (key, tflops) in DenseTflops!)
            {
                var type = key.ToLowerInvariant() switch
                {
                    "bf16" => ComputeType.Bf16,
                    "fp8" => ComputeType.Fp8,
                    "fp4" => ComputeType.Fp4,
                    _ => throw new FormatException($"dense_tflops.{key}: unknown dtype; use bf16, fp8 or fp4"),
                };
                flops[type] = tflops * 1e12;
            }

            return new SystemSpec
            {
                Name = Name!,
                GpuName = Gpu ?? Name!,
                Aliases = Aliases ?? [],
                MemoryBytes = MemoryGib * GiB,
                MemoryBandwidthBytesPerSec = MemoryBandwidthTbPerS * 1e12,
                PeakFlopsPerSec = flops,
                NvlinkBandwidthBytesPerSec = NvlinkGbPerS * 1e9,
                NetworkBandwidthBytesPerSec = NetworkGbPerS * 1e9,
                GpusPerNode = GpusPerNode,
                NvlinkDomainGpus = NvlinkDomainGpus > 0 ? NvlinkDomainGpus : GpusPerNode,
            };
        }
    }
}
