using AicSim.Core.Errors;
using AicSim.Core.Specs;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace AicSim.Data.Models;

/// <summary>
/// The bundled models (models-data/*.yaml) by Hugging Face id, alias or short name, plus any local config.json, and by
/// id the configs of <see cref="ConfigFolders"/> (the user's folders, the Hugging Face hub cache).
/// A file may describe a variant: <c>base: &lt;id&gt;</c> takes the base's shape and overrides the quantisation.
/// </summary>
public sealed class ModelCatalog
{
    private readonly Dictionary<string, ModelSpec> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, (string Architecture, string Reason)> _unsupported = new(StringComparer.OrdinalIgnoreCase);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ModelSpec> _fromFolders = new(StringComparer.OrdinalIgnoreCase);

    private ModelCatalog(IReadOnlyList<ModelSpec> models, IEnumerable<UnsupportedEntry> unsupported, ModelConfigFolders configFolders)
    {
        Models = models;
        ConfigFolders = configFolders;
        foreach (var m in models)
        {
            _byName.TryAdd(m.Id, m);
        }

        foreach (var m in models)
        {
            _byName.TryAdd(m.ShortName, m);
        }

        foreach (var u in unsupported)
        {
            _unsupported[u.Id ?? string.Empty] = (u.Architecture ?? "?", u.Reason ?? "not modelled");
        }
    }

    public IReadOnlyList<ModelSpec> Models { get; }

    /// <summary>Where a model that is not bundled is looked for by id (default: the Hugging Face hub cache).</summary>
    public ModelConfigFolders ConfigFolders { get; }

