using AicSim.Core.Specs;

namespace AicSim.Core.Ops;

/// <summary>The token mixers: softmax attention (GQA, MLA, DeepSeek-V4's compressed kind), linear attention and Mamba-2.</summary>
public static partial class OpTableCompiler
{
    private sealed partial class Builder
    {
        /// <summary>
        /// Grouped-query attention: qkv projection, context and generation attention (full layers, then windowed ones,
        /// each in its own shape), output projection; and a block-sparse indexer where the model has one (MiniMax-M3).
        /// </summary>
        private void AddGqaAttention(double layers)
        {
            double heads = m.NumAttentionHeads / (double)Tp;

            // An output gate doubles the query projection (query and gate come out of one GEMM).
            double qHeads = m.AttentionOutputGate ? 2 * heads : heads;
            double kvBytes = QuantModes.BytesPerElement(quant.KvCache);
            double windowed = m.SlidingWindow > 0 ? m.SlidingWindowLayers : 0;
            double full = layers - windowed;
            var fullShape = m.FullAttentionShape;
            var windowShape = m.WindowAttentionShape;

            // One shape for every layer keeps one projection op each (the common case); MiMo-V2-Flash's windowed layers
            // have KV heads of their own, so each kind gets its own.
            (double Layers, (int KvHeads, int QkDim, int VDim) Shape, string Suffix)[] projections = fullShape == windowShape && !m.FullAttentionValuesAreKeys
                ? [(layers, fullShape, string.Empty)]
                : [(full, fullShape, string.Empty), (windowed, windowShape, " (sliding window)")];
            foreach (var (count, shape, suffix) in projections.Where(p => p.Layers > 0))
            {
                // Gemma-4's full layers take values from the key projection: no V weights.
                double kv = Math.Ceiling(shape.KvHeads / (double)Tp);
                double values = m.FullAttentionValuesAreKeys && suffix.Length == 0 ? 0 : shape.VDim;
                Add("qkv proj" + suffix, Gemm(OpGroup.Attention, TokenScope.AllTokens, count, (qHeads * shape.QkDim) + (kv * (shape.QkDim + values)), H, quant.Attention));
            }

            foreach (var (count, shape, suffix, window) in new[] { (full, fullShape, string.Empty, 0.0), (windowed, windowShape, " (sliding window)", (double)m.SlidingWindow) })
            {
                if (count > 0)
                {
                    double kv = Math.Ceiling(shape.KvHeads / (double)Tp);
                    double kvElems = kv * (shape.QkDim + shape.VDim);
                    Add("context attention" + suffix, Attention(OpKind.ContextAttention, count, heads, shape.QkDim, shape.VDim, kvElems, kvBytes, window) with { KvHeads = kv });
                    Add("generation attention" + suffix, Attention(OpKind.GenerationAttention, count, heads, shape.QkDim, shape.VDim, kvElems, kvBytes, window) with { KvHeads = kv });
                }
            }

            foreach (var (count, shape, suffix) in projections.Where(p => p.Layers > 0))
            {
                Add("o proj" + suffix, Gemm(OpGroup.Attention, TokenScope.AllTokens, count, H, heads * shape.VDim, quant.Attention));
            }

            if (m.IndexerHeads > 0 && windowed > 0)
            {
                // MiniMax-M3's block indexer: its own queries and keys from the hidden state; every query scores every
                // cached token's index key (in the KV cache's dtype) to choose the blocks it reads. Replicated on every rank.
                double ih = m.IndexerHeads;
                double id = m.IndexerHeadDim;
                Add("indexer q + k proj", Gemm(OpGroup.Attention, TokenScope.AllTokens, windowed, (ih + 1) * id, H, QuantMode.Bf16));
                Add("indexer scores (prefill)", Attention(OpKind.ContextAttention, windowed, ih, id, 0, id, kvBytes, 0));
                Add("indexer scores (decode)", Attention(OpKind.GenerationAttention, windowed, ih, id, 0, id, kvBytes, 0));
            }
        }

