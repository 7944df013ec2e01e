using AicSim.Cli;
using Spectre.Console;

var console = AnsiConsole.Console;
if (AicSimApp.RedirectedWidth(Console.IsOutputRedirected, Environment.GetEnvironmentVariable("COLUMNS")) is int width)
{
    console.Profile.Width = width;
}

return AicSimApp.Run(args, console);
