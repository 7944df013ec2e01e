using System.Globalization;
using AicSim.Core.Specs;
using AicSim.Data.Systems;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AicSim.Cli.Commands;

/// <summary><c>aicsim systems</c>: the GPU systems and their datasheet numbers.</summary>
public sealed class SystemsCommand(IAnsiConsole console) : Command
{
    public override int Execute(CommandContext context, CancellationToken cancellationToken)
    {
        var table = new Table().AddColumns("name", "GPU", "memory GiB", "HBM TB/s", "bf16 / fp8 / fp4 TFLOP/s", "NVLink GB/s", "network GB/s", "GPUs/node");
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
                s.GpusPerNode.ToString(CultureInfo.InvariantCulture));
        }

        console.Write(table);
        return 0;
    }
}
