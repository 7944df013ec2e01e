using System.Text.Json;
using System.Text.RegularExpressions;
using AicSim.Core.Errors;
using AicSim.Core.Specs;

namespace AicSim.Data.Models;

/// <summary>
/// Reads a Hugging Face <c>config.json</c> (and <c>hf_quant_config.json</c> or an inline <c>quantization_config</c>)
/// into a <see cref="ModelSpec"/>. Multimodal wrappers (Kimi-K2.5, Qwen3-VL) are read through their <c>text_config</c>;
/// their vision towers are not modelled.
/// </summary>
public static partial class HfConfigParser
{
    private static readonly Dictionary<string, ArchitectureFamily> Families = new(StringComparer.Ordinal)
    {
        ["LlamaForCausalLM"] = ArchitectureFamily.DenseGqa,
        ["MistralForCausalLM"] = ArchitectureFamily.DenseGqa,
        ["Qwen2ForCausalLM"] = ArchitectureFamily.DenseGqa,
        ["MiMoForCausalLM"] = ArchitectureFamily.DenseGqa,
        ["DeciLMForCausalLM"] = ArchitectureFamily.DenseGqa,
        ["Qwen3ForCausalLM"] = ArchitectureFamily.DenseGqa,
        ["Qwen3MoeForCausalLM"] = ArchitectureFamily.GqaMoe,
        ["Qwen3NextForCausalLM"] = ArchitectureFamily.GqaMoe,
        ["Qwen3_5MoeForConditionalGeneration"] = ArchitectureFamily.GqaMoe,
        ["Qwen3_5ForConditionalGeneration"] = ArchitectureFamily.DenseGqa,
        ["Qwen3VLForConditionalGeneration"] = ArchitectureFamily.DenseGqa,
        ["Qwen3VLMoeForConditionalGeneration"] = ArchitectureFamily.GqaMoe,
        ["MixtralForCausalLM"] = ArchitectureFamily.GqaMoe,
        ["Llama4ForConditionalGeneration"] = ArchitectureFamily.GqaMoe,
        ["GptOssForCausalLM"] = ArchitectureFamily.GqaMoe,
        ["MiniMaxM2ForCausalLM"] = ArchitectureFamily.GqaMoe,
        ["MiniMaxM3ForCausalLM"] = ArchitectureFamily.GqaMoe,
        ["MiniMaxM3SparseForCausalLM"] = ArchitectureFamily.GqaMoe,
        ["Step3p7FlashForCausalLM"] = ArchitectureFamily.GqaMoe,
        ["MiMoV2FlashForCausalLM"] = ArchitectureFamily.GqaMoe,
        ["Gemma4ForConditionalGeneration"] = ArchitectureFamily.GqaMoe,
        ["DeepseekV3ForCausalLM"] = ArchitectureFamily.MlaMoe,
        ["DeepseekV32ForCausalLM"] = ArchitectureFamily.MlaMoe,
        ["GlmMoeDsaForCausalLM"] = ArchitectureFamily.MlaMoe,
        ["DeepseekV4ForCausalLM"] = ArchitectureFamily.MlaMoe,
        ["KimiLinearForCausalLM"] = ArchitectureFamily.MlaMoe,

        // Mamba-2, attention, FFN and MoE blocks in the order its pattern gives; dense where it has no experts.
        ["NemotronHForCausalLM"] = ArchitectureFamily.GqaMoe,
    };

    // Nemotron-H's layers_block_type names, as hybrid_override_pattern's characters.
    private static readonly Dictionary<string, char> BlockTypes = new(StringComparer.Ordinal)
    {
        ["mamba"] = 'M',
        ["attention"] = '*',
        ["mlp"] = '-',
        ["moe"] = 'E',
    };

    /// <summary>The architectures AicSim models, for error messages and docs.</summary>
    public static IReadOnlyCollection<string> SupportedArchitectures => Families.Keys;

