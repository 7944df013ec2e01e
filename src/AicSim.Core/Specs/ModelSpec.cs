namespace AicSim.Core.Specs;

/// <summary>
/// The shape of a transformer, as far as performance is concerned. Filled from a Hugging Face
/// config.json or from AicSim's own models-data; the numbers are the model card's public facts.
/// </summary>
public sealed record ModelSpec
{
    /// <summary>Hugging Face id, e.g. <c>Qwen/Qwen3-32B</c>.</summary>
    public required string Id { get; init; }

    /// <summary>HF <c>architectures[0]</c> of the text model, e.g. <c>DeepseekV3ForCausalLM</c>.</summary>
    public required string Architecture { get; init; }

    public required ArchitectureFamily Family { get; init; }

    public required int NumLayers { get; init; }

    public required int HiddenSize { get; init; }

    public required int NumAttentionHeads { get; init; }

    public required int NumKeyValueHeads { get; init; }

    /// <summary>Per-head dimension of q/k/v for GQA models.</summary>
    public required int HeadDim { get; init; }

    /// <summary>FFN width of dense layers (0 when every layer is MoE).</summary>
    public required int IntermediateSize { get; init; }

    public required int VocabSize { get; init; }

    public required int MaxContextLength { get; init; }

    public bool TieWordEmbeddings { get; init; }

    /// <summary>Routed experts per MoE layer (0 for dense models).</summary>
    public int NumExperts { get; init; }

    /// <summary>Experts each token is routed to (top-k).</summary>
    public int ExpertsPerToken { get; init; }

    /// <summary>FFN width of one routed expert.</summary>
    public int MoeIntermediateSize { get; init; }

    /// <summary>Combined FFN width of the always-active shared experts (0 if none).</summary>
    public int SharedExpertIntermediateSize { get; init; }

    /// <summary>
    /// Layers with a dense FFN instead of experts: DeepSeek's leading first_k_dense_replace, or Llama-4 Maverick's every
    /// other layer. Only their number matters to the cost.
    /// </summary>
    public int FirstDenseLayers { get; init; }

    /// <summary>Sliding-window size of windowed layers (0 = all layers attend to the full context).</summary>
    public int SlidingWindow { get; init; }

    /// <summary>How many layers use the sliding window (gpt-oss alternates: 18 of 36).</summary>
    public int SlidingWindowLayers { get; init; }

    /// <summary>KV heads of the sliding-window layers where they differ from the full layers' (MiMo-V2-Flash: 8 against 4). 0 = the same.</summary>
    public int WindowKvHeads { get; init; }

    /// <summary>Query/key head dimension of the sliding-window layers where it differs. 0 = the same.</summary>
    public int WindowHeadDim { get; init; }

    /// <summary>Value head dimension of the sliding-window layers where it differs. 0 = the same.</summary>
    public int WindowVHeadDim { get; init; }

    /// <summary>
    /// Whether the full-attention layers project keys only and take their values from the same projection (Gemma-4's
    /// attention_k_eq_v): no V weights there. Both are still cached, since keys are rotated and normed and values not.
    /// </summary>
    public bool FullAttentionValuesAreKeys { get; init; }

    public int QLoraRank { get; init; }

    public int KvLoraRank { get; init; }

    public int QkNopeHeadDim { get; init; }

    public int QkRopeHeadDim { get; init; }

    public int VHeadDim { get; init; }

    /// <summary>Tokens each query attends to under DeepSeek sparse attention (index_topk; 0 = dense attention).</summary>
    public int SparseAttentionTopK { get; init; }

    /// <summary>Heads of DeepSeek sparse attention's lightning indexer, which scores every cached token to pick the top-k.</summary>
    public int IndexerHeads { get; init; }

    /// <summary>Head dimension of the indexer (its keys are cached per token, in fp8).</summary>
    public int IndexerHeadDim { get; init; }

    /// <summary>
    /// Layers whose attention is a linear recurrence (Gated DeltaNet in Qwen3.5/Qwen3-Next) instead of softmax attention:
    /// they keep a fixed-size state per sequence and no KV cache. 0 for ordinary transformers.
    /// </summary>
    public int LinearAttentionLayers { get; init; }

    /// <summary>Key (and query) heads of a linear-attention layer.</summary>
    public int LinearKeyHeads { get; init; }

