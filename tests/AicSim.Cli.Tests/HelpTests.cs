namespace AicSim.Cli.Tests;

public sealed class HelpTests
{
    [Theory]
    [InlineData("estimate", "--isl")]
    [InlineData("profile", "--itl")]
    [InlineData("validate", "--group-by")]
    [InlineData("calibrate", "--out")]
    [InlineData("capacity", "--contexts")]
    [InlineData("models", "--help")]
    [InlineData("systems", "--help")]
    public void Every_command_prints_its_help(string command, string option)
    {
        // Descriptions are rendered as console markup: a default written in square brackets once crashed --help.
        var (exit, text) = Cli.Run(command, "--help");
        Assert.Equal(0, exit);
        Assert.Contains(option, text, StringComparison.Ordinal);
    }
}

public sealed class VersionTests
{
    [Theory]
    [InlineData("--version")]
    [InlineData("-v")]
    public void The_version_is_the_one_Directory_Build_props_sets(string flag)
    {
        // Oracle: the <Version> in the checkout's Directory.Build.props, read here as text; the build may add +commit.
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "AicSim.sln")))
        {
            root = root.Parent ?? throw new DirectoryNotFoundException("Cannot find AicSim.sln above the test binaries.");
        }

        string props = File.ReadAllText(Path.Combine(root.FullName, "Directory.Build.props"));
        var declared = System.Text.RegularExpressions.Regex.Match(props, "<Version>([^<]+)</Version>").Groups[1].Value;
        Assert.NotEmpty(declared);
        var (exit, text) = Cli.Run(flag);
        Assert.Equal(0, exit);
        Assert.Matches("^" + System.Text.RegularExpressions.Regex.Escape(declared) + @"(\+[0-9a-f]+)?$", text.Trim());
    }
}
