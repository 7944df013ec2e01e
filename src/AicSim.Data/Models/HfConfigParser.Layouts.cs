using System.Text.Json;
using System.Text.RegularExpressions;
using AicSim.Core.Errors;
using AicSim.Core.Specs;

namespace AicSim.Data.Models;

/// <summary>Layer layouts that are not one attention and one FFN per layer: per-layer blocks, NAS layers, hybrids, sparse attention.</summary>
public static partial class HfConfigParser
{
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
                if (mult <= 0)
                {
                    throw new AicSimException($"{id}: a block_configs FFN that runs needs a positive ffn_mult to say its width.");
                }

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
}
