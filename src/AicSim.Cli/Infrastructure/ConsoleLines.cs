using Spectre.Console;

namespace AicSim.Cli.Infrastructure;

/// <summary>Progress of a long command (calibration's groups, cross-validation's folds) as plain lines on the console.</summary>
internal sealed class ConsoleLines(IAnsiConsole console) : IProgress<string>
{
    public void Report(string value) => console.MarkupLine(Markup.Escape(value));
}
