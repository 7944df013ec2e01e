using System.Globalization;
using AicSim.Core.Specs;
using AicSim.Data.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AicSim.Cli.Commands;

/// <summary><c>aicsim models</c>: the bundled models and their shapes.</summary>
public sealed class ModelsCommand(IAnsiConsole console) : Command
{
    public override int Execute(CommandContext context, CancellationToken cancellationToken)
    {
        // Ids are what users copy into --model: never fold one across lines.
        var table = new Table().AddColumn(new TableColumn("id").NoWrap()).AddColumns("architecture", "layers", "hidden", "heads (kv)", "experts (top-k)", "MTP", "quant");
        foreach (var m in ModelCatalog.Load().Models)
        {
            table.AddRow(
                Markup.Escape(m.Id),
                m.Architecture,
                m.NumLayers.ToString(CultureInfo.InvariantCulture),
                m.HiddenSize.ToString(CultureInfo.InvariantCulture),
                $"{m.NumAttentionHeads} ({m.NumKeyValueHeads})",
                m.IsMoe ? $"{m.NumExperts} ({m.ExpertsPerToken})" : "-",
                m.MtpLayers > 0 ? m.MtpLayers.ToString(CultureInfo.InvariantCulture) : "-",
                Markup.Escape(m.DefaultQuant.ToString()));
        }

        console.Write(table);
        return 0;
    }
}
