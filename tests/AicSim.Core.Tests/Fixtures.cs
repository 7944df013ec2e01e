using AicSim.Core.Specs;

namespace AicSim.Core.Tests;

/// <summary>Models and systems written out by hand from their model cards and datasheets: the tests' oracles, independent of models-data.</summary>
internal static class Fixtures
{
    /// <summary>meta-llama/Llama-3.1-8B config.json: 32 layers, hidden 4096, 32 heads, 8 KV heads, FFN 14336, vocab 128256.</summary>
    public static ModelSpec Llama31_8B { get; } = new()
    {
        Id = "meta-llama/Llama-3.1-8B",
        Architecture = "LlamaForCausalLM",
        Family = ArchitectureFamily.DenseGqa,
        NumLayers = 32,
        HiddenSize = 4096,
        NumAttentionHeads = 32,
        NumKeyValueHeads = 8,
        HeadDim = 128,
        IntermediateSize = 14336,
        VocabSize = 128256,
        MaxContextLength = 131072,
    };

    /// <summary>meta-llama/Llama-3.1-405B: 126 layers, hidden 16384, 128 heads, 8 KV heads, FFN 53248.</summary>
    public static ModelSpec Llama31_405B { get; } = Llama31_8B with
    {
        Id = "meta-llama/Llama-3.1-405B",
        NumLayers = 126,
        HiddenSize = 16384,
        NumAttentionHeads = 128,
        IntermediateSize = 53248,
    };

    /// <summary>Qwen/Qwen3-0.6B: 28 layers, hidden 1024, 16 heads, 8 KV heads, head dim 128, FFN 3072, tied embeddings.</summary>
    public static ModelSpec Qwen3_06B { get; } = Llama31_8B with
    {
        Id = "Qwen/Qwen3-0.6B",
        Architecture = "Qwen3ForCausalLM",
        NumLayers = 28,
        HiddenSize = 1024,
        NumAttentionHeads = 16,
        IntermediateSize = 3072,
        VocabSize = 151936,
        TieWordEmbeddings = true,
    };

    /// <summary>deepseek-ai/DeepSeek-V3 config.json (DOMAIN.md §6 lists the same numbers).</summary>
    public static ModelSpec DeepSeekV3 { get; } = new()
    {
        Id = "deepseek-ai/DeepSeek-V3",
        Architecture = "DeepseekV3ForCausalLM",
        Family = ArchitectureFamily.MlaMoe,
        NumLayers = 61,
        HiddenSize = 7168,
        NumAttentionHeads = 128,
        NumKeyValueHeads = 128,
        HeadDim = 128,
        IntermediateSize = 18432,
        VocabSize = 129280,
        MaxContextLength = 163840,
        NumExperts = 256,
        ExpertsPerToken = 8,
        MoeIntermediateSize = 2048,
        SharedExpertIntermediateSize = 2048,
        FirstDenseLayers = 3,
        QLoraRank = 1536,
        KvLoraRank = 512,
        QkNopeHeadDim = 128,
        QkRopeHeadDim = 64,
        VHeadDim = 128,
        DefaultQuant = new QuantConfig(QuantMode.Fp8Block, QuantMode.Fp8Block, QuantMode.Bf16),
    };

    /// <summary>Qwen/Qwen3-30B-A3B: 48 layers, hidden 2048, 32 heads, 4 KV heads, 128 experts top-8 of width 768.</summary>
    public static ModelSpec Qwen3_30B_A3B { get; } = new()
    {
        Id = "Qwen/Qwen3-30B-A3B",
        Architecture = "Qwen3MoeForCausalLM",
        Family = ArchitectureFamily.GqaMoe,
        NumLayers = 48,
        HiddenSize = 2048,
        NumAttentionHeads = 32,
        NumKeyValueHeads = 4,
        HeadDim = 128,
        IntermediateSize = 0,
        VocabSize = 151936,
        MaxContextLength = 40960,
        NumExperts = 128,
        ExpertsPerToken = 8,
        MoeIntermediateSize = 768,
    };

    /// <summary>
    /// Qwen/Qwen3.5-397B-A17B config.json (text_config): 60 layers of which 45 Gated DeltaNet (16 key heads, 64 value
    /// heads, 128×128, conv 4) and 15 gated full attention (32 heads, 2 KV heads, head dim 256); 512 experts, top-10,
    /// width 1024, shared expert 1024; hidden 4096, vocab 248320.
    /// </summary>
    public static ModelSpec Qwen35_397B { get; } = new()
    {
        Id = "Qwen/Qwen3.5-397B-A17B",
        Architecture = "Qwen3_5MoeForConditionalGeneration",
        Family = ArchitectureFamily.GqaMoe,
        NumLayers = 60,
        HiddenSize = 4096,
        NumAttentionHeads = 32,
        NumKeyValueHeads = 2,
        HeadDim = 256,
        IntermediateSize = 0,
        VocabSize = 248320,
        MaxContextLength = 262144,
        NumExperts = 512,
        ExpertsPerToken = 10,
        MoeIntermediateSize = 1024,
        SharedExpertIntermediateSize = 1024,
        LinearAttentionLayers = 45,
        LinearKeyHeads = 16,
        LinearValueHeads = 64,
        LinearKeyHeadDim = 128,
        LinearValueHeadDim = 128,
        LinearConvKernel = 4,
        AttentionOutputGate = true,
    };

