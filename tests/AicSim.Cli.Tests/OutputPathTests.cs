using AicSim.Tests;

namespace AicSim.Cli.Tests;

/// <summary>An output that cannot be written is a clear error naming its flag, found before any work, with nothing written.</summary>
public sealed class OutputPathTests
{
    public static TheoryData<string[]> Commands => new()
    {
        { new[] { "estimate", "--input", SharedData.CalibrationCsv, "--output", "{blocked}/out.csv" } },
        { new[] { "validate", "--silicon", SharedData.CalibrationCsv, "--output", "{blocked}/rows.csv" } },
        { new[] { "validate", "--silicon", SharedData.CalibrationCsv, "--plots", "{blocked}/plots" } },
        { new[] { "validate", "--silicon", SharedData.CalibrationCsv, "--data-checks", "{blocked}/checks.csv" } },
        { new[] { "calibrate", "--silicon", SharedData.CalibrationCsv, "--out", "{blocked}/cal.yaml" } },
        { new[] { "profile", "--output-dir", "{blocked}/out" } },
        { new[] { "capacity", "--output", "{blocked}/capacity.csv" } },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void An_output_under_a_file_is_refused_up_front(string[] args)
    {
        // A path whose "folder" is a regular file can be written by nobody, root included.
        string dir = Directory.CreateTempSubdirectory().FullName;
        string blocked = Path.Combine(dir, "a-file");
        File.WriteAllText(blocked, "not a folder");
        var resolved = args.Select(a => a.Replace("{blocked}", blocked, StringComparison.Ordinal)).ToArray();
        string flag = args[Array.FindIndex(args, a => a.Contains("{blocked}", StringComparison.Ordinal)) - 1];

        var (exit, text) = Cli.Run(resolved);

        Assert.Equal(1, exit);
        Assert.Contains($"error: {flag} '", text, StringComparison.Ordinal);
        Assert.Contains("is a file, not a folder", text, StringComparison.Ordinal);
        Assert.Equal([blocked], Directory.EnumerateFileSystemEntries(dir));
    }

    [Fact]
    public void A_folder_given_for_a_file_is_refused()
    {
        string dir = Directory.CreateTempSubdirectory().FullName;
        var (exit, text) = Cli.Run("validate", "--silicon", SharedData.CalibrationCsv, "--output", dir);
        Assert.Equal(1, exit);
        Assert.Contains($"--output '{dir}' is a folder", text, StringComparison.Ordinal);
    }
}
