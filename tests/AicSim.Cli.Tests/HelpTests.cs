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
