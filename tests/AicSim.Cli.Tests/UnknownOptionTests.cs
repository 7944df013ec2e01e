using AicSim.Cli.Commands;
using AicSim.Cli.Infrastructure;

namespace AicSim.Cli.Tests;

/// <summary>
/// An option a command does not declare is refused before the command runs: Spectre.Console.Cli would otherwise set
/// it aside and run on the defaults, so a typo silently changed the question.
/// </summary>
public sealed class UnknownOptionTests
{
    [Theory]
    [InlineData("estimate", "--isll", "10", "unknown option --isll. Did you mean '--isl'")]
    [InlineData("estimate", "--concurency", "64", "unknown option --concurency.")]
    [InlineData("estimate", "-x", "1", "unknown option -x.")]
    [InlineData("capacity", "--gpus", "8", "unknown option --gpus.")]
    [InlineData("models", "--json", "true", "unknown option --json. Run 'aicsim models --help' for the options.")]
    [InlineData("systems", "--modle", "x", "unknown option --modle.")]
    [InlineData("profile", "--bogus-flag", "1", "options starting --planner- pass through")]
    public void An_undeclared_option_exits_1_naming_it_and_nothing_runs(string command, string flag, string value, string expected)
    {
        string dir = Directory.CreateTempSubdirectory().FullName;
        string outDir = Path.Combine(dir, "out");
        var args = command == "profile" ? new[] { command, flag, value, "--output-dir", outDir } : new[] { command, flag, value };
        var (exit, output) = Cli.Run(args);
        Assert.Equal(1, exit);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.DoesNotContain("TTFT (ms)", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void A_mistyped_required_option_is_named_as_a_typo_not_as_missing()
    {
        // The settings' own checks (here: --silicon or --planner-data is required) run after the unknown options.
        var (exit, output) = Cli.Run("validate", "--sillicon", "rows.csv");
        Assert.Equal(1, exit);
        Assert.Contains("unknown option --sillicon. Did you mean '--silicon'?", output, StringComparison.Ordinal);
        Assert.DoesNotContain("is required", output, StringComparison.Ordinal);
        Assert.Contains("is required", Cli.Run("validate").Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_unknown_option_is_named_at_once()
    {
        var (exit, output) = Cli.Run("estimate", "--isll", "10", "--osll", "5");
        Assert.Equal(1, exit);
        Assert.Contains("unknown option --isll", output, StringComparison.Ordinal);
        Assert.Contains("unknown option --osll", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Concurrency_is_the_batch_size_of_an_aggregated_estimate()
    {
        // AIPerf's word for the same number: both spellings give the same prediction.
        var (exitA, a) = Cli.Run("estimate", "--batch-size", "32", "--json");
        var (exitB, b) = Cli.Run("estimate", "--concurrency", "32", "--json");
        var (_, one) = Cli.Run("estimate", "--json");
        Assert.Equal((0, 0), (exitA, exitB));
        Assert.Equal(a, b);
        Assert.NotEqual(one, a);
    }

    [Fact]
    public void The_known_options_are_those_help_lists()
    {
        var known = UnknownOptionCheck.KnownOptions(typeof(EstimateSettings));
        var (_, help) = Cli.Run("estimate", "--help");
        Assert.Contains("--concurrency", known);
        Assert.All(known.Where(k => k.StartsWith("--", StringComparison.Ordinal)), k => Assert.Contains(k, help, StringComparison.Ordinal));
    }
}
