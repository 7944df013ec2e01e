using AicSim.Core.Errors;

namespace AicSim.Data.Models;

/// <summary>
/// Where a model that is not bundled is found by its id: folders of Hugging Face configs the user names
/// (<c>--model-configs</c>), then the Hugging Face hub cache, as vLLM and the Dynamo profiler would find a model already
/// downloaded. In a folder, the id <c>ORG/NAME</c> is any of <c>ORG--NAME_config.json</c> (the layout of
/// ../shared/data/hf-configs), <c>models--ORG--NAME/snapshots/REV/config.json</c> (the hub cache: the revision refs/main
/// names, else the newest), <c>ORG/NAME/config.json</c> or <c>NAME/config.json</c>; names match ignoring case, as the hub's do.
/// </summary>
public sealed class ModelConfigFolders
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string?> _found = new(StringComparer.OrdinalIgnoreCase);

    public ModelConfigFolders(IEnumerable<string> folders, bool withHubCache = true)
    {
        ArgumentNullException.ThrowIfNull(folders);
        var list = new List<string>();
        foreach (string folder in folders)
        {
            if (!Directory.Exists(folder))
            {
                throw new AicSimException($"--model-configs: no folder at '{folder}'. Give a folder of Hugging Face config.json files (ORG--NAME_config.json, ORG/NAME/config.json or a hub cache).");
            }

            list.Add(Path.GetFullPath(folder));
        }

        if (withHubCache && HubCache() is string hub)
        {
            list.Add(hub);
        }

        Folders = list;
    }

    /// <summary>The user's folders (a repeatable option), then the hub cache; <see cref="Default"/> without any.</summary>
    public static ModelConfigFolders From(IReadOnlyList<string>? folders) =>
        folders is null || folders.Count == 0 ? Default : new ModelConfigFolders(folders);

    /// <summary>No folders of the user's; the hub cache where there is one.</summary>
    public static ModelConfigFolders Default { get; } = new([]);

    /// <summary>Nowhere: only bundled models and paths resolve (tests, and runs that must not depend on the machine).</summary>
    public static ModelConfigFolders None { get; } = new([], withHubCache: false);

    /// <summary>The folders searched, in order.</summary>
    public IReadOnlyList<string> Folders { get; }

    /// <summary>
    /// The Hugging Face hub cache as huggingface_hub finds it: HF_HUB_CACHE, else HF_HOME/hub, else
    /// ~/.cache/huggingface/hub; null where that folder does not exist.
    /// </summary>
    public static string? HubCache()
    {
        string? hub = Environment.GetEnvironmentVariable("HF_HUB_CACHE");
        if (string.IsNullOrWhiteSpace(hub))
        {
            string? home = Environment.GetEnvironmentVariable("HF_HOME");
            hub = string.IsNullOrWhiteSpace(home)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "huggingface", "hub")
                : Path.Combine(home, "hub");
        }

        return Directory.Exists(hub) ? hub : null;
    }

    /// <summary>The config.json of <paramref name="id"/> in the first folder that has one, or null.</summary>
    public string? Find(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (_found.TryGetValue(id, out string? known))
        {
            return known;
        }

        string? path = null;
        int slash = id.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && slash < id.Length - 1 && id.IndexOf('/', slash + 1) < 0)
        {
            string org = id[..slash];
            string name = id[(slash + 1)..];
            path = Folders.Select(folder => InFolder(folder, org, name)).FirstOrDefault(p => p is not null);
        }

        _found[id] = path;
        return path;
    }

    private static string? InFolder(string folder, string org, string name)
    {
        if (Entry(folder, $"{org}--{name}_config.json", file: true) is string flat)
        {
            return flat;
        }

        if (Entry(folder, $"models--{org}--{name}", file: false) is string cached && Snapshot(cached) is string snapshot)
        {
            return snapshot;
        }

        foreach (string? dir in new[] { Entry(folder, org, file: false) is string o ? Entry(o, name, file: false) : null, Entry(folder, name, file: false) })
        {
            if (dir is not null && Entry(dir, "config.json", file: true) is string config)
            {
                return config;
            }
        }

        return null;
    }

    // The hub cache's revision: the one refs/main names, else the most recently written snapshot with a config.
    private static string? Snapshot(string modelDir)
    {
        string snapshots = Path.Combine(modelDir, "snapshots");
        if (!Directory.Exists(snapshots))
        {
            return null;
        }

        string refMain = Path.Combine(modelDir, "refs", "main");
        if (File.Exists(refMain))
        {
            string main = Path.Combine(snapshots, File.ReadAllText(refMain).Trim(), "config.json");
            if (File.Exists(main))
            {
                return main;
            }
        }

        return Directory.EnumerateDirectories(snapshots)
            .Select(d => Path.Combine(d, "config.json"))
            .Where(File.Exists)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault();
    }

    // A folder's entry by name, exactly or else ignoring case.
    private static string? Entry(string folder, string name, bool file)
    {
        string exact = Path.Combine(folder, name);
        if (file ? File.Exists(exact) : Directory.Exists(exact))
        {
            return exact;
        }

        var entries = file ? Directory.EnumerateFiles(folder) : Directory.EnumerateDirectories(folder);
        return entries.FirstOrDefault(e => string.Equals(Path.GetFileName(e), name, StringComparison.OrdinalIgnoreCase));
    }
}
