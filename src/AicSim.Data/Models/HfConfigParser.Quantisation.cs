using System.Text.Json;
using System.Text.RegularExpressions;
using AicSim.Core.Errors;
using AicSim.Core.Specs;

namespace AicSim.Data.Models;

/// <summary>A checkpoint's quantisation: quantization_config inline, or ModelOpt's hf_quant_config.json and its exclusion lists.</summary>
public static partial class HfConfigParser
{
    /// <summary>
    /// The checkpoint's quantisation: hf_quant_config.json (ModelOpt: FP8 / NVFP4, KV FP8) first, else quantization_config
    /// (fp8, with 128×128 blocks = fp8_block, DeepSeek-V4's experts MXFP4 beside them; mxfp4 on experts only;
    /// compressed-tensors on experts only, int4 or its mxfp4 format; modelopt).
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
        var blockExperts = Str(text, "expert_dtype") == "fp4" ? QuantMode.Mxfp4 : QuantMode.Fp8Block;
        return method switch
        {
            "fp8" => qc.TryGetProperty("weight_block_size", out var b) && b.ValueKind == JsonValueKind.Array
                ? new QuantConfig(QuantMode.Fp8Block, blockExperts, QuantMode.Bf16)
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

            var key = (kind, algo.ToUpperInvariant());
            counts[key] = counts.GetValueOrDefault(key) + 1;
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
}