    /// <summary>Loads models-data (default: the bundled folder), resolving variants; reports every bad file at once.</summary>
    /// <param name="directory">The models-data folder; default the bundled one.</param>
    /// <param name="configFolders">Where to find models that are not bundled; default <see cref="ModelConfigFolders.Default"/>.</param>
    public static ModelCatalog Load(string? directory = null, ModelConfigFolders? configFolders = null)
    {
        directory ??= DataPaths.ModelsDirectory;
        var deserializer = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
        var files = new List<(string File, ModelFile Dto)>();
        var unsupported = new List<UnsupportedEntry>();
        var problems = new List<string>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            try
            {
                string text = File.ReadAllText(file);
                if (Path.GetFileName(file).StartsWith('_'))
                {
                    unsupported.AddRange(deserializer.Deserialize<UnsupportedFile>(text)?.Unsupported ?? []);
                    continue;
                }

                files.Add((file, deserializer.Deserialize<ModelFile>(text) ?? throw new FormatException("the file is empty")));
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

        var byId = new Dictionary<string, ModelSpec>(StringComparer.OrdinalIgnoreCase);
        var aliases = new List<(string Alias, ModelSpec Spec)>();

        // Base models first, then variants that name them.
        foreach (var (file, dto) in files.OrderBy(f => f.Dto.Base is null ? 0 : 1))
        {
            try
            {
                var spec = dto.ToSpec(byId);
                byId[spec.Id] = spec;
                aliases.AddRange((dto.Aliases ?? []).Select(a => (a, spec)));
            }
            catch (FormatException e)
            {
                problems.Add($"{file}: {e.Message}");
            }
            catch (AicSimException e)
            {
                problems.Add($"{file}: {e.Message}");
            }
        }

        if (problems.Count > 0)
        {
            throw new AicSimException(problems);
        }

        var catalog = new ModelCatalog([.. byId.Values.OrderBy(m => m.Id, StringComparer.Ordinal)], unsupported, configFolders ?? ModelConfigFolders.Default);
        foreach (var (alias, spec) in aliases)
        {
            catalog._byName.TryAdd(alias, spec);
            catalog._byName.TryAdd(alias[(alias.LastIndexOf('/') + 1)..], spec);
        }

        return catalog;
    }

    /// <summary>
    /// A model from a local path (config.json or a folder holding one) or a bundled id / alias / short name.
    /// The spec keeps the name the user gave as its id. An unknown name is reported under <paramref name="field"/>.
    /// </summary>
    public ModelSpec Resolve(string model, string field = "--model")
    {
        ArgumentNullException.ThrowIfNull(model);
        string name = model.Trim();
        if (File.Exists(name) || Directory.Exists(name))
        {
            return HfConfigParser.ParseFile(name);
        }

        if (_byName.TryGetValue(name, out var spec))
        {
            return spec;
        }

        if (_unsupported.TryGetValue(name, out var u))
        {
            throw new UnsupportedException(
                $"{name} uses {u.Architecture} ({u.Reason}), which AicSim does not model. " +
                $"Supported architectures: {string.Join(", ", HfConfigParser.SupportedArchitectures)}.");
        }

        if (_fromFolders.TryGetValue(name, out var read))
        {
            return read;
        }

        if (ConfigFolders.Find(name) is string config)
        {
            // Read once per name: a measurement file names its model on every row.
            return _fromFolders.GetOrAdd(name, _ => HfConfigParser.ParseFile(config, name));
        }

        string searched = ConfigFolders.Folders.Count == 0
            ? "or --model-configs DIR with its config.json"
            : $"or its config.json in --model-configs DIR (searched: {string.Join(", ", ConfigFolders.Folders)})";
        string hint = TryResolveRelease(name, out _, out string? shapeOf)
            ? $" It reads as a release of {shapeOf}: give --model {shapeOf}, with --gemm-quant/--moe-quant/--kv-quant for its format."
            : NameSuggester.Hint(name, Models.Select(m => m.Id));
        throw new AicSimException(
            $"{field}: unknown model '{name}'.{hint} " +
            $"Give a bundled id (see 'aicsim models'), a path to a Hugging Face config.json or model folder, {searched}.");
    }

    /// <summary>The config.json a name was read from through <see cref="ConfigFolders"/>, or null (bundled, a path, or not read).</summary>
    public string? ConfigFolderPathOf(string name) => _fromFolders.ContainsKey(name) ? ConfigFolders.Find(name) : null;

    /// <summary>
    /// A name that is not bundled but is a release of a bundled model: the same name under another organisation or with
    /// release tags after it (nvidia/DeepSeek-R1-FP4, RedHatAI/Meta-Llama-3.1-8B-Instruct-FP8-dynamic,
    /// Qwen/Qwen3-235B-A22B-Instruct-2507, mistralai/Mixtral-8x7B-Instruct-v0.1). Quantised and re-dated releases keep their
    /// base's shape; the spec takes the format the tags name (BF16, FP8, FP4/NVFP4, MXFP4, and AWQ/GPTQ/INT4 as 4-bit and
    /// INT8 as 8-bit weight-only), else that of the bundled release without a format tag, else BF16. Only the ends of names
    /// are read, so a differently sized or differently named model never matches.
    /// </summary>
    public bool TryResolveRelease(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ModelSpec? spec, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? shapeOf)
    {
        ArgumentNullException.ThrowIfNull(name);
        spec = null;
        shapeOf = null;
        var (core, format) = ReleaseCore(name);
        if (core.Length == 0 || !ReleasesByCore.TryGetValue(core, out var release))
        {
            return false;
        }

        var quant = format switch
        {
            "bf16" => QuantConfig.Bf16,
            "fp8" => release.Plain?.DefaultQuant is { Gemm: QuantMode.Fp8Block } block ? block : new QuantConfig(QuantMode.Fp8, QuantMode.Fp8, release.Plain?.DefaultQuant.KvCache ?? QuantMode.Bf16),
            // NVIDIA's FP4 releases (ModelOpt) all cache keys and values in FP8.
            "nvfp4" => new QuantConfig(QuantMode.Nvfp4, QuantMode.Nvfp4, QuantMode.Fp8),
            "mxfp4" => new QuantConfig(QuantMode.Bf16, QuantMode.Mxfp4, QuantMode.Bf16),
            "int4" => new QuantConfig(QuantMode.Int4WeightOnly, QuantMode.Int4WeightOnly, QuantMode.Bf16),
            "int8" => new QuantConfig(QuantMode.Int8WeightOnly, QuantMode.Int8WeightOnly, QuantMode.Bf16),
            _ => release.Plain?.DefaultQuant ?? QuantConfig.Bf16,
        };
        var shape = release.Plain ?? release.Any;
        spec = shape with { Id = name.Trim(), DefaultQuant = quant };
        shapeOf = shape.Id;
        return true;
    }

    // Built on first use (most runs never need it); building it twice from two threads gives the same table.
    private Dictionary<string, (ModelSpec? Plain, ModelSpec Any)> ReleasesByCore => _releases ??= ReleasesOf(Models);

    private Dictionary<string, (ModelSpec? Plain, ModelSpec Any)>? _releases;

    // Each bundled model under its core name; where several share one, the release without a format tag names it.
    private static Dictionary<string, (ModelSpec? Plain, ModelSpec Any)> ReleasesOf(IEnumerable<ModelSpec> models)
    {
        var byCore = new Dictionary<string, (ModelSpec? Plain, ModelSpec Any)>(StringComparer.OrdinalIgnoreCase);
        foreach (var m in models)
        {
            var (core, format) = ReleaseCore(m.Id);
            byCore.TryGetValue(core, out var seen);
            byCore[core] = (seen.Plain ?? (format is null ? m : null), seen.Any ?? m);
        }

        return byCore;
    }

    /// <summary>A model name without its organisation and trailing release tags, and the weight format the tags name.</summary>
    public static (string Core, string? Format) ReleaseCore(string name)
    {
        string shortName = name.Trim();
        shortName = shortName[(shortName.LastIndexOf('/') + 1)..];
        var parts = shortName.Split('-').ToList();

        // Meta's repositories were first named Meta-Llama-3.1-8B and later renamed Llama-3.1-8B; mirrors keep the old name.
        if (parts.Count > 2 && parts[0].Equals("Meta", StringComparison.OrdinalIgnoreCase) && parts[1].StartsWith("Llama", StringComparison.OrdinalIgnoreCase))
        {
            parts.RemoveAt(0);
        }

        string? format = null;
        while (parts.Count > 1)
        {
            string tag = parts[^1].ToUpperInvariant();
            string? named = tag switch
            {
                "BF16" => "bf16",
                "FP8" => "fp8",
                "FP4" or "NVFP4" => "nvfp4",
                "MXFP4" => "mxfp4",
                // AWQ and GPTQ checkpoints are 4-bit weight-only unless a tag says 8 (Qwen's GPTQ-Int8).
                "AWQ" or "GPTQ" or "INT4" or "W4A16" => "int4",
                "INT8" => "int8",
                _ => null,
            };
            bool revision = IsRevision(tag) && parts.Take(parts.Count - 1).Any(p => p.Any(char.IsAsciiDigit));
            if (named is null && !ReleaseTags.Contains(tag) && !IsDate(tag) && !revision)
            {
                break;
            }

            format ??= named;
            parts.RemoveAt(parts.Count - 1);
        }

        return (string.Join('-', parts), format);
    }

    // Tags that name a release of the same weights' shape: its tuning, its scaling recipe or its revision.
    private static readonly HashSet<string> ReleaseTags = new(StringComparer.Ordinal)
    {
        "INSTRUCT", "THINKING", "CHAT", "BASE", "TERMINUS", "SPECIALE", "EXP", "DYNAMIC", "STATIC", "PERTENSOR", "BLOCK", "KV",
    };

    // 0528, 2507: a date.
    private static bool IsDate(string tag) => tag.Length == 4 && tag.All(char.IsAsciiDigit);

    // v2, v0.1, v1_5 (NVIDIA's spelling of v1.5): a revision. Only where the rest of the name still holds a number (a size, a generation), since in
    // DeepSeek-V3 or MiMo-V2 the V names the model itself and DeepSeek-V2 is another model.
    private static bool IsRevision(string tag) =>
        tag.Length >= 2 && tag[0] == 'V' && char.IsAsciiDigit(tag[1]) && tag[1..].All(c => char.IsAsciiDigit(c) || c is '.' or '_') && tag[^1] is not ('.' or '_');

    private sealed class UnsupportedFile
    {
        public List<UnsupportedEntry>? Unsupported { get; set; }
    }

    private sealed class UnsupportedEntry
    {
        public string? Id { get; set; }

        public string? Architecture { get; set; }

        public string? Reason { get; set; }
    }

    private sealed class QuantEntry
    {
        public string? Gemm { get; set; }

        public string? Moe { get; set; }

        public string? KvCache { get; set; }

        /// <summary>The attention projections' format where it is not gemm's.</summary>
        public string? Attention { get; set; }

        public QuantConfig ToConfig(QuantConfig fallback)
        {
            var gemm = Gemm is null ? fallback.Gemm : QuantModes.Parse(Gemm, "quant.gemm");
            QuantMode? attention = Attention is not null ? QuantModes.Parse(Attention, "quant.attention") : Gemm is null ? fallback.AttentionOverride : null;
            return new QuantConfig(
                gemm,
                Moe is null ? fallback.Moe : QuantModes.Parse(Moe, "quant.moe"),
                KvCache is null ? fallback.KvCache : QuantModes.Parse(KvCache, "quant.kv_cache"))
            {
                AttentionOverride = attention == gemm ? null : attention,
            };
        }
    }

    private sealed class ModelFile
    {
        public string? Id { get; set; }

        public string? Base { get; set; }

        public List<string>? Aliases { get; set; }

        public string? Architecture { get; set; }

        public string? Family { get; set; }

        public int NumLayers { get; set; }

        public int HiddenSize { get; set; }

        public int NumAttentionHeads { get; set; }

        public int NumKeyValueHeads { get; set; }

        public int HeadDim { get; set; }

        public int IntermediateSize { get; set; }

        public int VocabSize { get; set; }

        public int MaxContextLength { get; set; }

        public bool TieWordEmbeddings { get; set; }

        public int NumExperts { get; set; }

        public int ExpertsPerToken { get; set; }

        public int MoeIntermediateSize { get; set; }

        public int SharedExpertIntermediateSize { get; set; }

        public int FirstDenseLayers { get; set; }

        public int SlidingWindow { get; set; }

        public int SlidingWindowLayers { get; set; }

        public int QLoraRank { get; set; }

        public int KvLoraRank { get; set; }

        public int QkNopeHeadDim { get; set; }

        public int QkRopeHeadDim { get; set; }

        public int VHeadDim { get; set; }

        public int SparseAttentionTopK { get; set; }

        public int IndexerHeads { get; set; }

        public int IndexerHeadDim { get; set; }

        public int LinearAttentionLayers { get; set; }

        public int LinearKeyHeads { get; set; }

        public int LinearValueHeads { get; set; }

        public int LinearKeyHeadDim { get; set; }

        public int LinearValueHeadDim { get; set; }

        public int LinearConvKernel { get; set; }

        public bool AttentionOutputGate { get; set; }

        public int MtpLayers { get; set; }

        public string? BlockPattern { get; set; }

        public int MambaHeads { get; set; }

        public int MambaHeadDim { get; set; }

        public int SsmStateSize { get; set; }

        public int MambaGroups { get; set; }

        public int MambaConvKernel { get; set; }

        public bool GatedFfn { get; set; } = true;

        public int MoeLatentSize { get; set; }

        public int WindowKvHeads { get; set; }

        public int WindowHeadDim { get; set; }

        public int WindowVHeadDim { get; set; }

        public bool FullAttentionValuesAreKeys { get; set; }

        public string? CompressRatios { get; set; }

        public int OutputGroups { get; set; }

        public int OutputLoraRank { get; set; }

        public int HyperConnections { get; set; }

        public string? DenseFfnWidths { get; set; }

        public int AttentionFreeLayers { get; set; }

        public QuantEntry? Quant { get; set; }

        public ModelSpec ToSpec(IReadOnlyDictionary<string, ModelSpec> known)
        {
            if (string.IsNullOrWhiteSpace(Id))
            {
                throw new FormatException("missing 'id'");
            }

            if (Base is not null)
            {
                if (!known.TryGetValue(Base, out var parent))
                {
                    throw new FormatException($"base '{Base}' is not a bundled model");
                }

                return parent with { Id = Id, DefaultQuant = Quant?.ToConfig(parent.DefaultQuant) ?? parent.DefaultQuant };
            }

            var missing = new List<string>();
            foreach (var (field, value) in new[] { ("num_layers", NumLayers), ("hidden_size", HiddenSize), ("num_attention_heads", NumAttentionHeads), ("num_key_value_heads", NumKeyValueHeads), ("head_dim", HeadDim), ("vocab_size", VocabSize) })
            {
                if (value <= 0)
                {
                    missing.Add(field);
                }
            }

            if (string.IsNullOrWhiteSpace(Architecture))
            {
                missing.Add("architecture");
            }

            if (LinearAttentionLayers > 0)
            {
                foreach (var (field, value) in new[] { ("linear_key_heads", LinearKeyHeads), ("linear_value_heads", LinearValueHeads), ("linear_key_head_dim", LinearKeyHeadDim), ("linear_value_head_dim", LinearValueHeadDim) })
                {
                    if (value <= 0)
                    {
                        missing.Add($"{field} (needed with linear_attention_layers)");
                    }
                }

                if (LinearAttentionLayers >= NumLayers)
                {
                    missing.Add($"linear_attention_layers below num_layers ({LinearAttentionLayers} ≥ {NumLayers})");
                }
            }

            string pattern = BlockPattern ?? string.Empty;
            if (pattern.Length > 0)
            {
                if (pattern.Length != NumLayers || pattern.Any(c => c is not ('M' or '*' or '-' or 'E')))
                {
                    missing.Add($"block_pattern of num_layers ({NumLayers}) characters, each M, *, - or E");
                }

                if (pattern.Contains('M', StringComparison.Ordinal))
                {
                    foreach (var (field, value) in new[] { ("mamba_heads", MambaHeads), ("mamba_head_dim", MambaHeadDim), ("ssm_state_size", SsmStateSize), ("mamba_groups", MambaGroups) })
                    {
                        if (value <= 0)
                        {
                            missing.Add($"{field} (needed with Mamba layers in block_pattern)");
                        }
                    }
                }
            }

            string ratios = CompressRatios ?? string.Empty;
            if (ratios.Length > 0 && (ratios.Split(',') is var each && (each.Length != NumLayers || !each.All(r => int.TryParse(r, System.Globalization.CultureInfo.InvariantCulture, out int v) && v >= 0))))
            {
                missing.Add($"compress_ratios as num_layers ({NumLayers}) whole numbers of 0 or more, comma-separated");
            }

            string widths = DenseFfnWidths ?? string.Empty;
            if (widths.Length > 0 && !widths.Split(',').All(pair => pair.Split(':') is [var w, var n] && int.TryParse(w, out int wv) && wv > 0 && int.TryParse(n, out int nv) && nv > 0))
            {
                missing.Add($"dense_ffn_widths as width:layers pairs, comma-separated (got '{widths}')");
            }

            if (missing.Count > 0)
            {
                throw new FormatException($"missing or non-positive: {string.Join(", ", missing)}");
            }

            var family = Family switch
            {
                "dense_gqa" => ArchitectureFamily.DenseGqa,
                "gqa_moe" => ArchitectureFamily.GqaMoe,
                "mla_moe" => ArchitectureFamily.MlaMoe,
                _ => throw new FormatException($"family '{Family}': use dense_gqa, gqa_moe or mla_moe"),
            };

            return new ModelSpec
            {
                Id = Id,
                Architecture = Architecture!,
                Family = family,
                NumLayers = NumLayers,
                HiddenSize = HiddenSize,
                NumAttentionHeads = NumAttentionHeads,
                NumKeyValueHeads = NumKeyValueHeads,
                HeadDim = HeadDim,
                IntermediateSize = IntermediateSize,
                VocabSize = VocabSize,
                MaxContextLength = MaxContextLength > 0 ? MaxContextLength : 4096,
                TieWordEmbeddings = TieWordEmbeddings,
                NumExperts = NumExperts,
                ExpertsPerToken = ExpertsPerToken,
                MoeIntermediateSize = MoeIntermediateSize,
                SharedExpertIntermediateSize = SharedExpertIntermediateSize,
                FirstDenseLayers = FirstDenseLayers,
                SlidingWindow = SlidingWindow,
                SlidingWindowLayers = SlidingWindowLayers,
                QLoraRank = QLoraRank,
                KvLoraRank = KvLoraRank,
                QkNopeHeadDim = QkNopeHeadDim,
                QkRopeHeadDim = QkRopeHeadDim,
                VHeadDim = VHeadDim,
                SparseAttentionTopK = SparseAttentionTopK,
                IndexerHeads = IndexerHeads,
                IndexerHeadDim = IndexerHeadDim,
                LinearAttentionLayers = LinearAttentionLayers,
                LinearKeyHeads = LinearKeyHeads,
                LinearValueHeads = LinearValueHeads,
                LinearKeyHeadDim = LinearKeyHeadDim,
                LinearValueHeadDim = LinearValueHeadDim,
                LinearConvKernel = LinearConvKernel,
                AttentionOutputGate = AttentionOutputGate,
                MtpLayers = MtpLayers,
                BlockPattern = pattern,
                MambaHeads = MambaHeads,
                MambaHeadDim = MambaHeadDim,
                SsmStateSize = SsmStateSize,
                MambaGroups = MambaGroups,
                MambaConvKernel = MambaConvKernel,
                GatedFfn = GatedFfn,
                MoeLatentSize = MoeLatentSize,
                WindowKvHeads = WindowKvHeads,
                WindowHeadDim = WindowHeadDim,
                WindowVHeadDim = WindowVHeadDim,
                FullAttentionValuesAreKeys = FullAttentionValuesAreKeys,
                CompressRatios = ratios,
                OutputGroups = OutputGroups,
                OutputLoraRank = OutputLoraRank,
                HyperConnections = HyperConnections,
                DenseFfnWidths = widths,
                AttentionFreeLayers = AttentionFreeLayers,
                DefaultQuant = Quant?.ToConfig(QuantConfig.Bf16) ?? QuantConfig.Bf16,
            };
        }
    }
}
