using AicSim.Core.Engine;
using AicSim.Core.Estimation;
using AicSim.Core.Ops;
using AicSim.Core.Specs;
using AicSim.Data.Models;
using AicSim.Data.Systems;

using AicSim.Tests;

namespace AicSim.Data.Tests;

/// <summary>
/// Bundled models of architectures read this round, held to their model cards' parameter counts: what the op table
/// holds (total) and what a decode step of one token reads (active), in BF16 on one B200, LM head and embedding included.
/// </summary>
public sealed class ModelSizeTests
{
    private static readonly ModelCatalog Catalog = ModelCatalog.Load();
    private static readonly SystemSpec B200 = SystemCatalog.Load().Get("b200_sxm");

    private static Op Named(OpTable ops, string name) => ops.Ops[ops.Names.ToList().IndexOf(name)];

    [Theory]
    [InlineData("meta-llama/Llama-4-Scout-17B-16E-Instruct", 109e9, 17e9, true)] // Meta's card: 109 B total, 17 B active
    [InlineData("meta-llama/Llama-4-Maverick-17B-128E-Instruct", 400e9, 17e9, true)] // Meta's card: 400 B total, 17 B active
    [InlineData("nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16", 31.6e9, 3.6e9, true)] // NVIDIA's card: 31.6 B, 3.6 B active with embeddings
    [InlineData("stepfun-ai/Step-3.7-Flash", 195.83e9, 10.86e9, true)] // by hand: 45 attention layers, 3 dense FFNs, 42 MoE layers of 288 experts (8 read) and a shared one, embedding and head
    [InlineData("nvidia/Llama-3_3-Nemotron-Super-49B-v1", 49.9e9, 49.9e9, true)] // Hugging Face's count for the checkpoint, 49.9 B; dense
    [InlineData("XiaomiMiMo/MiMo-V2-Flash", 308.78e9, 15.45e9, true)] // by hand (Xiaomi's card: 309 B total, 15 B active): 9 full and 39 windowed attention layers, one dense FFN, 47 MoE layers
    [InlineData("google/gemma-4-26B-A4B", 25.23e9, 3.82e9, true)] // by hand (the name: 26 B, 4 B active); the tied embedding is the LM head
    [InlineData("deepseek-ai/DeepSeek-V4-Flash", 284e9, 13e9, false)] // DeepSeek's V4 report: 284 B total, 13 B activated
    [InlineData("deepseek-ai/DeepSeek-V4-Pro", 1.6e12, 49e9, false)] // 1.6 T total, 49 B activated
    [InlineData("XiaomiMiMo/MiMo-7B-Base", 7.622e9, 7.622e9, true)] // by hand: 36 × (4096 × 48 × 128 + 4096² + 3 × 11008 × 4096) + 2 × 151680 × 4096, MTP module aside
    public void Total_and_active_parameters_match_the_model_card(string id, double total, double active, bool activeCountsEmbedding)
    {
        var m = Catalog.Resolve(id);
        var engine = EngineModel.Create(new EngineConfig(m, B200, ParallelConfig.TensorParallel(1), QuantConfig.Bf16, BackendProfile.For(Backend.TrtLlm)));

        // Meta's totals count the vision tower (under 1 B), which is not modelled: 2% covers it.
        Assert.InRange(engine.Memory.WeightBytes / 2, total * 0.98, total * 1.01);
        double read = DecodeFloor.BytesPerGpu(engine.Ops.Ops, 0, 0).Weights / 2;
        // DeepSeek counts what a token activates without the input embedding (a lookup, not a read of the table).
        double embedding = m.TieWordEmbeddings || !activeCountsEmbedding ? 0 : (double)m.VocabSize * m.HiddenSize;
        Assert.InRange(read + embedding, active * 0.97, active * 1.03);
    }

    [Fact]
    public void Llama_4_attends_within_chunks_on_three_layers_in_four()
    {
        // Llama-4's config.json: attention_chunk_size 8192, and a NoPE layer (full attention) every fourth of 48.
        var m = Catalog.Resolve("meta-llama/Llama-4-Maverick-17B-128E-Instruct");
        Assert.Equal((8192, 36, 24, 24), (m.SlidingWindow, m.SlidingWindowLayers, m.MoeLayers, m.DenseFfnLayers));
    }

