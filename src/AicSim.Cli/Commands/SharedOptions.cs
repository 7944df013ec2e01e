namespace AicSim.Cli.Commands;

/// <summary>Help texts of options several commands take, written once so that they say the same everywhere.</summary>
internal static class SharedOptions
{
    public const string ModelConfigs =
        "Folders of Hugging Face configs for models that are not bundled, found by id: ORG--NAME_config.json, ORG/NAME/config.json or a hub cache (repeatable). " +
        "The Hugging Face hub cache (HF_HUB_CACHE, HF_HOME/hub or ~/.cache/huggingface/hub) is searched after them.";

    public const string ProfiledModel =
        "Bundled model id, an id whose config --model-configs or the Hugging Face hub cache holds, or a path to a Hugging Face config.json/folder. Default: Qwen/Qwen3-32B.";

    public const string ProfiledBackend = "trtllm, vllm or sglang. Default: trtllm.";

    public const string ProfiledSystem = "h100_sxm, h200_sxm, b200_sxm, b300_sxm, gb200, gb300, a100_sxm. Default: h200_sxm.";

    public const string ItlTarget = "Inter-token latency target in ms. Default: 30.";

    public const string GemmQuant =
        "bf16, fp8, fp8_block, nvfp4, mxfp4, int4_wo, int8_wo, w4afp8 or w4a16_nvfp4 for attention and dense GEMMs (default: the checkpoint's).";

    public const string MoeQuant = "Quantisation of the routed experts, as --gemm-quant (default: the checkpoint's).";

    public const string KvQuant = "KV cache: bf16 or fp8 (default: the checkpoint's).";

    public const string ClientConnections =
        "Requests the benchmark client keeps open at once, its connection limit (an aiohttp client's default is 100): clients beyond it wait in the client, and the wait counts in TTFT. Default: no limit.";
}