    /// <summary>The family of an architecture name, or an error naming it and listing what is supported.</summary>
    public static ArchitectureFamily FamilyOf(string architecture, string model)
    {
        if (Families.TryGetValue(architecture, out var family))
        {
            return family;
        }

        throw new UnsupportedException(
            $"{model}: architecture '{architecture}' is not supported. AicSim models dense GQA (LlamaForCausalLM, MistralForCausalLM, " +
            "Qwen2ForCausalLM, MiMoForCausalLM, DeciLMForCausalLM, Qwen3ForCausalLM, Qwen3_5ForConditionalGeneration, Qwen3VLForConditionalGeneration), GQA+MoE " +
            "(Qwen3MoeForCausalLM, Qwen3VLMoeForConditionalGeneration, Llama4ForConditionalGeneration, MixtralForCausalLM, GptOssForCausalLM, Step3p7FlashForCausalLM, MiMoV2FlashForCausalLM, Gemma4ForConditionalGeneration, MiniMaxM3ForCausalLM, " +
            "MiniMaxM2ForCausalLM, Qwen3NextForCausalLM, Qwen3_5MoeForConditionalGeneration; Qwen3.5's Gated DeltaNet layers included), " +
            "hybrid Mamba-2 (NemotronHForCausalLM) " +
            "and MLA+MoE (DeepseekV3ForCausalLM, DeepseekV32ForCausalLM, GlmMoeDsaForCausalLM, DeepseekV4ForCausalLM with its compressed attention, KimiLinearForCausalLM with its Kimi delta attention, and wrappers such as Kimi-K2.5 whose text model is one of these).");
    }

    /// <summary>Reads a config.json file, or a folder holding one; a sibling hf_quant_config.json is read too.</summary>
    public static ModelSpec ParseFile(string path, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        string configPath = Directory.Exists(path) ? Path.Combine(path, "config.json") : path;
        if (!File.Exists(configPath))
        {
            throw new AicSimException($"--model: no config.json at '{configPath}'. Give a Hugging Face model folder, its config.json, or a bundled model id.");
        }

        string? quantPath = QuantConfigBeside(configPath);
        string name = id ?? InferId(configPath);
        try
        {
            using var config = JsonDocument.Parse(PythonJson(File.ReadAllText(configPath)));
            using var quant = quantPath is null ? null : JsonDocument.Parse(PythonJson(File.ReadAllText(quantPath)));
            return Parse(config.RootElement, quant?.RootElement, name);
        }
        catch (JsonException e)
        {
            throw new AicSimException($"{configPath}: not valid JSON ({e.Message}).");
        }
    }

    /// <summary>Reads a parsed config (and optional hf_quant_config) into a spec.</summary>
    public static ModelSpec Parse(JsonElement config, JsonElement? hfQuant, string id)
    {
        var text = config.TryGetProperty("text_config", out var tc) && tc.ValueKind == JsonValueKind.Object ? tc : config;
        string topArch = FirstArchitecture(config) ?? throw new AicSimException($"{id}: config.json has no 'architectures' list.");
        string arch = Families.ContainsKey(topArch) ? topArch : FirstArchitecture(text) ?? topArch;
        var family = FamilyOf(arch, id);
        bool nemotronH = arch == "NemotronHForCausalLM";
        bool llama4 = arch == "Llama4ForConditionalGeneration";
        bool gemma4 = arch == "Gemma4ForConditionalGeneration";
        string pattern = nemotronH ? BlockPattern(text, id) : string.Empty;

        var problems = new List<string>();
        int Req(string name)
        {
            if (!text.TryGetProperty(name, out var v))
            {
                problems.Add($"{id}: config.json lacks '{name}'.");
                return 0;
            }

            if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int n) && n > 0)
            {
                return n;
            }

