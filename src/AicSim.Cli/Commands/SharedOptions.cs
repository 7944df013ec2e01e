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
}
