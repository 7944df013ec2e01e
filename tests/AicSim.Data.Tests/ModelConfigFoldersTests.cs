using AicSim.Core.Errors;
using AicSim.Data.Models;
using AicSim.Tests;

namespace AicSim.Data.Tests;

public sealed class ModelConfigFoldersTests
{
    // Oracle throughout: the public configs in ../shared/data/hf-configs, whose layer counts their config.json states
    // (Qwen3-30B-A3B 48, Qwen3-32B 64, Qwen3-8B 36), placed under names no bundled model has.
    private static string Folder() => Directory.CreateTempSubdirectory("aicsim-configs-").FullName;

    private static string Place(string folder, string relative, string sharedStem)
    {
        string path = Path.Combine(folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(SharedData.HfConfig(sharedStem), path);
        return path;
    }

    private static ModelCatalog Catalog(params string[] folders) => ModelCatalog.Load(configFolders: new ModelConfigFolders(folders, withHubCache: false));

    [Fact]
    public void A_flat_folder_of_hub_named_configs_gives_models_that_are_not_bundled_by_id()
    {
        string dir = Folder();
        string config = Place(dir, "Qwen--Qwen3-Coder-30B-A3B-Instruct_config.json", "Qwen--Qwen3-30B-A3B");
        var catalog = Catalog(dir);
        var spec = catalog.Resolve("Qwen/Qwen3-Coder-30B-A3B-Instruct");
        Assert.Equal("Qwen/Qwen3-Coder-30B-A3B-Instruct", spec.Id);
        Assert.Equal((48, 128, 8), (spec.NumLayers, spec.NumExperts, spec.ExpertsPerToken));
        Assert.Equal(config, catalog.ConfigFolderPathOf("Qwen/Qwen3-Coder-30B-A3B-Instruct"));
        Assert.Null(catalog.ConfigFolderPathOf("Qwen/Qwen3-32B"));
    }

    [Fact]
    public void A_hub_cache_gives_the_revision_refs_main_names()
    {
        string hub = Folder();
        Place(hub, "models--acme--Model-X/snapshots/aaa/config.json", "Qwen--Qwen3-32B");
        Place(hub, "models--acme--Model-X/snapshots/bbb/config.json", "Qwen--Qwen3-8B");
        File.SetLastWriteTimeUtc(Path.Combine(hub, "models--acme--Model-X/snapshots/bbb/config.json"), DateTime.UtcNow.AddDays(1));
        Directory.CreateDirectory(Path.Combine(hub, "models--acme--Model-X/refs"));
        File.WriteAllText(Path.Combine(hub, "models--acme--Model-X/refs/main"), "aaa\n");
        Assert.Equal(64, Catalog(hub).Resolve("acme/Model-X").NumLayers);

        // Without refs/main, the newest snapshot.
        File.Delete(Path.Combine(hub, "models--acme--Model-X/refs/main"));
        Assert.Equal(36, Catalog(hub).Resolve("acme/Model-X").NumLayers);
    }

    [Fact]
    public void Org_and_name_folders_match_ignoring_case_as_hub_ids_do()
    {
        string dir = Folder();
        Place(dir, "Acme/Model-Y/config.json", "Qwen--Qwen3-8B");
        Assert.Equal(36, Catalog(dir).Resolve("acme/model-y").NumLayers);
    }

    [Fact]
    public void A_folder_never_shadows_a_bundled_model()
    {
        // A config under a bundled id but of another shape: the bundled Qwen3-32B (64 layers) is what the id means.
        string dir = Folder();
        Place(dir, "Qwen--Qwen3-32B_config.json", "Qwen--Qwen3-8B");
        Assert.Equal(64, Catalog(dir).Resolve("Qwen/Qwen3-32B").NumLayers);
    }

    [Fact]
    public void A_missing_folder_and_a_model_in_none_are_errors_that_say_where_was_searched()
    {
        var missing = Assert.Throws<AicSimException>(() => new ModelConfigFolders(["/no/such/folder"]));
        Assert.StartsWith("--model-configs: no folder at '/no/such/folder'", missing.Message, StringComparison.Ordinal);

        string dir = Folder();
        var unknown = Assert.Throws<AicSimException>(() => Catalog(dir).Resolve("acme/Nothing-Here"));
        Assert.Contains($"searched: {Path.GetFullPath(dir)}", unknown.Message, StringComparison.Ordinal);
        var none = Assert.Throws<AicSimException>(() => ModelCatalog.Load(configFolders: ModelConfigFolders.None).Resolve("acme/Nothing-Here"));
        Assert.Contains("or --model-configs DIR with its config.json", none.Message, StringComparison.Ordinal);
    }
}
