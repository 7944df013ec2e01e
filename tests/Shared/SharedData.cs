namespace AicSim.Tests;

/// <summary>Paths into ../shared/data (third-party reference data, read in place, never copied into the repository).</summary>
internal static class SharedData
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "AicSim.sln")))
            {
                return System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared", "data"));
            }
        }

        throw new DirectoryNotFoundException("Cannot find AicSim.sln above the test binaries, so ../shared/data is unknown.");
    });

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root.Value, .. parts]);

    public static string CalibrationCsv => Path("silicon_calibration.csv");

    public static string HfConfig(string stem) => Path("hf-configs", stem + "_config.json");
}