        /// <summary>
        /// Gated DeltaNet layers (Qwen3.5): one input GEMM makes q, k (key heads), v and the output gate z (value heads) and
        /// the per-head decay and beta; a short causal convolution and a gated norm around the recurrence; an output GEMM.
        /// Heads split over tensor ranks like attention heads.
        /// </summary>
        /// <remarks>
        /// Kernels as vLLM and SGLang launch them in a prefill (their Qwen3-Next layers and flash-linear-attention's chunked
        /// kernels), for the per-kernel request overhead: the input projection as two GEMMs (qkvz, and ba); the causal
        /// convolution and the gated norm, one each; the recurrence nine — the l2 norms of q and k, the gating, and the
        /// chunked delta rule's six passes (cumulative decay, k·kᵀ, triangular solve, w and u, the chunk states, the output).
        /// Counted as one op each, Qwen3.5's TTFT was under-predicted ×1.23 at the median over its 210 SGLang runs on B200
        /// and H200 (×1.11 as launched).
        /// </remarks>
        private void AddLinearAttention(double layers)
        {
            double keyWidth = m.LinearKeyHeads * (double)m.LinearKeyHeadDim / Tp;
            double valueWidth = m.LinearValueHeads * (double)m.LinearValueHeadDim / Tp;
            double valueHeads = m.LinearValueHeads / (double)Tp;
            Add("linear attention in proj", Gemm(OpGroup.Attention, TokenScope.AllTokens, layers, (2 * keyWidth) + (2 * valueWidth) + (2 * valueHeads), H, quant.Attention) with { Launches = 2 });

            // Convolution over q, k, v (read and write in bf16) and the gated RMSNorm on the output (o, z in; o out).
            double convChannels = (2 * keyWidth) + valueWidth;
            Add("linear attention conv + gated norm", ElementWise(OpGroup.Attention, layers, (convChannels * 2.0 * 2.0) + (valueWidth * 2.0 * 3.0)) with { Launches = 2 });
            Add("linear attention recurrence", Recurrence(layers, valueHeads, m.LinearKeyHeadDim, m.LinearValueHeadDim) with { Launches = 9 });
            Add("linear attention out proj", Gemm(OpGroup.Attention, TokenScope.AllTokens, layers, H, valueWidth, quant.Attention));
        }

        /// <summary>
        /// Mamba-2 mixers (Nemotron-H): one input GEMM makes the gate z and x (heads × head_dim each), B and C (groups ×
        /// state) and a step size per head; a causal convolution over x, B, C; the selective scan; a gated norm; an output
        /// GEMM. Heads and groups split over tensor ranks. The scan is priced as the chunked delta-rule recurrence with the
        /// state's two sides: ssm_state_size as the key width, head_dim as the value width. Kernels launched in a prefill:
        /// the convolution and the gated norm, one each; the chunked scan five (mamba_chunk_scan_combined: cumulative
        /// decay, C·Bᵀ per chunk, chunk states, state passing, the output).
        /// </summary>
        private void AddMamba(double layers)
        {
            double heads = m.MambaHeads / (double)Tp;
            double inner = heads * m.MambaHeadDim;
            double bc = 2.0 * m.MambaGroups * m.SsmStateSize / Tp;
            Add("mamba in proj", Gemm(OpGroup.Attention, TokenScope.AllTokens, layers, (2 * inner) + bc + heads, H, quant.Attention));
            Add("mamba conv + gated norm", ElementWise(OpGroup.Attention, layers, ((inner + bc) * 2.0 * 2.0) + (inner * 2.0 * 3.0)) with { Launches = 2 });
            Add("mamba selective scan", Recurrence(layers, heads, m.SsmStateSize, m.MambaHeadDim) with { Launches = 5 });
            Add("mamba out proj", Gemm(OpGroup.Attention, TokenScope.AllTokens, layers, H, inner, quant.Attention));
        }

