namespace AicSim.Tests;

/// <summary>
/// Golden files under the test project's Expectations/ folder. They change only on purpose: set AICSIM_UPDATE_GOLDEN=1 to
/// rewrite them, then read the diff before committing.
/// </summary>
internal static class Golden
{
    public static void Check(string name, string actual, [System.Runtime.CompilerServices.CallerFilePath] string caller = "")
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(caller)!, "Expectations", name);
        if (Environment.GetEnvironmentVariable("AICSIM_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"golden file {path} is missing: run the tests once with AICSIM_UPDATE_GOLDEN=1 and review it.");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), actual.ReplaceLineEndings("\n"));
    }
}
