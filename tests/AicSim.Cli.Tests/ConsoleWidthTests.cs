namespace AicSim.Cli.Tests;

public sealed class ConsoleWidthTests
{
    [Theory]
    [InlineData(true, null, AicSimApp.DefaultRedirectedWidth)] // a file or a pipe: room for the widest table
    [InlineData(true, "100", 100)] // COLUMNS wins, as in the shell
    [InlineData(false, "132", 132)]
    [InlineData(true, "wide", AicSimApp.DefaultRedirectedWidth)] // not a number: ignored
    [InlineData(true, "0", AicSimApp.DefaultRedirectedWidth)]
    public void Output_without_a_terminal_is_not_folded_at_80_columns(bool redirected, string? columns, int expected) =>
        Assert.Equal(expected, AicSimApp.RedirectedWidth(redirected, columns));

    [Fact]
    public void A_terminal_keeps_its_own_width() => Assert.Null(AicSimApp.RedirectedWidth(false, null));
}