            problems.Add($"{id}: config.json's '{name}' is {v.GetRawText()}; it must be a positive whole number.");
            return 0;
        }

        int layers = pattern.Length > 0 && Int(text, "num_hidden_layers") is null ? pattern.Length : Req("num_hidden_layers");
        if (pattern.Length > 0 && layers != pattern.Length)
        {
            problems.Add($"{id}: config.json's block pattern names {pattern.Length} layers but num_hidden_layers is {layers}.");
        }

        int hidden = Req("hidden_size");
        int heads = Req("num_attention_heads");
        int vocab = Req("vocab_size");
        if (problems.Count > 0)
        {
            throw new AicSimException(problems);
        }

        var nas = arch == "DeciLMForCausalLM" ? NasLayers(text, layers, hidden, heads, id) : null;
        int kvHeads = Int(text, "num_key_value_heads") ?? nas?.KvHeads ?? heads;
        int headDim = Int(text, "head_dim") ?? Int(text, "attention_head_dim") ?? (hidden / heads);
        bool valuesAreKeys = Bool(text, "attention_k_eq_v") == true;
        int experts = Int(text, "n_routed_experts") ?? Int(text, "num_experts") ?? Int(text, "num_local_experts") ?? 0;
        if (family == ArchitectureFamily.GqaMoe && experts == 0 && (nemotronH || gemma4))
        {
            family = ArchitectureFamily.DenseGqa;
        }

        if (gemma4)
        {
            Gemma4Refusals(text, id);
        }

        int topK = Int(text, "num_experts_per_tok") ?? Int(text, "experts_per_token") ?? Int(text, "num_experts_per_token") ?? Int(text, "top_k_experts") ?? 0;
        int intermediate = Int(text, "intermediate_size") ?? nas?.CommonWidth ?? 0;
        int firstDense = Int(text, "first_k_dense_replace") ?? 0;
        if (experts > 0 && IntList(text, "moe_layer_freq") is { } moeLayers && moeLayers.Length == layers)
        {
            // A 0/1 flag per layer (MiMo-V2-Flash): the layers without experts are dense, wherever they sit.
            firstDense = moeLayers.Count(v => v == 0);
        }
        if (llama4 && experts > 0 && Int(text, "interleave_moe_layer_step") is int step && step > 1)
        {
            // Llama-4 Maverick: every step-th layer is MoE, the others dense (only their number matters to the cost).
            firstDense = layers - (layers / step);
        }

        if (experts > 0 && ((text.TryGetProperty("mlp_only_layers", out var dense) && dense.ValueKind == JsonValueKind.Array && dense.GetArrayLength() > 0)
            || Int(text, "decoder_sparse_step") is > 1))
        {
            // Qwen3-MoE's knobs for dense layers between the MoE ones; every released checkpoint leaves them off.
            throw new UnsupportedException($"{id}: config.json puts dense layers between its MoE layers (mlp_only_layers or decoder_sparse_step), which AicSim does not model.");
        }

        int moeWidth = experts > 0 ? Int(text, "moe_intermediate_size") ?? intermediate : 0;
        int shared = SharedExpertWidth();
        int slidingLayers = 0;
        int linearLayers = 0;
        var blockSparse = BlockSparseAttention(text, layers);
        var kimiDelta = KimiDeltaAttention(text);
        int window = Int(text, "sliding_window") ?? 0;
        if (text.TryGetProperty("layer_types", out var types) && types.ValueKind == JsonValueKind.Array)
        {
            slidingLayers = types.EnumerateArray().Count(t => t.ValueKind == JsonValueKind.String && t.GetString() is "sliding_attention" or "chunked_attention");
            linearLayers = types.EnumerateArray().Count(t => t.ValueKind == JsonValueKind.String && t.GetString() == "linear_attention");
        }
        else if (IntList(text, "hybrid_layer_pattern") is { } hybrid && arch == "MiMoV2FlashForCausalLM")
        {
            // MiMo-V2-Flash: 1 marks a sliding-window layer, 0 a full one.
            slidingLayers = hybrid.Count(v => v == 1);
            if (Int(text, "swa_num_attention_heads") is int swaHeads && swaHeads != heads)
            {
                throw new UnsupportedException($"{id}: its sliding-window layers have {swaHeads} query heads against {heads} in the others, which AicSim does not model.");
            }
        }
        else if (kimiDelta is { } kda)
        {
            // Kimi-K3 (Kimi Linear): Kimi delta attention in the kda_layers, MLA in the full_attn_layers.
            linearLayers = kda.Layers;
        }
        else if (blockSparse is { } sparse)
        {
            // MiniMax-M3: a sparse layer's query reads its top blocks and its local one: priced as a window of that many
            // tokens (every token stays cached, as windowed layers do here).
            slidingLayers = sparse.Layers;
            window = sparse.Tokens;
        }
        else if (llama4 && Int(text, "attention_chunk_size") is int chunk)
        {
            // Llama-4: the layers with RoPE attend within chunks of attention_chunk_size, every fourth (NoPE) to all.
            // A chunk is priced as a window of its size: the bound, reached at each chunk's end.
            slidingLayers = NoRopeLayers(text, layers) is { } rope ? rope : layers - (layers / 4);
            window = chunk;
        }
        else if (Int(text, "full_attention_interval") is int interval && interval > 1 && text.TryGetProperty("linear_num_value_heads", out _))
        {
            // Qwen3-Next: every interval-th layer is full attention, the rest linear.
            linearLayers = layers - (layers / interval);
        }

        // DeepSeek-V4: compress_ratios lists one more entry than layers (its MTP module's); the layers' come first.
        string compressRatios = arch == "DeepseekV4ForCausalLM" && IntList(text, "compress_ratios") is { } ratios && ratios.Length >= layers
            ? string.Join(',', ratios.Take(layers).Select(r => r.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            : string.Empty;
        if (arch == "DeepseekV4ForCausalLM" && compressRatios.Length == 0)
        {
            throw new AicSimException($"{id}: a DeepSeek-V4 config.json needs compress_ratios, one per layer, to say how each layer's cache is compressed.");
        }

        // Gemma-4: the spec's own shape is its global (full) layers'; the sliding layers keep head_dim and
        // num_key_value_heads. With attention_k_eq_v the global layers share num_global_key_value_heads.
        int fullKv = kvHeads, fullHeadDim = headDim, gemmaWindowKv = 0, gemmaWindowHeadDim = 0;
        if (gemma4)
        {
            fullHeadDim = Int(text, "global_head_dim") ?? headDim;
            fullKv = valuesAreKeys ? Int(text, "num_global_key_value_heads") ?? kvHeads : kvHeads;
            gemmaWindowKv = fullKv != kvHeads ? kvHeads : 0;
            gemmaWindowHeadDim = fullHeadDim != headDim ? headDim : 0;
        }

        var spec = new ModelSpec
        {
            Id = id,
            Architecture = topArch,
            Family = family,
            NumLayers = layers,
            HiddenSize = hidden,
            NumAttentionHeads = heads,
            NumKeyValueHeads = fullKv,
            HeadDim = fullHeadDim,
            IntermediateSize = experts == 0 || firstDense > 0 || pattern.Contains('-', StringComparison.Ordinal) ? Int(text, "intermediate_size_mlp") ?? Int(text, "dense_intermediate_size") ?? intermediate : 0,
            VocabSize = vocab,
            MaxContextLength = Int(text, "max_position_embeddings") ?? 4096,
            TieWordEmbeddings = Bool(text, "tie_word_embeddings") ?? Bool(config, "tie_word_embeddings") ?? false,
            NumExperts = experts,
            ExpertsPerToken = topK,
            MoeIntermediateSize = moeWidth,
            SharedExpertIntermediateSize = shared,
            FirstDenseLayers = firstDense,
            SlidingWindow = slidingLayers > 0 || compressRatios.Length > 0 ? window : 0,
            SlidingWindowLayers = slidingLayers,
            QLoraRank = Int(text, "q_lora_rank") ?? 0,
            KvLoraRank = Int(text, "kv_lora_rank") ?? 0,
            QkNopeHeadDim = Int(text, "qk_nope_head_dim") ?? 0,
            QkRopeHeadDim = Int(text, "qk_rope_head_dim") ?? 0,
            VHeadDim = Int(text, "v_head_dim") ?? 0,
            SparseAttentionTopK = Int(text, "index_topk") ?? 0,
            IndexerHeads = Int(text, "index_n_heads") ?? blockSparse?.IndexHeads ?? 0,
            IndexerHeadDim = Int(text, "index_head_dim") ?? blockSparse?.IndexDim ?? 0,
            LinearAttentionLayers = linearLayers,
            LinearKeyHeads = linearLayers > 0 ? Int(text, "linear_num_key_heads") ?? kimiDelta?.Heads ?? 0 : 0,
            LinearValueHeads = linearLayers > 0 ? Int(text, "linear_num_value_heads") ?? kimiDelta?.Heads ?? 0 : 0,
            LinearKeyHeadDim = linearLayers > 0 ? Int(text, "linear_key_head_dim") ?? kimiDelta?.HeadDim ?? 0 : 0,
            LinearValueHeadDim = linearLayers > 0 ? Int(text, "linear_value_head_dim") ?? kimiDelta?.HeadDim ?? 0 : 0,
            LinearConvKernel = linearLayers > 0 ? Int(text, "linear_conv_kernel_dim") ?? kimiDelta?.ConvKernel ?? 0 : 0,
            AttentionOutputGate = Bool(text, "attn_output_gate") ?? Bool(text, "mla_use_output_gate") ?? false,
            WindowKvHeads = gemma4 ? (slidingLayers > 0 ? gemmaWindowKv : 0) : slidingLayers > 0 && Int(text, "swa_num_key_value_heads") is int wkv && wkv != kvHeads ? wkv : 0,
            WindowHeadDim = gemma4 ? (slidingLayers > 0 ? gemmaWindowHeadDim : 0) : slidingLayers > 0 && Int(text, "swa_head_dim") is int wd && wd != headDim ? wd : 0,
            FullAttentionValuesAreKeys = gemma4 && valuesAreKeys,
            WindowVHeadDim = slidingLayers > 0 && Int(text, "swa_v_head_dim") is int wv && wv != (Int(text, "v_head_dim") ?? headDim) ? wv : 0,
            CompressRatios = compressRatios,
            OutputGroups = compressRatios.Length > 0 ? Int(text, "o_groups") ?? 1 : 0,
            OutputLoraRank = compressRatios.Length > 0 ? Int(text, "o_lora_rank") ?? 0 : 0,
            HyperConnections = compressRatios.Length > 0 ? Int(text, "hc_mult") ?? 0 : 0,
            BlockPattern = pattern,
            DenseFfnWidths = nas?.Widths ?? string.Empty,
            AttentionFreeLayers = nas?.AttentionFree ?? 0,
            MambaHeads = pattern.Length > 0 ? Int(text, "mamba_num_heads") ?? 0 : 0,
            MambaHeadDim = pattern.Length > 0 ? Int(text, "mamba_head_dim") ?? 0 : 0,
            SsmStateSize = pattern.Length > 0 ? Int(text, "ssm_state_size") ?? 0 : 0,
            MambaGroups = pattern.Length > 0 ? Int(text, "n_groups") ?? 1 : 0,
            MambaConvKernel = pattern.Length > 0 ? Int(text, "conv_kernel") ?? 0 : 0,
            GatedFfn = !nemotronH,
            MoeLatentSize = experts > 0 ? Int(text, "moe_latent_size") ?? Int(text, "routed_expert_hidden_size") ?? 0 : 0,
            MtpLayers = Int(text, "num_nextn_predict_layers") ?? Int(text, "mtp_num_hidden_layers")
                ?? (Bool(text, "use_mtp") == true ? Int(text, "num_mtp_modules") ?? 0 : 0),
        };
        return spec with { DefaultQuant = Quantisation(text, config, hfQuant, spec, id) };

        // Shared experts: Nemotron-H states their total width; the others a count of them, each shared_intermediate_size
        // or an expert wide, or one width (shared_intermediate_size, shared_expert_intermediate_size). Llama-4 has one
        // expert-wide shared expert by design, and Gemma-4's dense MLP beside its experts counts as one.
        int SharedExpertWidth()
        {
            if (Int(text, "moe_shared_expert_intermediate_size") is int total)
            {
                return total;
            }

            int count = Int(text, "n_shared_experts") ?? Int(text, "num_shared_experts") ?? 0;
            int? each = Int(text, "shared_intermediate_size");
            int width = count > 0 ? count * (each is > 0 ? each.Value : Int(text, "moe_intermediate_size") ?? 0) : each ?? 0;
            width += Int(text, "shared_expert_intermediate_size") ?? 0;
            width += llama4 && experts > 0 ? moeWidth : 0;
            width += gemma4 && experts > 0 ? intermediate : 0;
            return width;
        }
    }

    private static string? QuantConfigBeside(string configPath)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(configPath))!;
        string file = Path.GetFileName(configPath);
        string[] candidates = file.EndsWith("_config.json", StringComparison.Ordinal)
            ? [Path.Combine(dir, file[..^"_config.json".Length] + "_hf_quant_config.json"), Path.Combine(dir, "hf_quant_config.json")]
            : [Path.Combine(dir, "hf_quant_config.json")];
        return candidates.FirstOrDefault(File.Exists);
    }

    // "Qwen--Qwen3-32B_config.json" (the org--name_ layout) or a folder named after the model.
    private static string InferId(string configPath)
    {
        string file = Path.GetFileName(configPath);
        if (file.EndsWith("_config.json", StringComparison.Ordinal))
        {
            return file[..^"_config.json".Length].Replace("--", "/", StringComparison.Ordinal);
        }

        // A model folder's config.json is named by its folder (…/Llama-3.1-8B/config.json); any other file by itself.
        return file == "config.json"
            ? Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(configPath))) ?? "model"
            : Path.GetFileNameWithoutExtension(file);
    }

    // Python's json writes Infinity and NaN, which JSON lacks (Nemotron configs have them); none is a field AicSim reads.
    private static string PythonJson(string text) => PythonFloatLiteral().Replace(text, "null");

    [GeneratedRegex(@"(?<=[:\[,]\s*)-?(Infinity|NaN)(?=\s*[,\]}])")]
    private static partial Regex PythonFloatLiteral();

    private static string? FirstArchitecture(JsonElement e) =>
        e.TryGetProperty("architectures", out var a) && a.ValueKind == JsonValueKind.Array && a.GetArrayLength() > 0 ? a[0].GetString() : null;

    private static int[]? IntList(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array && v.EnumerateArray().All(x => x.ValueKind == JsonValueKind.Number && x.TryGetInt32(out _))
            ? [.. v.EnumerateArray().Select(x => x.GetInt32())]
            : null;

    private static int? Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int n) ? n : null;

    private static bool? Bool(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