    /// <summary>Value heads of a linear-attention layer; each holds a d_k × d_v state.</summary>
    public int LinearValueHeads { get; init; }

    public int LinearKeyHeadDim { get; init; }

    public int LinearValueHeadDim { get; init; }

    /// <summary>Width of the causal depthwise convolution before the recurrence (its last w − 1 inputs are state too).</summary>
    public int LinearConvKernel { get; init; }

    /// <summary>
    /// One character per layer for models whose every layer is a single block (Nemotron-H's hybrid_override_pattern):
    /// 'M' a Mamba-2 mixer, '*' softmax attention, '-' a dense FFN, 'E' an MoE. Empty for ordinary models, whose every
    /// layer is attention (or linear attention) followed by an FFN.
    /// </summary>
    public string BlockPattern { get; init; } = string.Empty;

    /// <summary>Heads of a Mamba-2 mixer; each holds a head_dim × ssm_state_size state.</summary>
    public int MambaHeads { get; init; }

    public int MambaHeadDim { get; init; }

    /// <summary>Mamba-2's ssm_state_size (N): the width of B and C, shared by the heads of a group.</summary>
    public int SsmStateSize { get; init; }

    /// <summary>Groups sharing one B and one C (Mamba-2's n_groups); they split over tensor ranks like heads.</summary>
    public int MambaGroups { get; init; }

    public int MambaConvKernel { get; init; }

    /// <summary>Whether FFNs and experts are gated (gate, up, down: SwiGLU); false for Nemotron-H's relu² (up, down).</summary>
    public bool GatedFfn { get; init; } = true;

    /// <summary>
    /// Width the routed experts work in when it is not the hidden size (Nemotron-3's latent MoE: tokens are projected
    /// down to it before dispatch and back up after the experts). 0 = the hidden size.
    /// </summary>
    public int MoeLatentSize { get; init; }

    /// <summary>
    /// Dense FFN widths where they differ from layer to layer (DeciLM's neural-architecture-search layers, Nemotron-Super-49B):
    /// "width:layers" pairs, comma-separated, e.g. "28672:49,7168:10". Empty = every dense FFN layer is
    /// <see cref="IntermediateSize"/> wide.
    /// </summary>
    public string DenseFfnWidths { get; init; } = string.Empty;

    /// <summary>
    /// DeepSeek-V4's hybrid compressed attention: each layer's compress_ratio, comma-separated. 0 = a sliding window only;
    /// the smallest other ratio (4) = compressed sparse attention (one cached entry per 4 tokens, the indexer's top-k of
    /// them); a larger one (128) = heavily compressed attention over every compressed entry. Every layer also attends to
    /// its sliding window. Empty for other models.
    /// </summary>
    public string CompressRatios { get; init; } = string.Empty;

    /// <summary>DeepSeek-V4's grouped low-rank output projection: groups of heads (o_groups), each down to o_lora_rank.</summary>
    public int OutputGroups { get; init; }

    public int OutputLoraRank { get; init; }

    /// <summary>Copies of the residual stream (DeepSeek-V4's hyper-connections, hc_mult); 0 or 1 = an ordinary residual.</summary>
    public int HyperConnections { get; init; }

    /// <summary>Whether attention is DeepSeek-V4's compressed kind (<see cref="CompressRatios"/>).</summary>
    public bool HasCompressedAttention => CompressRatios.Length > 0;

    /// <summary>DeepSeek-V4's layers by compress ratio, ascending (0, the sliding-window-only layers, first).</summary>
    public IReadOnlyList<(int Ratio, int Layers)> CompressedAttentionLayers => [.. CompressRatios.Split(',')
        .Select(r => int.Parse(r, System.Globalization.CultureInfo.InvariantCulture))
        .GroupBy(r => r).OrderBy(g => g.Key).Select(g => (g.Key, g.Count()))];

    /// <summary>Layers whose attention is skipped (DeciLM's no-op attention): only their FFN runs.</summary>
    public int AttentionFreeLayers { get; init; }

    /// <summary>Whether softmax attention multiplies its output by a sigmoid gate from the query projection (Qwen3.5's attn_output_gate).</summary>
    public bool AttentionOutputGate { get; init; }

