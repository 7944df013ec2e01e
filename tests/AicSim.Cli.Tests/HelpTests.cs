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

    [Fact]
    public void Every_option_of_every_command_says_what_it_does()
    {
        // Oracle: the settings classes themselves. An option without a [Description] prints a bare name in --help,
        // which is how the disaggregated estimate's and the profile's model-cache options once shipped.
        var settings = typeof(AicSimApp).Assembly.GetTypes()
            .Where(t => typeof(Spectre.Console.Cli.CommandSettings).IsAssignableFrom(t) && !t.IsAbstract)
            .ToList();
        Assert.NotEmpty(settings);
        var bare = (from t in settings
                    from p in t.GetProperties()
                    let option = p.GetCustomAttributes(typeof(Spectre.Console.Cli.CommandOptionAttribute), true).Cast<Spectre.Console.Cli.CommandOptionAttribute>().FirstOrDefault()
                    where option is not null
                    let description = p.GetCustomAttributes(typeof(System.ComponentModel.DescriptionAttribute), true).Cast<System.ComponentModel.DescriptionAttribute>().FirstOrDefault()
                    where string.IsNullOrWhiteSpace(description?.Description)
                    select $"{t.Name}.{p.Name} ({string.Join('/', option.LongNames)})").ToList();
        Assert.True(bare.Count == 0, "options without a description: " + string.Join(", ", bare));
    }

    [Theory]
    [InlineData("estimate", "--decode-workers", "decode workers")]
    [InlineData("profile", "--model-cache-pvc-name", "PersistentVolumeClaim")]
    [InlineData("validate", "--perf-db", "kernel database")]
    public void An_option_s_description_reaches_the_help_text(string command, string option, string words)
    {
        var (exit, text) = Cli.Run(command, "--help");
        Assert.Equal(0, exit);
        string line = text.Split('\n').First(l => l.Contains(option + " ", StringComparison.Ordinal));
        Assert.Contains(words, line, StringComparison.Ordinal);
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
