using Spectre.Console.Testing;

namespace AicSim.Cli.Tests;

/// <summary>Runs aicsim in-process against a wide capturing console.</summary>
internal static class Cli
{
    public static (int Exit, string Output) Run(params string[] args)
    {
        var console = new TestConsole();
        console.Profile.Width = 200;
        int exit = AicSimApp.Run(args, console);
        return (exit, console.Output);
    }
}
