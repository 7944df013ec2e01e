using AicSim.Cli;
using Spectre.Console;

return AicSimApp.Run(args, AnsiConsole.Console);
