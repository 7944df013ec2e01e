using System.Globalization;
using AicSim.Core.Accuracy;
using AicSim.Core.Specs;
using AicSim.Data.Calibration;
using AicSim.Data.Systems;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AicSim.Cli.Commands;

/// <summary><c>aicsim systems</c>: the GPU systems, their datasheet numbers, and what their predictions were checked against.</summary>
public sealed class SystemsCommand(IAnsiConsole console) : Command
{
    public override int Execute(CommandContext context, CancellationToken cancellationToken)
    {
        var table = new Table().AddColumns("name", "GPU", "memory GiB", "HBM TB/s", "bf16 / fp8 / fp4 TFLOP/s", "NVLink GB/s", "network GB/s", "GPUs/node", "validated (measured runs)");
        var accuracy = AccuracyFile.LoadDefault();
        foreach (var s in SystemCatalog.Load().Systems)
        {
            string Peak(ComputeType t) => s.PeakFlopsPerSec.TryGetValue(t, out var v) ? (v / 1e12).ToString("F0", CultureInfo.InvariantCulture) : "-";
            table.AddRow(
                s.Name,
                Markup.Escape(s.GpuName),
                (s.MemoryBytes / (1L << 30)).ToString("F0", CultureInfo.InvariantCulture),
                (s.MemoryBandwidthBytesPerSec / 1e12).ToString("F2", CultureInfo.InvariantCulture),
                $"{Peak(ComputeType.Bf16)} / {Peak(ComputeType.Fp8)} / {Peak(ComputeType.Fp4)}",
                (s.NvlinkBandwidthBytesPerSec / 1e9).ToString("F0", CultureInfo.InvariantCulture),
                (s.NetworkBandwidthBytesPerSec / 1e9).ToString("F0", CultureInfo.InvariantCulture),
                s.GpusPerNode.ToString(CultureInfo.InvariantCulture),
                Validated(accuracy, s.Name));
        }

        console.Write(table);
        console.MarkupLine("validated: backends whose predictions on the system were cross-validated against measured runs (agg, disagg; see README, Accuracy). Elsewhere no run of that system checks them; a backend without constants for the system takes its median ones from the systems fitted, and estimate and profile show how those did on systems held out whole.");
        return 0;
    }

    /// <summary>"sglang 380 agg + 12 disagg, trtllm …" from the accuracy cards of a system, or "none".</summary>
    private static string Validated(AccuracyCards? cards, string system)
    {
        var mine = cards?.Cards.Where(c => c.System == system && c.Clients == ClientBand.Any).GroupBy(c => c.Backend).OrderBy(g => g.Key, StringComparer.Ordinal).ToList() ?? [];
        return mine.Count == 0 ? "none" : string.Join(", ", mine.Select(g =>
            $"{g.Key} " + string.Join(" + ", g.OrderBy(c => c.Mode, StringComparer.Ordinal).Select(c => $"{c.Rows.ToString(CultureInfo.InvariantCulture)} {c.Mode}"))));
    }
}
