using AicSim.Core.Errors;
using AicSim.Core.Specs;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace AicSim.Data.Models;

/// <summary>
/// The bundled models (models-data/*.yaml) by Hugging Face id, alias or short name, plus any local config.json.
/// A file may describe a variant: <c>base: &lt;id&gt;</c> takes the base's shape and overrides the quantisation.
/// </summary>
public sealed class ModelCatalog
{
    private readonly Dictionary<string, ModelSpec> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, (string Architecture, string Reason)> _unsupported = new(StringComparer.OrdinalIgnoreCase);

    private ModelCatalog(IReadOnlyList<ModelSpec> models, IEnumerable<UnsupportedEntry> unsupported)
    {
        Models = models;
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

    /// <summary>Loads models-data (default: the bundled folder), resolving variants; reports every bad file at once.</summary>
    public static ModelCatalog Load(string? directory = null)
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

        var catalog = new ModelCatalog([.. byId.Values.OrderBy(m => m.Id, StringComparer.Ordinal)], unsupported);
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

        throw new AicSimException(
            $"{field}: unknown model '{name}'.{NameSuggester.Hint(name, Models.Select(m => m.Id))} " +
            $"Give a bundled id (see 'aicsim models'), or a path to a Hugging Face config.json or model folder.");
    }

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

        public QuantConfig ToConfig(QuantConfig fallback) => new(
            Gemm is null ? fallback.Gemm : QuantModes.Parse(Gemm, "quant.gemm"),
            Moe is null ? fallback.Moe : QuantModes.Parse(Moe, "quant.moe"),
            KvCache is null ? fallback.KvCache : QuantModes.Parse(KvCache, "quant.kv_cache"));
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
                DefaultQuant = Quant?.ToConfig(QuantConfig.Bf16) ?? QuantConfig.Bf16,
            };
        }
    }
}