        /// <summary>
        /// DeepSeek-V4's hybrid compressed attention. Queries come through a low-rank projection (replicated down, split
        /// up); keys and values are one 512-wide head shared by every query head (MQA; keys are values). Every layer
        /// attends to its sliding window of exact tokens; compressed layers also to a cache of one entry per ratio tokens,
        /// built by a compressor (two overlapping streams of entries and of their softmax weights), the smallest ratio's
        /// layers only to the indexer's top-k of them (compressed sparse attention), the others to all (heavily compressed
        /// attention). Output: per group of heads a projection down to o_lora_rank, then one up to the hidden size.
        /// </summary>
        private void AddCompressedAttention(double layers)
        {
            double heads = m.NumAttentionHeads / (double)Tp;
            double d = m.HeadDim;
            double kvBytes = QuantModes.BytesPerElement(quant.KvCache);
            var ratios = m.CompressedAttentionLayers;
            int sparseRatio = ratios.Where(r => r.Ratio > 0).Select(r => r.Ratio).DefaultIfEmpty(0).Min();
            double compressedLayers = ratios.Where(r => r.Ratio > 0).Sum(r => r.Layers);

            // The down-projection of the query and the shared KV head are small and replicated on every tensor rank.
            Add("q down + kv proj", Gemm(OpGroup.Attention, TokenScope.AllTokens, layers, m.QLoraRank + d, H, quant.Attention));
            Add("q up proj", Gemm(OpGroup.Attention, TokenScope.AllTokens, layers, heads * d, m.QLoraRank, quant.Attention));
            if (compressedLayers > 0)
            {
                Add("kv compressor", Gemm(OpGroup.Attention, TokenScope.AllTokens, compressedLayers, 4 * d, H, quant.Attention));
            }

            Add("context attention (window)", Attention(OpKind.ContextAttention, layers, heads, d, d, d, kvBytes, m.SlidingWindow) with { KvHeads = 1 });
            Add("generation attention (window)", Attention(OpKind.GenerationAttention, layers, heads, d, d, d, kvBytes, m.SlidingWindow) with { KvHeads = 1 });
            foreach (var (ratio, count) in ratios.Where(r => r.Ratio > 0))
            {
                // The indexer's top-k caps what a compressed-sparse query reads; heavily compressed layers read every entry.
                double cap = ratio == sparseRatio ? m.SparseAttentionTopK : 0;
                string name = $"compressed attention (1 in {ratio})";
                Add($"context {name}", Attention(OpKind.ContextAttention, count, heads, d, d, d, kvBytes, cap) with { KvHeads = 1, KeyStride = ratio });
                Add($"generation {name}", Attention(OpKind.GenerationAttention, count, heads, d, d, d, kvBytes, cap) with { KvHeads = 1, KeyStride = ratio });
            }

            // The lightning indexer scores every compressed entry to choose the top-k.
            var sparse = ratios.FirstOrDefault(r => r.Ratio == sparseRatio && r.Ratio > 0);
            if (sparse.Layers > 0 && m.IndexerHeads > 0)
            {
                AddIndexer(sparse.Layers, sparse.Ratio);
            }

            // Grouped output: each of a rank's groups maps its heads' values down to o_lora_rank; then up to the hidden size.
            double groups = m.OutputGroups / (double)Tp;
            double perGroup = m.NumAttentionHeads * d / m.OutputGroups;
            Add("o group proj", Gemm(OpGroup.Attention, TokenScope.AllTokens, layers, groups * m.OutputLoraRank, perGroup, quant.Attention));
            Add("o proj", Gemm(OpGroup.Attention, TokenScope.AllTokens, layers, H, groups * m.OutputLoraRank, quant.Attention));

            if (m.HyperConnections > 1)
            {
                // The residual stream is hc_mult copies wide: each block reads and writes them to mix its input and output.
                Add("hyper-connections", ElementWise(OpGroup.Norms, 2 * layers, m.HyperConnections * H * 2.0 * 2.0));
            }
        }

