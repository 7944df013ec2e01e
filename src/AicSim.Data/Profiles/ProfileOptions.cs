namespace AicSim.Data.Profiles;

/// <summary>
/// Every option of a profile run, as given by flags, a --profile-config file or a DGDR's profilingConfig.config
/// (null = not given). <see cref="Merge"/> layers them: flags over files.
/// </summary>
public sealed record ProfileOptions
{
    public string? Model { get; init; }

    public string? Backend { get; init; }

    public string? System { get; init; }

    public int? Isl { get; init; }

    public int? Osl { get; init; }

    public double? Ttft { get; init; }

    public double? Itl { get; init; }

    public int? MinGpus { get; init; }

    public int? MaxGpus { get; init; }

    public int? GpusPerNode { get; init; }

    public int? MaxContextLength { get; init; }

    public int? PrefillGranularity { get; init; }

    public int? DecodeGranularity { get; init; }

    public string? Config { get; init; }

    public string? OutputDir { get; init; }

    public string? DgdImage { get; init; }

    public string? Namespace { get; init; }

    public string? ModelCachePvcName { get; init; }

    public string? ModelCachePvcPath { get; init; }

    public string? ModelCacheMountPath { get; init; }

    public bool? UseAiConfigurator { get; init; }

    public string? AicBackendVersion { get; init; }

    public string? GemmQuant { get; init; }

    public string? MoeQuant { get; init; }

    public string? KvQuant { get; init; }

    /// <summary>Tokens drafted per decode step with the model's MTP modules (speculative decoding), or null for plain decoding.</summary>
    public int? Mtp { get; init; }

    /// <summary>With <see cref="Mtp"/>: each draft token's acceptance given the ones before it (default 0.85).</summary>
    public double? MtpAcceptance { get; init; }

    /// <summary>roofline | tables | auto.</summary>
    public string? PerfSource { get; init; }

    public string? PerfDb { get; init; }

    /// <summary>A calibration file, "none", or null for the bundled one.</summary>
    public string? Calibration { get; init; }

    /// <summary>
    /// Plan with the accuracy card's headroom: choose engines whose predicted TTFT and ITL times the 90th percentile of
    /// measured / predicted (of the system, backend and disaggregated serving) still meet the targets.
    /// </summary>
    public bool? Headroom { get; init; }

    /// <summary>
    /// Where <see cref="Model"/>, <see cref="System"/> and <see cref="Backend"/> came from when a file gave them
    /// ("request.yaml: hardware.gpuType"), keyed by those names; absent for a flag's value. Errors about a value name its origin.
    /// </summary>
    public IReadOnlyDictionary<string, string> Origins { get; init; } = NoOrigins;

    // One shared empty map, so that options read alike compare equal.
    private static readonly Dictionary<string, string> NoOrigins = new(StringComparer.Ordinal);

    /// <summary>The field to name in an error about <paramref name="option"/>: its file origin, else <paramref name="flag"/>.</summary>
    public string FieldOf(string option, string flag) => Origins.TryGetValue(option, out var origin) ? origin : flag;

    /// <summary>planner_* options without the prefix, in the order given.</summary>
    public IReadOnlyList<(string Name, string Value)> PlannerArgs { get; init; } = [];

    /// <summary>Values of <paramref name="over"/> where given, else these.</summary>
    public ProfileOptions Merge(ProfileOptions over)
    {
        ArgumentNullException.ThrowIfNull(over);
        var planner = PlannerArgs.Where(p => !over.PlannerArgs.Any(o => o.Name == p.Name)).Concat(over.PlannerArgs).ToList();
        return new ProfileOptions
        {
            Model = over.Model ?? Model,
            Backend = over.Backend ?? Backend,
            System = over.System ?? System,
            Isl = over.Isl ?? Isl,
            Osl = over.Osl ?? Osl,
            Ttft = over.Ttft ?? Ttft,
            Itl = over.Itl ?? Itl,
            MinGpus = over.MinGpus ?? MinGpus,
            MaxGpus = over.MaxGpus ?? MaxGpus,
            GpusPerNode = over.GpusPerNode ?? GpusPerNode,
            MaxContextLength = over.MaxContextLength ?? MaxContextLength,
            PrefillGranularity = over.PrefillGranularity ?? PrefillGranularity,
            DecodeGranularity = over.DecodeGranularity ?? DecodeGranularity,
            Config = over.Config ?? Config,
            OutputDir = over.OutputDir ?? OutputDir,
            DgdImage = over.DgdImage ?? DgdImage,
            Namespace = over.Namespace ?? Namespace,
            ModelCachePvcName = over.ModelCachePvcName ?? ModelCachePvcName,
            ModelCachePvcPath = over.ModelCachePvcPath ?? ModelCachePvcPath,
            ModelCacheMountPath = over.ModelCacheMountPath ?? ModelCacheMountPath,
            UseAiConfigurator = over.UseAiConfigurator ?? UseAiConfigurator,
            AicBackendVersion = over.AicBackendVersion ?? AicBackendVersion,
            GemmQuant = over.GemmQuant ?? GemmQuant,
            MoeQuant = over.MoeQuant ?? MoeQuant,
            KvQuant = over.KvQuant ?? KvQuant,
            Mtp = over.Mtp ?? Mtp,
            MtpAcceptance = over.MtpAcceptance ?? MtpAcceptance,
            PerfSource = over.PerfSource ?? PerfSource,
            PerfDb = over.PerfDb ?? PerfDb,
            Calibration = over.Calibration ?? Calibration,
            Headroom = over.Headroom ?? Headroom,
            PlannerArgs = planner,
            Origins = MergeOrigins(over),
        };
    }

    // A value's origin goes with it: the one that wins keeps its own (none, for a flag).
    private IReadOnlyDictionary<string, string> MergeOrigins(ProfileOptions over)
    {
        if (Origins.Count == 0 && over.Origins.Count == 0)
        {
            return NoOrigins;
        }

        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, overGiven) in new[] { (nameof(Model), over.Model is not null), (nameof(System), over.System is not null), (nameof(Backend), over.Backend is not null) })
        {
            var from = overGiven ? over.Origins : Origins;
            if (from.TryGetValue(name, out var origin))
            {
                merged[name] = origin;
            }
        }

        return merged;
    }
}
