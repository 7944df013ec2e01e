namespace AicSim.Cli.Commands;

/// <summary>Help texts of options several commands take, written once so that they say the same everywhere.</summary>
internal static class SharedOptions
{
    public const string ModelConfigs =
        "Folders of Hugging Face configs for models that are not bundled, found by id: ORG--NAME_config.json, ORG/NAME/config.json or a hub cache (repeatable). " +
        "The Hugging Face hub cache (HF_HUB_CACHE, HF_HOME/hub or ~/.cache/huggingface/hub) is searched after them.";
}