        private void AddMlaAttention(double layers)
        {
            double heads = m.NumAttentionHeads / (double)Tp;
            double qk = m.QkNopeHeadDim + m.QkRopeHeadDim;
            double latent = m.KvLoraRank + m.QkRopeHeadDim;
            double kvBytes = QuantModes.BytesPerElement(quant.KvCache);
            double window = m.SparseAttentionTopK;

            // The down-projections are small and replicated on every tensor rank.
            Add("q/kv down proj", Gemm(OpGroup.Attention, TokenScope.AllTokens, layers, m.QLoraRank + latent, H, quant.Attention));
            Add("q up proj", Gemm(OpGroup.Attention, TokenScope.AllTokens, layers, heads * qk, m.QLoraRank, quant.Attention));

            // Prefill decompresses the latent into per-head k and v, then runs ordinary attention.
            Add("kv up proj (prefill)", Gemm(OpGroup.Attention, TokenScope.PrefillTokens, layers, heads * (m.QkNopeHeadDim + m.VHeadDim), m.KvLoraRank, quant.Attention));
            Add("context attention (MLA)", Attention(OpKind.ContextAttention, layers, heads, qk, m.VHeadDim, latent, kvBytes, window) with { Role = OpRole.MlaAttention });

            // Decode absorbs kv_b into the query and output (two batched GEMMs over heads) and attends over the latent.
            var absorbQ = Gemm(OpGroup.Attention, TokenScope.DecodeTokens, layers, heads * m.KvLoraRank, m.QkNopeHeadDim, QuantMode.Bf16);
            absorbQ.SharesWeights = 1;
            absorbQ.Role = OpRole.MlaBmmPre;
            Add("absorbed q bmm (decode)", absorbQ);
            Add("generation attention (MLA)", Attention(OpKind.GenerationAttention, layers, heads, latent, m.KvLoraRank, latent, kvBytes, window) with { Role = OpRole.MlaAttention });
            var absorbO = Gemm(OpGroup.Attention, TokenScope.DecodeTokens, layers, heads * m.VHeadDim, m.KvLoraRank, QuantMode.Bf16);
            absorbO.SharesWeights = 1;
            absorbO.Role = OpRole.MlaBmmPost;
            Add("absorbed v bmm (decode)", absorbO);

            Add("o proj", Gemm(OpGroup.Attention, TokenScope.AllTokens, layers, H, heads * m.VHeadDim, quant.Attention));
            if (m.AttentionOutputGate)
            {
                // Kimi Linear's MLA output gate: a sigmoid gate per head and value channel, projected from the hidden state.
                Add("output gate proj", Gemm(OpGroup.Attention, TokenScope.AllTokens, layers, heads * m.VHeadDim, H, quant.Attention));
            }

            if (m.SparseAttentionTopK > 0 && m.IndexerHeads > 0)
            {
                AddIndexer(layers);
            }
        }

        /// <summary>
        /// DeepSeek sparse attention's lightning indexer (DeepSeek-V3.2, GLM-5, DeepSeek-V4): its own queries from the q
        /// latent, a key and per-head weights from the hidden state, then every query scores every cached entry (fp8 keys;
        /// one per <paramref name="keyStride"/> tokens in a compressed cache) to choose the top-k the attention reads.
        /// Small and replicated on every tensor rank; its scoring is not capped by the top-k.
        /// </summary>
        private void AddIndexer(double layers, double keyStride = 1)
        {
            double ih = m.IndexerHeads;
            double id = m.IndexerHeadDim;
            Add("indexer q proj", Gemm(OpGroup.Attention, TokenScope.AllTokens, layers, ih * id, m.QLoraRank, quant.Attention));
            Add("indexer k proj + weights", Gemm(OpGroup.Attention, TokenScope.AllTokens, layers, id + ih, H, QuantMode.Bf16));
            Add("indexer scores (prefill)", Attention(OpKind.ContextAttention, layers, ih, id, 0, id, 1.0, 0) with { KeyStride = keyStride });
            Add("indexer scores (decode)", Attention(OpKind.GenerationAttention, layers, ih, id, 0, id, 1.0, 0) with { KeyStride = keyStride });
        }
    }
}
