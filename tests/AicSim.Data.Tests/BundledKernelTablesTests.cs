using System.Globalization;
using AicSim.Core.Specs;
using AicSim.Data.KernelData;
using AicSim.Data.Systems;

namespace AicSim.Data.Tests;

/// <summary>
/// The kernel tables collector/collect.py measured through PyTorch on an H100 and an H200 (systems-data/&lt;system&gt;/pytorch/):
/// how they are chosen, and that what they say is physically possible on the GPU the system file describes.
/// </summary>
public sealed class BundledKernelTablesTests
{
    private static readonly SystemCatalog Systems = SystemCatalog.Load();

    public static TheoryData<string> MeasuredSystems => new() { "h100_sxm", "h200_sxm" };

    private static IEnumerable<Dictionary<string, string>> Rows(string system, string file)
    {
        string path = Path.Combine(DataPaths.SystemsDirectory, system, PerfSource.LibraryFolder, file);
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second));
    }

    private static double D(Dictionary<string, string> row, string column) => double.Parse(row[column], CultureInfo.InvariantCulture);

    [Theory]
    [MemberData(nameof(MeasuredSystems))]
    public void Auto_keeps_the_roofline_and_tables_takes_the_library_measurements(string system)
    {
        // auto takes a framework's own tables only; the PyTorch ones are asked for by name (README: they cross-validated
        // no better than the calibrated roofline).
        var spec = Systems.Get(system);
        var (auto, autoSays) = PerfSource.Create("auto", null, null, spec, Backend.TrtLlm);
        var (tables, tablesSays) = PerfSource.Create("tables", null, null, spec, Backend.TrtLlm);
        Assert.Equal("roofline", auto.Name);
        Assert.Contains("no measured tables", autoSays, StringComparison.Ordinal);
        Assert.Equal("tables", tables.Name);
        Assert.Contains("torch-", tablesSays, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(MeasuredSystems))]
    public void No_gemm_beats_the_spec_sheet_and_the_big_ones_come_near_it(string system)
    {
        // Oracle: the dense bf16 and fp8 peaks in systems-data (NVIDIA's H100/H200 datasheets). A measurement above the
        // peak, or large GEMMs far below it, would mean a broken timer or the wrong kernel.
        var hw = Core.Estimation.HardwareParams.From(Systems.Get(system));
        foreach (var (dtype, peak) in new[] { ("bfloat16", hw.PeakBf16FlopsPerSec), ("fp8", hw.PeakFp8FlopsPerSec) })
        {
            var rates = Rows(system, "gemm.csv").Where(r => r["dtype"] == dtype)
                .Select(r => 2 * D(r, "m") * D(r, "n") * D(r, "k") / (D(r, "latency_ms") / 1000)).ToList();
            Assert.NotEmpty(rates);
            Assert.All(rates, rate => Assert.True(rate <= peak, $"{dtype}: {rate / 1e12:F0} TFLOP/s above the {peak / 1e12:F0} peak"));
            Assert.InRange(rates.Max() / peak, 0.5, 1.0);
        }
    }

    [Theory]
    [MemberData(nameof(MeasuredSystems))]
    public void Decode_attention_reads_the_kv_cache_no_faster_than_hbm(string system)
    {
        // Oracle: HBM bandwidth in systems-data (datasheet). One query per sequence reads its whole K and V: 2 · 2 bytes
        // per element. Faster than HBM would mean the cache was read from L2, as a collector timing one tensor over and
        // over does.
        double bandwidth = Systems.Get(system).MemoryBandwidthBytesPerSec;
        var rows = Rows(system, "generation_attention.csv").ToList();
        Assert.NotEmpty(rows);
        foreach (var r in rows)
        {
            double bytes = 2 * 2 * D(r, "batch") * D(r, "kv_len") * D(r, "kv_heads") * D(r, "head_dim");
            double rate = bytes / (D(r, "latency_ms") / 1000);
            Assert.True(rate <= bandwidth, $"batch {r["batch"]}, kv {r["kv_len"]}: {rate / 1e12:F2} TB/s above HBM's {bandwidth / 1e12:F2}");
        }
    }

    [Theory]
    [MemberData(nameof(MeasuredSystems))]
    public void The_provenance_names_the_gpu_it_was_measured_on(string system)
    {
        var tables = KernelTableCsv.Read(Path.Combine(DataPaths.SystemsDirectory, system, PerfSource.LibraryFolder));
        Assert.Contains(system == "h100_sxm" ? "H100" : "H200", tables.Provenance["gpu"], StringComparison.Ordinal);
        Assert.Equal("collector/collect.py", tables.Provenance["tool"]);
    }
}