    [Fact]
    public void Nemotron_super_49b_caches_only_its_attention_layers_and_splits_every_ffn_width()
    {
        // Hand calculation at TP1: 49 attention layers × 2 (K, V) × 8 KV heads × 128 × 2 bytes = 200,704 bytes a token.
        var m = Catalog.Resolve("nvidia/Llama-3_3-Nemotron-Super-49B-v1");
        Assert.Equal(200_704, MemoryModel.KvBytesPerToken(m, ParallelConfig.TensorParallel(1), QuantMode.Bf16));
        Assert.Equal((49, 80), (m.FullAttentionLayers, m.DenseFfnLayers));

        // TP8 splits each width (all multiples of 256); a width TP cannot split is named.
        Assert.Empty(MappingRules.Problems(m, ParallelConfig.TensorParallel(8)));
        var odd = m with { DenseFfnWidths = "28672:79,2820:1" };
        Assert.Contains(MappingRules.Problems(odd, ParallelConfig.TensorParallel(8)), p => p.Contains("FFN width 2820", StringComparison.Ordinal));
    }

    [Fact]
    public void Mimo_v2_flash_caches_and_projects_each_kind_of_layer_in_its_own_shape()
    {
        // Hand calculation at TP1, bf16: 9 full layers × 4 KV heads × (192 + 128) × 2 bytes = 23,040, plus 39 windowed
        // layers × 8 KV heads × 320 × 2 = 199,680: 222,720 bytes a token. At TP4 each full layer keeps 1 KV head and each
        // windowed one 2: 5,760 + 49,920 = 55,680.
        var m = Catalog.Resolve("XiaomiMiMo/MiMo-V2-Flash");
        Assert.Equal(222_720, MemoryModel.KvBytesPerToken(m, ParallelConfig.TensorParallel(1), QuantMode.Bf16));
        Assert.Equal(55_680, MemoryModel.KvBytesPerToken(m, ParallelConfig.TensorParallel(4), QuantMode.Bf16));

        // qkv: 64 query heads × 192 plus K and V (192 + 128) per KV head; o reads 64 × 128 values.
        var ops = OpTableCompiler.Compile(m, ParallelConfig.TensorParallel(1), QuantConfig.Bf16, B200);
        Op Of(string name) => Named(ops, name);
        Assert.Equal((13_568.0, 9.0), (Of("qkv proj").N, Of("qkv proj").Count));
        Assert.Equal((14_848.0, 39.0), (Of("qkv proj (sliding window)").N, Of("qkv proj (sliding window)").Count));
        Assert.Equal((8192.0, 128.0, 128.0), (Of("o proj").K, Of("generation attention (sliding window)").Window, Of("generation attention").VDim));
    }

    [Fact]
    public void Gemma_4_projects_no_values_in_its_global_layers_but_caches_them()
    {
        // Hand calculation, TP1 bf16: 25 sliding layers × 8 KV heads × (256 + 256) × 2 bytes = 204,800, plus 5 global
        // layers × 2 KV heads × (512 + 512) × 2 = 20,480: 225,280 bytes a token.
        var m = Catalog.Resolve("google/gemma-4-26B-A4B");
        Assert.Equal(225_280, MemoryModel.KvBytesPerToken(m, ParallelConfig.TensorParallel(1), QuantMode.Bf16));

        // qkv: global 16 × 512 queries + 2 × 512 keys and no values = 9216; sliding 16 × 256 + 8 × (256 + 256) = 8192.
        var ops = OpTableCompiler.Compile(m, ParallelConfig.TensorParallel(1), QuantConfig.Bf16, B200);
        Assert.Equal(9216.0, Named(ops, "qkv proj").N);
        Assert.Equal(8192.0, Named(ops, "qkv proj (sliding window)").N);
    }

