using AicSim.Core.Ops;
using AicSim.Core.Specs;

namespace AicSim.Core.Engine;

/// <summary>
/// Memory per GPU (DOMAIN.md §6): weights / (tp·pp) (experts / ep) + activations + framework + NCCL buffers;
/// the KV budget is a fraction of what is left.
/// </summary>
public static class MemoryModel
{
    /// <summary>NCCL buffers for a communicator of more than one GPU (aiconfigurator's nccl_mem for 4–8 GPUs: 392 MB).</summary>
    public const double CommunicationBufferBytes = 411_041_792;

    public static MemoryFit Compute(EngineConfig engine, OpTable ops)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(ops);
        var m = engine.Model;
        var par = engine.Parallel;
        double capacity = engine.System.MemoryBytes;

        // The op table holds every GEMM's weights; add the embedding table (vocab-parallel over tp) unless tied to the LM head.
        double weights = ops.WeightBytesPerGpu() + (m.TieWordEmbeddings ? 0 : (double)m.VocabSize * m.HiddenSize * 2.0 / par.Tp);
        weights /= par.Pp;

        // Speculative decoding loads the MTP modules its drafts run through (a chain of n drafts reuses the checkpoint's
        // modules: min(n, modules)), each about a decoder layer of weights, on the last pipeline stage, with a layer's KV
        // cache of its own. DeepSeek-V3's one module is 14 B parameters against 671 B for the model (its model card).
        int draftLayers = DraftLayers(engine);
        weights += draftLayers * ops.WeightBytesPerGpu(decoderLayersOnly: true) / m.TransformerLayers;

