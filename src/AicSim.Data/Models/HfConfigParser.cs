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
        bool gemma4 = arch == "Gemma4ForConditionalGeneration";
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
        // Nemotron-H states its shared experts' total width; Llama-4 has one expert-wide shared expert by design; the
        // others, a count of expert-wide ones or a width.
        int shared = Int(text, "moe_shared_expert_intermediate_size")
            ?? (llama4 && experts > 0 ? moeWidth : 0)
            + (arch == "Gemma4ForConditionalGeneration" && experts > 0 ? intermediate : 0)
            + ((Int(text, "n_shared_experts") ?? Int(text, "num_shared_experts") ?? 0) * (Int(text, "shared_intermediate_size") is > 0 and int each ? each : Int(text, "moe_intermediate_size") ?? 0))
            + (Int(text, "n_shared_experts") is > 0 ? 0 : Int(text, "shared_intermediate_size") ?? 0) + (Int(text, "shared_expert_intermediate_size") ?? 0);
        int slidingLayers = 0;
        int linearLayers = 0;
        var blockSparse = BlockSparseAttention(text, layers);
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
        else if (KimiDeltaAttention(text) is { } kda)
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

        // Gemma-4: the spec's own shape is its global (full) layers'; the sliding layers keep head_dim and
        // num_key_value_heads. With attention_k_eq_v the global layers share num_global_key_value_heads.
        // DeepSeek-V4: compress_ratios lists one more entry than layers (its MTP module's); the layers' come first.
        string compressRatios = arch == "DeepseekV4ForCausalLM" && IntList(text, "compress_ratios") is { } ratios && ratios.Length >= layers
            ? string.Join(',', ratios.Take(layers).Select(r => r.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            : string.Empty;
        if (arch == "DeepseekV4ForCausalLM" && compressRatios.Length == 0)
        {
            throw new AicSimException($"{id}: a DeepSeek-V4 config.json needs compress_ratios, one per layer, to say how each layer's cache is compressed.");
        }

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
            LinearKeyHeads = linearLayers > 0 ? Int(text, "linear_num_key_heads") ?? KimiDeltaAttention(text)?.Heads ?? 0 : 0,
            LinearValueHeads = linearLayers > 0 ? Int(text, "linear_num_value_heads") ?? KimiDeltaAttention(text)?.Heads ?? 0 : 0,
            LinearKeyHeadDim = linearLayers > 0 ? Int(text, "linear_key_head_dim") ?? KimiDeltaAttention(text)?.HeadDim ?? 0 : 0,
            LinearValueHeadDim = linearLayers > 0 ? Int(text, "linear_value_head_dim") ?? KimiDeltaAttention(text)?.HeadDim ?? 0 : 0,
            LinearConvKernel = linearLayers > 0 ? Int(text, "linear_conv_kernel_dim") ?? KimiDeltaAttention(text)?.ConvKernel ?? 0 : 0,
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
    }

    /// <summary>What DeciLM's per-layer block_configs (Nemotron-Super-49B's neural-architecture search) add up to.</summary>
    private sealed record NasShape(int KvHeads, int AttentionFree, string Widths, int CommonWidth);

    /// <summary>
    /// DeciLM's block_configs: per layer, attention (skipped when no_op; n_heads_in_group query heads share a KV head)
    /// and an FFN of ffn_mult (its width 2·ffn_mult·hidden/3 rounded up to a multiple of 256, as DeciLM's code sizes it;
    /// skipped when no_op). Linear replacements, attention windows and sinks, and KV heads that vary between layers are
    /// refused by name.
    /// </summary>
    private static NasShape NasLayers(JsonElement text, int layers, int hidden, int heads, string id)
    {
        if (!text.TryGetProperty("block_configs", out var blocks) || blocks.ValueKind != JsonValueKind.Array || blocks.GetArrayLength() != layers)
        {
            throw new AicSimException($"{id}: a DeciLM config.json needs block_configs, one per layer ({layers}), to say what each layer runs.");
        }

        var groups = new HashSet<int>();
        var widths = new SortedDictionary<int, int>(Comparer<int>.Create((a, b) => b.CompareTo(a)));
        int attentionFree = 0;
        foreach (var block in blocks.EnumerateArray())
        {
            var attention = block.TryGetProperty("attention", out var a) ? a : default;
            var ffn = block.TryGetProperty("ffn", out var f) ? f : default;
            foreach (var (part, name) in new[] { (attention, "attention"), (ffn, "ffn") })
            {
                if (part.ValueKind == JsonValueKind.Object && Bool(part, "replace_with_linear") == true)
                {
                    throw new UnsupportedException($"{id}: some layers replace their {name} with a linear layer (replace_with_linear), which AicSim does not model.");
                }
            }

            if (attention.ValueKind != JsonValueKind.Object || Bool(attention, "no_op") == true)
            {
                attentionFree++;
            }
            else if (Int(attention, "window_length") is not null || Int(attention, "num_sink_tokens") is not null)
            {
                throw new UnsupportedException($"{id}: some layers attend within a window or to sink tokens (window_length, num_sink_tokens), which AicSim does not model for DeciLM.");
            }
            else
            {
                groups.Add(Int(attention, "n_heads_in_group") ?? 1);
            }

            if (ffn.ValueKind == JsonValueKind.Object && Bool(ffn, "no_op") != true)
            {
                double mult = ffn.TryGetProperty("ffn_mult", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetDouble() : 0;
                int width = (int)(2 * mult * hidden / 3);
                width = (width + 255) / 256 * 256;
                widths[width] = widths.GetValueOrDefault(width) + 1;
            }
        }

        if (groups.Count > 1)
        {
            throw new UnsupportedException($"{id}: its attention layers share KV heads in different group sizes ({string.Join(", ", groups.Order())}), which AicSim does not model.");
        }

        int kvHeads = groups.Count == 1 && groups.First() > 0 ? heads / groups.First() : heads;
        string list = string.Join(',', widths.Select(w => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{w.Key}:{w.Value}")));
        int common = widths.Count == 0 ? 0 : widths.OrderByDescending(w => w.Value).ThenByDescending(w => w.Key).First().Key;
        return new NasShape(kvHeads, attentionFree, list, common);
    }

    /// <summary>Gemma-4's options AicSim does not price: per-layer input embeddings, KV shared across layers, double-wide MLPs.</summary>
    private static void Gemma4Refusals(JsonElement text, string id)
    {
        foreach (var (field, what) in new[] { ("hidden_size_per_layer_input", "per-layer input embeddings"), ("num_kv_shared_layers", "KV shared across layers") })
        {
            if (Int(text, field) is > 0)
            {
                throw new UnsupportedException($"{id}: its {what} ({field}) are not modelled; AicSim reads Gemma-4 models without them (26B-A4B, 31B).");
            }
        }

        if (Bool(text, "use_double_wide_mlp") == true)
        {
            throw new UnsupportedException($"{id}: its double-wide MLPs (use_double_wide_mlp) are not modelled.");
        }
    }

    /// <summary>Kimi Linear's delta-attention layers: how many, their heads and head width, and their convolution.</summary>
    private sealed record KimiDelta(int Layers, int Heads, int HeadDim, int ConvKernel);

    private static KimiDelta? KimiDeltaAttention(JsonElement text) =>
        text.TryGetProperty("linear_attn_config", out var c) && c.ValueKind == JsonValueKind.Object && IntList(c, "kda_layers") is { Length: > 0 } kda
            ? new KimiDelta(kda.Length, Int(c, "num_heads") ?? 0, Int(c, "head_dim") ?? 0, Int(c, "short_conv_kernel_size") ?? 0)
            : null;

    /// <summary>MiniMax-M3's block-sparse attention: its sparse layers, the tokens a query reads, and its block indexer.</summary>
    private sealed record BlockSparse(int Layers, int Tokens, int IndexHeads, int IndexDim);

    /// <summary>
    /// sparse_attention_config: sparse_attention_freq flags the sparse layers; each query reads its top
    /// sparse_topk_blocks blocks and sparse_local_block local ones of sparse_block_size tokens, chosen by an indexer of
    /// sparse_num_index_heads heads of sparse_index_dim that scores every cached token.
    /// </summary>
    private static BlockSparse? BlockSparseAttention(JsonElement text, int layers)
    {
        if (!text.TryGetProperty("sparse_attention_config", out var c) || c.ValueKind != JsonValueKind.Object || Bool(c, "use_sparse_attention") != true)
        {
            return null;
        }

        int sparseLayers = IntList(c, "sparse_attention_freq") is { } flags ? flags.Take(layers).Count(f => f != 0) : layers;
        int tokens = ((Int(c, "sparse_topk_blocks") ?? 0) + (Int(c, "sparse_local_block") ?? 0) + (Int(c, "sparse_init_block") ?? 0)) * (Int(c, "sparse_block_size") ?? 0);
        return tokens > 0 ? new BlockSparse(sparseLayers, tokens, Int(c, "sparse_num_index_heads") ?? 0, Int(c, "sparse_index_dim") ?? 0) : null;
    }

    /// <summary>Llama-4's layers with RoPE (chunked attention) where its config lists no_rope_layers (1 = RoPE); else null.</summary>
    private static int? NoRopeLayers(JsonElement text, int layers) =>
        text.TryGetProperty("no_rope_layers", out var list) && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() == layers
            ? list.EnumerateArray().Count(v => v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int rope) && rope != 0)
            : null;

    /// <summary>
    /// Nemotron-H's layers, one character each ('M' Mamba-2, '*' attention, '-' FFN, 'E' MoE): hybrid_override_pattern,
    /// or layers_block_type's names where a config lists those instead.
    /// </summary>
    private static string BlockPattern(JsonElement text, string id)
    {
        string? pattern = Str(text, "hybrid_override_pattern");
        if (pattern is null && text.TryGetProperty("layers_block_type", out var types) && types.ValueKind == JsonValueKind.Array)
        {
            var chars = new System.Text.StringBuilder();
            foreach (var t in types.EnumerateArray())
            {
                string name = t.ValueKind == JsonValueKind.String ? t.GetString() ?? string.Empty : t.GetRawText();
                chars.Append(BlockTypes.TryGetValue(name, out char c) ? c : throw new AicSimException(
                    $"{id}: config.json's layers_block_type holds '{name}'; AicSim knows {string.Join(", ", BlockTypes.Keys)}."));
            }

            pattern = chars.ToString();
        }

        if (string.IsNullOrEmpty(pattern))
        {
            throw new AicSimException($"{id}: a Nemotron-H config.json needs hybrid_override_pattern or layers_block_type to say which layers are Mamba, attention, FFN or MoE.");
        }

        char bad = pattern.FirstOrDefault(c => c is not ('M' or '*' or '-' or 'E'));
        if (bad != default)
        {
            throw new AicSimException($"{id}: config.json's hybrid_override_pattern holds '{bad}'; its layers are M (Mamba-2), * (attention), - (FFN) and E (MoE).");
        }

        return pattern;
    }

    /// <summary>
    /// The checkpoint's quantisation: hf_quant_config.json (ModelOpt: FP8 / NVFP4, KV FP8) first, else quantization_config
    /// (fp8, with 128×128 blocks = fp8_block; mxfp4 on experts only; compressed-tensors int4 on experts only; modelopt).
    /// </summary>
    private static QuantConfig Quantisation(JsonElement text, JsonElement config, JsonElement? hfQuant, ModelSpec model, string id)
    {
        if (hfQuant is { } hq && hq.TryGetProperty("quantization", out var q))
        {
            return ModelOpt(q, model, id);
        }

        JsonElement qc = default;
        bool has = text.TryGetProperty("quantization_config", out qc) || config.TryGetProperty("quantization_config", out qc);
        if (!has || qc.ValueKind != JsonValueKind.Object)
        {
            return QuantConfig.Bf16;
        }

        string method = Str(qc, "quant_method") ?? string.Empty;

        // DeepSeek-V4's experts are stored in FP4 with power-of-two (ue8m0) scales, an MX format, beside FP8 blocks.
        var fp8Experts = Str(text, "expert_dtype") == "fp4" ? QuantMode.Mxfp4 : QuantMode.Fp8Block;
        return method switch
        {
            "fp8" => qc.TryGetProperty("weight_block_size", out var b) && b.ValueKind == JsonValueKind.Array
                ? new QuantConfig(QuantMode.Fp8Block, fp8Experts, QuantMode.Bf16)
                : new QuantConfig(QuantMode.Fp8, QuantMode.Fp8, QuantMode.Bf16),
            "mxfp4" => new QuantConfig(QuantMode.Bf16, QuantMode.Mxfp4, QuantMode.Bf16),
            "compressed-tensors" => new QuantConfig(QuantMode.Bf16, (Str(qc, "format") ?? string.Empty).StartsWith("mxfp4", StringComparison.Ordinal) ? QuantMode.Mxfp4 : QuantMode.Int4WeightOnly, QuantMode.Bf16),
            "modelopt" => ModelOpt(qc, model, id),
            _ => QuantConfig.Bf16,
        };
    }

    /// <summary>
    /// A ModelOpt checkpoint. Its quant_algo runs the routed experts; the attention projections too, unless its exclusion
    /// list (exclude_modules, or ignore inline) keeps those of at least half the mixer layers unquantised, as NVIDIA's NVFP4
    /// GLM-5, Kimi-K2.6, MiniMax-M2.5 and Qwen3.5 releases do (DeepSeek-V3.1's keeps only the MLA down- and
    /// up-projections in BF16 and quantises o_proj, so it stays NVFP4); and the dense FFNs and shared experts too, unless
    /// the list keeps those of at least half the layers that have them (GLM-5.1, Kimi-K2.6 and Qwen3.5 do; GLM-5 does
    /// not). KV cache FP8 by kv_cache_quant_algo, or an 8-bit float kv_cache_scheme inline. A MIXED_PRECISION checkpoint
    /// lists a format per module: each of attention, FFN and experts takes the one most of its listed modules have.
    /// </summary>
    private static QuantConfig ModelOpt(JsonElement q, ModelSpec m, string id)
    {
        string algo = (Str(q, "quant_algo") ?? string.Empty).ToUpperInvariant();
        bool kvFp8 = (Str(q, "kv_cache_quant_algo") ?? string.Empty).Equals("FP8", StringComparison.OrdinalIgnoreCase)
            || (q.TryGetProperty("kv_cache_scheme", out var scheme) && Int(scheme, "num_bits") == 8 && Str(scheme, "type") == "float");
        var kv = kvFp8 ? QuantMode.Fp8 : QuantMode.Bf16;
        if (algo == "MIXED_PRECISION")
        {
            return MixedPrecision(q, m, kv, id);
        }

        var weights = algo switch
        {
            "FP8" => QuantMode.Fp8,
            "NVFP4" => QuantMode.Nvfp4,
            _ => QuantMode.Bf16,
        };
        int mixers = m.MixerLayers;
        var attention = LayersExcluded(q, mixers, LayerAttentionExclusion(), "attn") * 2 >= mixers ? QuantMode.Bf16 : weights;

        // Layers with dense GEMMs outside attention: dense FFNs, and MoE layers with shared experts.
        int ffnLayers = m.DenseFfnLayers + (m.SharedExpertIntermediateSize > 0 ? m.MoeLayers : 0);
        var ffn = ffnLayers == 0 ? attention
            : LayersExcluded(q, m.NumLayers, LayerFfnExclusion(), "shared_expert") * 2 >= ffnLayers ? QuantMode.Bf16 : weights;
        return new QuantConfig(ffn, weights, kv) { AttentionOverride = attention == ffn ? null : attention };
    }

    /// <summary>A per-module MIXED_PRECISION checkpoint (quantized_layers): the most common format of each class of module.</summary>
    private static QuantConfig MixedPrecision(JsonElement q, ModelSpec m, QuantMode kv, string id)
    {
        if (!q.TryGetProperty("quantized_layers", out var modules) || modules.ValueKind != JsonValueKind.Object)
        {
            throw new AicSimException($"{id}: its quantisation is MIXED_PRECISION but lists no quantized_layers to say which module has which format.");
        }

        var counts = new Dictionary<(string Class, string Algo), int>();
        foreach (var module in modules.EnumerateObject())
        {
            string? algo = module.Value.ValueKind == JsonValueKind.Object ? Str(module.Value, "quant_algo") : null;
            if (algo is null || ModuleClass(module.Name) is not { } kind)
            {
                continue;
            }

            counts[(kind, algo.ToUpperInvariant())] = counts.GetValueOrDefault((kind, algo.ToUpperInvariant())) + 1;
        }

        QuantMode Of(string kind)
        {
            var top = counts.Where(c => c.Key.Class == kind).OrderByDescending(c => c.Value).ThenBy(c => c.Key.Algo, StringComparer.Ordinal).Select(c => c.Key.Algo).FirstOrDefault();
            return top switch
            {
                null => QuantMode.Bf16,
                "FP8" => QuantMode.Fp8,
                "MXFP8" => QuantMode.Fp8Block, // FP8 with a power-of-two scale per 32: block-scaled FP8's storage and math
                "NVFP4" => QuantMode.Nvfp4,
                "W4A16_NVFP4" => QuantMode.Nvfp4WeightOnly,
                "W4A8_AWQ" => QuantMode.W4Afp8,
                "W4A16_AWQ" or "INT4_AWQ" => QuantMode.Int4WeightOnly,
                _ => throw new UnsupportedException(
                    $"{id}: its MIXED_PRECISION quantisation runs {kind} modules as {top}, a format AicSim does not model. " +
                    $"Use the unquantised checkpoint's config.json and say the formats with --gemm-quant, --moe-quant and --kv-quant."),
            };
        }

        var attention = Of("attention");
        var ffn = Of("ffn");
        var experts = m.IsMoe ? Of("experts") : ffn;
        return new QuantConfig(ffn, experts, kv) { AttentionOverride = attention == ffn ? null : attention };
    }

    /// <summary>Which class of GEMM a ModelOpt module name is: experts, FFN (dense or shared), attention (or a mixer's projections).</summary>
    private static string? ModuleClass(string name) =>
        name.Contains(".experts", StringComparison.Ordinal) ? "experts"
        : name.Contains("shared_expert", StringComparison.Ordinal) || name.Contains(".mlp.", StringComparison.Ordinal) ? "ffn"
        : name.Contains("attn.", StringComparison.Ordinal) || MixerProjection().IsMatch(name) ? "attention"
        : null;

    [GeneratedRegex(@"\.mixer\.(?:[qkvo]_proj|in_proj|out_proj)$")]
    private static partial Regex MixerProjection();

    private static IEnumerable<string> LayerFormats(JsonElement q) =>
        q.TryGetProperty("quantized_layers", out var layers) && layers.ValueKind == JsonValueKind.Object
            ? layers.EnumerateObject().Select(l => l.Value.ValueKind == JsonValueKind.Object ? Str(l.Value, "quant_algo") : null).OfType<string>().Distinct().Order(StringComparer.Ordinal)
            : ["none listed"];

    /// <summary>
    /// Layers whose modules of one kind the exclusion list keeps unquantised: for attention, a layer's whole attention
    /// module (…layers.N.self_attn*, linear_attn*, attn*) or its output projection (o_proj, out_proj; under …mixer. in
    /// Nemotron-H); for FFNs, its shared experts (…mlp.shared_expert(s)*) or its whole MLP; for both, the whole layer
    /// (…layers.N*). A pattern naming the kind in no particular layer (*.attn.*, *.mlp.shared_expert.*) covers every layer.
    /// </summary>
    private static int LayersExcluded(JsonElement q, int layers, Regex perLayer, string anyLayer)
    {
        var covered = new HashSet<int>();
        foreach (string key in (string[])["exclude_modules", "ignore"])
        {
            if (!q.TryGetProperty(key, out var list) || list.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var item in list.EnumerateArray())
            {
                string pattern = item.ValueKind == JsonValueKind.String ? item.GetString() ?? string.Empty : string.Empty;
                var match = perLayer.Match(pattern);
                if (match.Success)
                {
                    if (int.TryParse(match.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture, out int layer))
                    {
                        covered.Add(layer);
                    }
                }
                else if (pattern.Contains(anyLayer, StringComparison.Ordinal) && !LayerScoped().IsMatch(pattern))
                {
                    return layers;
                }
            }
        }

        return covered.Count;
    }

    [GeneratedRegex(@"layers\.(\d+)(?:\*|\.\*|\.(?:self_attn|linear_attn|attn)(?:\*|\.\*|\.o_proj|\.out_proj)?|\.mixer\.(?:o_proj|out_proj))$")]
    private static partial Regex LayerAttentionExclusion();

    [GeneratedRegex(@"layers\.(\d+)(?:\*|\.\*|\.mlp(?:\*|\.\*|\.shared_experts?(?:\*|\.\*)?)|\.mixer\.shared_experts(?:\*|\.\*)?)$")]
    private static partial Regex LayerFfnExclusion();

    [GeneratedRegex(@"layers\.\d+")]
    private static partial Regex LayerScoped();

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
