namespace AicSim.Data;

/// <summary>Where the bundled systems-data and models-data folders are.</summary>
public static class DataPaths
{
    /// <summary>Environment variable that points at a folder holding systems-data/ and models-data/.</summary>
    public const string EnvironmentVariable = "AICSIM_DATA_DIR";

    public static string SystemsDirectory => Find("systems-data");

    public static string ModelsDirectory => Find("models-data");

    // Beside the program first (how it ships), then up from the working directory (a source checkout).
    private static string Find(string folder)
    {
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env) && Directory.Exists(Path.Combine(env, folder)))
        {
            return Path.Combine(env, folder);
        }

        var beside = Path.Combine(AppContext.BaseDirectory, folder);
        if (Directory.Exists(beside))
        {
            return beside;
        }

        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, folder);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            $"Cannot find the bundled '{folder}' folder beside the program ({AppContext.BaseDirectory}) or above the working directory. " +
            $"Set {EnvironmentVariable} to the folder that holds it.");
    }
}