        // Workspace for the largest step: about 16 hidden-sized bf16 activations per token in flight.
        double activations = engine.Backend.MaxNumTokens * (double)m.HiddenSize * 2.0 * 16.0;
        double comm = par.Gpus > 1 ? CommunicationBufferBytes : 0;
        double used = weights + activations + engine.Backend.FrameworkMemoryBytes + comm;
        double budget = engine.Backend.KvFractionOfTotal
            ? Math.Max(0, (capacity * engine.Backend.KvCacheFraction) - used)
            : Math.Max(0, (capacity - used) * engine.Backend.KvCacheFraction);
        double perToken = KvBytesPerToken(m, par, engine.Quant.KvCache);
        perToken += draftLayers * perToken / (m.FullAttentionLayers / (double)par.Pp);
        long tokens = (long)Math.Floor(budget / perToken) * par.AttentionDp;
        return new MemoryFit(capacity, weights, activations, engine.Backend.FrameworkMemoryBytes, comm, budget, perToken, tokens)
        {
            StateBytesPerSequence = StateBytesPerSequence(m, par, engine.Quant.KvCache),
        };
    }

    /// <summary>MTP modules speculative decoding keeps in memory: min(draft tokens, the checkpoint's modules), at least one.</summary>
    public static int DraftLayers(EngineConfig engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.Backend.Speculative is { DraftTokens: > 0 } s ? Math.Min(s.DraftTokens, Math.Max(1, engine.Model.MtpLayers)) : 0;
    }

    /// <summary>
    /// KV bytes one token costs on one GPU: GQA ceil(n_kv/tp)·(d_qk + d_v)·L/pp·bytes (per layer kind where windowed layers differ); MLA (kv_lora + rope)·L/pp·bytes, replicated on
    /// every tensor rank. Sliding-window layers are counted as full ones (what a framework without a hybrid allocator reserves).
    /// </summary>
    public static double KvBytesPerToken(ModelSpec model, ParallelConfig par, QuantMode kvQuant)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(par);
        double bytes = QuantModes.BytesPerElement(kvQuant);
        double layers = model.FullAttentionLayers / (double)par.Pp;
        if (model.HasCompressedAttention)
        {
            // DeepSeek-V4: one shared 512-wide entry per ratio tokens in each compressed layer, and the indexer's fp8
            // key per entry in the sparse ones; the sliding windows are a fixed cost per sequence (StateBytesPerSequence).
            var ratios = model.CompressedAttentionLayers.Where(r => r.Ratio > 0).ToList();
            int sparse = ratios.Count == 0 ? 0 : ratios.Min(r => r.Ratio);
            double perToken = ratios.Sum(r => r.Layers * model.HeadDim * bytes / r.Ratio);
            double indexer = ratios.Where(r => r.Ratio == sparse).Sum(r => r.Layers * (double)model.IndexerHeadDim / r.Ratio);
            return (perToken + indexer) / par.Pp;
        }

        if (model.Family == ArchitectureFamily.MlaMoe)
        {
            // A sparse-attention indexer caches its own fp8 key per token and layer beside the latent.
            double indexer = model.SparseAttentionTopK > 0 ? model.IndexerHeadDim * layers : 0;
            return ((model.KvLoraRank + model.QkRopeHeadDim) * layers * bytes) + indexer;
        }

        // Sliding-window layers cache their own shape (MiMo-V2-Flash: more KV heads than its full layers).
        double windowed = model.SlidingWindow > 0 ? model.SlidingWindowLayers / (double)par.Pp : 0;
        double PerLayer((int KvHeads, int QkDim, int VDim) shape) => Math.Ceiling(shape.KvHeads / (double)par.Tp) * (shape.QkDim + shape.VDim) * bytes;
        // A block indexer (MiniMax-M3) caches one index key per token in each of its sparse layers.
        double indexKeys = model.IndexerHeads > 0 ? windowed * model.IndexerHeadDim * bytes : 0;
        return ((layers - windowed) * PerLayer(model.FullAttentionShape)) + (windowed * PerLayer(model.WindowAttentionShape)) + indexKeys;
    }

    /// <summary>
    /// Fixed memory one sequence holds on one GPU whatever its length: the linear-attention layers' recurrent state
    /// (value heads/tp × d_k × d_v in fp32) and convolution window ((w − 1) inputs of q, k, v in bf16), and the Mamba-2
    /// layers' (heads/tp × head_dim × ssm_state_size in fp32; the window over x, B and C). 0 for transformers.
    /// </summary>
    public static double StateBytesPerSequence(ModelSpec model, ParallelConfig par, QuantMode kvCache = QuantMode.Bf16)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(par);
        if (model.HasCompressedAttention)
        {
            // DeepSeek-V4's every layer keeps its sliding window of exact tokens, one shared 512-wide head each.
            return model.NumLayers / (double)par.Pp * model.SlidingWindow * model.HeadDim * QuantModes.BytesPerElement(kvCache);
        }

        if (!model.IsHybrid)
        {
            return 0;
        }

        double layers = model.LinearAttentionLayers / (double)par.Pp;
        double heads = model.LinearValueHeads / (double)par.Tp;
        double recurrent = heads * model.LinearKeyHeadDim * model.LinearValueHeadDim * OpTableCompiler.LinearStateBytesPerElement;
        double channels = ((2.0 * model.LinearKeyHeads * model.LinearKeyHeadDim) + (model.LinearValueHeads * (double)model.LinearValueHeadDim)) / par.Tp;
        double conv = channels * Math.Max(0, model.LinearConvKernel - 1) * 2.0;

        double mambaLayers = model.MambaLayers / (double)par.Pp;
        double mambaHeads = model.MambaHeads / (double)par.Tp;
        double scan = mambaHeads * model.MambaHeadDim * model.SsmStateSize * OpTableCompiler.LinearStateBytesPerElement;
        double mambaChannels = (mambaHeads * model.MambaHeadDim) + (2.0 * model.MambaGroups * model.SsmStateSize / par.Tp);
        double mambaConv = mambaChannels * Math.Max(0, model.MambaConvKernel - 1) * 2.0;
        return (layers * (recurrent + conv)) + (mambaLayers * (scan + mambaConv));
    }
}