    [Fact]
    public void DeepSeek_v4_caches_one_entry_per_compressed_block_and_a_window_per_sequence()
    {
        // Hand calculation, TP1, bf16: 21 layers of 1 entry per 4 tokens × 512 × 2 bytes / 4 = 5376, 20 layers of 1 per
        // 128: 20 × 512 × 2 / 128 = 160, and the indexer's fp8 key, 21 × 128 / 4 = 672: 6208 bytes a token. Each sequence
        // also holds every layer's window of 128 exact tokens: 43 × 128 × 512 × 2 = 5,636,096 bytes.
        var m = Catalog.Resolve("deepseek-ai/DeepSeek-V4-Flash");
        Assert.Equal(6208, MemoryModel.KvBytesPerToken(m, ParallelConfig.TensorParallel(1), QuantMode.Bf16));
        Assert.Equal(5_636_096, MemoryModel.StateBytesPerSequence(m, ParallelConfig.TensorParallel(1), QuantMode.Bf16));

        // A decode step at context 64k reads, per sequence and compressed-sparse layer, the indexer's top-512 entries
        // (not 64k / 4 = 16k), and per heavily compressed layer 64k / 128 = 512 entries.
        var ops = OpTableCompiler.Compile(m, ParallelConfig.TensorParallel(1), QuantConfig.Bf16, B200);
        Op Of(string name) => Named(ops, name);
        Assert.Equal((512.0, 4.0, 21.0), (Of("generation compressed attention (1 in 4)").Window, Of("generation compressed attention (1 in 4)").KeyStride, Of("generation compressed attention (1 in 4)").Count));
        Assert.Equal((0.0, 128.0, 20.0), (Of("generation compressed attention (1 in 128)").Window, Of("generation compressed attention (1 in 128)").KeyStride, Of("generation compressed attention (1 in 128)").Count));
        var cache = DecodeFloor.BytesPerGpu(ops.Ops, 1, 65536).Cache;
        double expected = (43 * 128 * 512 * 2.0) + (21 * 512 * 512 * 2.0) + (20 * 512 * 512 * 2.0) + (21 * 16384 * 128 * 1.0);
        Assert.Equal(expected, cache, 6);
    }

    [Fact]
    public void DeepSeek_v4_s_output_groups_bound_its_tensor_split()
    {
        var m = Catalog.Resolve("deepseek-ai/DeepSeek-V4-Flash");
        Assert.Contains(MappingRules.Problems(m, ParallelConfig.TensorExpertParallel(16)), p => p.Contains("8 groups of heads", StringComparison.Ordinal));
        Assert.Empty(MappingRules.Problems(m, ParallelConfig.TensorExpertParallel(8)));
    }

    [Fact]
    public void MiniMax_m3_reads_its_top_blocks_and_caches_an_index_key_per_token()
    {
        // Its config: 57 sparse layers reading the top 16 blocks and the local one of 128 tokens (2176), an indexer of
        // 4 heads of 128, one shared expert of 3072 (n_shared_experts 1 × shared_intermediate_size 3072, not their sum).
        var m = Catalog.Resolve("MiniMaxAI/MiniMax-M3");
        Assert.Equal((2176, 57, 4, 128, 3072), (m.SlidingWindow, m.SlidingWindowLayers, m.IndexerHeads, m.IndexerHeadDim, m.SharedExpertIntermediateSize));

        // Hand calculation, TP1 bf16: 60 layers × 2 (K, V) × 4 KV heads × 128 × 2 bytes = 122,880, plus 57 index keys of
        // 128 × 2 = 14,592: 137,472 bytes a token.
        Assert.Equal(137_472, MemoryModel.KvBytesPerToken(m, ParallelConfig.TensorParallel(1), QuantMode.Bf16));
    }

    [Fact]
    public void Kimi_k3_caches_latents_in_its_mla_layers_and_a_state_in_its_delta_layers()
    {
        // Its config: 24 MLA layers (full_attn_layers) and 69 Kimi delta attention layers (kda_layers) of 96 heads of 128;
        // experts MXFP4 (compressed-tensors mxfp4-pack-quantized) in a latent of 3584.
        var m = HfConfigParser.ParseFile(SharedData.HfConfig("moonshotai--Kimi-K3"));
        Assert.Equal((24, 69, 3584, QuantMode.Mxfp4), (m.FullAttentionLayers, m.LinearAttentionLayers, m.MoeLatentSize, m.DefaultQuant.Moe));

        // Hand calculation, TP1 bf16: the MLA latent (512 + 64) × 24 layers × 2 bytes = 27,648 bytes a token; each sequence
        // holds 69 × (96 × 128 × 128 × 4 bytes of fp32 state + (2·96·128 + 96·128) × 3 × 2 bytes of convolution window).
        Assert.Equal(27_648, MemoryModel.KvBytesPerToken(m, ParallelConfig.TensorParallel(1), QuantMode.Bf16));
        Assert.Equal(69 * ((96 * 128 * 128 * 4.0) + (3 * 96 * 128 * 3 * 2.0)), MemoryModel.StateBytesPerSequence(m, ParallelConfig.TensorParallel(1)));

        var ops = OpTableCompiler.Compile(m, ParallelConfig.TensorExpertParallel(16), m.DefaultQuant, B200);
        Assert.Contains("output gate proj", ops.Names);
        Assert.Contains("linear attention recurrence", ops.Names);
    }
}