    /// <summary>
    /// nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16 config.json: 52 single-block layers, hybrid_override_pattern
    /// MEMEM*EMEMEM*EMEMEM*EMEMEM*EMEMEM*EMEMEMEM*EMEMEMEME (23 Mamba-2, 6 attention, 23 MoE); Mamba 64 heads × 64, state
    /// 128, 8 groups, conv 4; attention 32 heads, 2 KV heads, head dim 128; 128 relu² experts, top-6, width 1856, shared
    /// 3712; hidden 2688, vocab 131072.
    /// </summary>
    public static ModelSpec NemotronNano { get; } = new()
    {
        Id = "nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16",
        Architecture = "NemotronHForCausalLM",
        Family = ArchitectureFamily.GqaMoe,
        NumLayers = 52,
        HiddenSize = 2688,
        NumAttentionHeads = 32,
        NumKeyValueHeads = 2,
        HeadDim = 128,
        IntermediateSize = 0,
        VocabSize = 131072,
        MaxContextLength = 262144,
        NumExperts = 128,
        ExpertsPerToken = 6,
        MoeIntermediateSize = 1856,
        SharedExpertIntermediateSize = 3712,
        BlockPattern = "MEMEM*EMEMEM*EMEMEM*EMEMEM*EMEMEM*EMEMEMEM*EMEMEMEME",
        MambaHeads = 64,
        MambaHeadDim = 64,
        SsmStateSize = 128,
        MambaGroups = 8,
        MambaConvKernel = 4,
        GatedFfn = false,
    };

    /// <summary>
    /// nvidia/NVIDIA-Nemotron-3-Super-120B-A12B-FP8 config.json: 88 layers (40 Mamba-2, 8 attention, 40 MoE); Mamba 128
    /// heads × 64; attention 32 heads, 2 KV heads; 512 relu² experts, top-22, width 2688 in a latent of 1024, shared 5376;
    /// hidden 4096.
    /// </summary>
    public static ModelSpec NemotronSuper { get; } = NemotronNano with
    {
        Id = "nvidia/NVIDIA-Nemotron-3-Super-120B-A12B-FP8",
        NumLayers = 88,
        HiddenSize = 4096,
        NumExperts = 512,
        ExpertsPerToken = 22,
        MoeIntermediateSize = 2688,
        SharedExpertIntermediateSize = 5376,
        MoeLatentSize = 1024,
        BlockPattern = "MEMEMEM*EMEMEMEM*EMEMEMEM*EMEMEMEMEM*EMEMEMEMEM*EMEMEMEMEM*EMEMEMEMEM*EMEMEMEM*EMEMEMEME",
        MambaHeads = 128,
        MtpLayers = 1,
        DefaultQuant = new QuantConfig(QuantMode.Fp8, QuantMode.Fp8, QuantMode.Fp8),
    };

    /// <summary>NVIDIA H100 SXM datasheet: 80 GB (GiB) HBM3 at 3.35 TB/s, 989 / 1979 dense TFLOP/s bf16 / fp8, NVLink 450 GB/s per direction.</summary>
    public static SystemSpec H100 { get; } = new()
    {
        Name = "h100_sxm",
        GpuName = "NVIDIA H100 80GB HBM3",
        MemoryBytes = 80.0 * (1L << 30),
        MemoryBandwidthBytesPerSec = 3.35e12,
        PeakFlopsPerSec = new Dictionary<ComputeType, double> { [ComputeType.Bf16] = 989e12, [ComputeType.Fp8] = 1979e12 },
        NvlinkBandwidthBytesPerSec = 450e9,
        NetworkBandwidthBytesPerSec = 50e9,
        GpusPerNode = 8,
        NvlinkDomainGpus = 8,
    };

    /// <summary>NVIDIA H200 SXM datasheet: 141 GB HBM3e at 4.8 TB/s.</summary>
    public static SystemSpec H200 { get; } = H100 with { Name = "h200_sxm", MemoryBytes = 141.0 * (1L << 30), MemoryBandwidthBytesPerSec = 4.8e12 };

    /// <summary>NVIDIA HGX B200 datasheet: 180 GB at 7.7 TB/s, 2250 / 4500 / 9000 dense TFLOP/s.</summary>
    public static SystemSpec B200 { get; } = H100 with
    {
        Name = "b200_sxm",
        MemoryBytes = 180.0 * (1L << 30),
        MemoryBandwidthBytesPerSec = 7.7e12,
        PeakFlopsPerSec = new Dictionary<ComputeType, double> { [ComputeType.Bf16] = 2250e12, [ComputeType.Fp8] = 4500e12, [ComputeType.Fp4] = 9000e12 },
        NvlinkBandwidthBytesPerSec = 900e9,
    };

    public static BackendProfile TrtLlm => BackendProfile.For(Backend.TrtLlm);
}