    /// <summary>
    /// Multi-token-prediction modules in the checkpoint, which speculative decoding drafts with (config.json's
    /// num_nextn_predict_layers for DeepSeek and GLM, mtp_num_hidden_layers for Qwen3.5, num_mtp_modules for MiniMax).
    /// 0 = none: such a model cannot decode with MTP.
    /// </summary>
    public int MtpLayers { get; init; }

    /// <summary>The checkpoint's own quantisation, used when the user names none.</summary>
    public QuantConfig DefaultQuant { get; init; } = QuantConfig.Bf16;

    public bool IsMoe => NumExperts > 0;

    /// <summary>A GQA layer's value head dimension: v_head_dim where the config gives one (MiMo-V2-Flash: 128 beside 192), else head_dim.</summary>
    public int GqaVHeadDim => VHeadDim > 0 ? VHeadDim : HeadDim;

    /// <summary>The attention shape of the full-attention layers: KV heads, query/key and value head dimensions.</summary>
    public (int KvHeads, int QkDim, int VDim) FullAttentionShape => (NumKeyValueHeads, HeadDim, GqaVHeadDim);

    /// <summary>The attention shape of the sliding-window layers: the full layers' unless the config gives their own.</summary>
    public (int KvHeads, int QkDim, int VDim) WindowAttentionShape => (
        WindowKvHeads > 0 ? WindowKvHeads : NumKeyValueHeads,
        WindowHeadDim > 0 ? WindowHeadDim : HeadDim,
        WindowVHeadDim > 0 ? WindowVHeadDim : WindowHeadDim > 0 ? WindowHeadDim : GqaVHeadDim);

    /// <summary>Whether each layer is one block (<see cref="BlockPattern"/>) rather than a mixer and an FFN.</summary>
    public bool HasBlockPattern => BlockPattern.Length > 0;

    public int MoeLayers => !IsMoe ? 0 : HasBlockPattern ? Blocks('E') : NumLayers - FirstDenseLayers;

    public int DenseFfnLayers => HasBlockPattern ? Blocks('-') : DenseFfnWidths.Length > 0 ? FfnWidthGroups.Sum(g => g.Layers) : NumLayers - MoeLayers;

    /// <summary>The dense FFN layers by width: one group, or DeciLM's several.</summary>
    public IReadOnlyList<(int Width, int Layers)> FfnWidthGroups => DenseFfnWidths.Length == 0
        ? [(IntermediateSize, DenseFfnLayers)]
        : [.. DenseFfnWidths.Split(',').Select(pair => pair.Split(':')).Select(p => (int.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)))];

    /// <summary>Layers with softmax attention and a KV cache.</summary>
    public int FullAttentionLayers => HasBlockPattern ? Blocks('*') : NumLayers - LinearAttentionLayers - AttentionFreeLayers;

    /// <summary>Mamba-2 mixer blocks.</summary>
    public int MambaLayers => Blocks('M');

    /// <summary>Token mixers (softmax, linear attention or Mamba): one per layer, or one per mixer block.</summary>
    public int MixerLayers => HasBlockPattern ? Blocks('M') + Blocks('*') : NumLayers - AttentionFreeLayers;

    /// <summary>
    /// Layers as a transformer counts them (a mixer and an FFN): what per-layer framework costs and an MTP module's
    /// share of the model scale with. A block-pattern model's mixer blocks pair with its FFN blocks.
    /// </summary>
    public int TransformerLayers => HasBlockPattern ? Math.Max(MixerLayers, Blocks('-') + Blocks('E')) : NumLayers;

    /// <summary>Whether some layers keep a fixed-size recurrent state per sequence (linear attention or Mamba).</summary>
    public bool IsHybrid => LinearAttentionLayers > 0 || MambaLayers > 0;

    /// <summary>Width the routed experts read and write.</summary>
    public int ExpertWidth => MoeLatentSize > 0 ? MoeLatentSize : HiddenSize;

    /// <summary>Weight matrices of one FFN or expert: gate, up and down; or up and down.</summary>
    public int FfnMatrices => GatedFfn ? 3 : 2;

    private int Blocks(char kind) => BlockPattern.Count(c => c == kind);

    /// <summary>The short name users type: the part after the organisation.</summary>
    public string ShortName => Id.Contains('/', StringComparison.Ordinal) ? Id[(Id.LastIndexOf('/') + 1)..] : Id;
}
