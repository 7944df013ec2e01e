using AicSim.Core.Errors;
using AicSim.Core.Specs;
using AicSim.Data.Systems;
using AicSim.Tests;

namespace AicSim.Data.Tests;

public sealed class SystemCatalogTests
{
    private static readonly SystemCatalog Catalog = SystemCatalog.Load();

    [Fact]
    public void The_seven_systems_are_bundled()
    {
        Assert.Equal(["a100_sxm", "b200_sxm", "b300_sxm", "gb200", "gb300", "h100_sxm", "h200_sxm"], Catalog.Systems.Select(s => s.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("h100_sxm", 3.35e12, 989e12, 80)]
    [InlineData("h200_sxm", 4.8e12, 989e12, 141)]
    [InlineData("b200_sxm", 7.7e12, 2250e12, 180)]
    [InlineData("a100_sxm", 2.039e12, 312e12, 80)]
    [InlineData("b300_sxm", 8e12, 2250e12, 268.2)]
    [InlineData("gb300", 8e12, 2500e12, 268.2)]
    public void Datasheet_numbers_load(string name, double bandwidth, double bf16, double gib)
    {
        // Oracle: the NVIDIA datasheets cited in each YAML (DOMAIN.md §7 has the same table).
        var s = Catalog.Get(name);
        Approx.AssertClose(bandwidth, s.MemoryBandwidthBytesPerSec, 1e-12);
        Approx.AssertClose(bf16, s.PeakFlopsPerSec[ComputeType.Bf16], 1e-12);
        Approx.AssertClose(gib * (1L << 30), s.MemoryBytes, 1e-12);
    }

    [Fact]
    public void Gb200_is_also_gb200_sxm_with_a_72_gpu_nvlink_domain()
    {
        var s = Catalog.Get("gb200_sxm");
        Assert.Equal("gb200", s.Name);
        Assert.Equal(72, s.NvlinkDomainGpus);
        Assert.Equal(4, s.GpusPerNode);
    }

    [Theory]
    [InlineData("H100-SXM", "h100_sxm")]
    [InlineData("gb200-nvl72", "gb200")]
    [InlineData(" B200_SXM ", "b200_sxm")]
    [InlineData("H200", "h200_sxm")]
    [InlineData("h100 sxm", "h100_sxm")]
    [InlineData("DGX B200", "b200_sxm")]
    [InlineData("HGX-H100", "h100_sxm")]
    // Oracle for the next two: nvidia-smi's product names, as GPU feature discovery labels nodes (nvidia.com/gpu.product).
    [InlineData("NVIDIA-H100-80GB-HBM3", "h100_sxm")]
    [InlineData("NVIDIA A100-SXM4-80GB", "a100_sxm")]
    public void Names_match_ignoring_case_and_hyphens(string given, string name)
    {
        Assert.Equal(name, Catalog.Get(given).Name);
        Assert.True(Catalog.TryGet(given, out var spec));
        Assert.Equal(name, spec!.Name);
    }

    [Theory]
    [InlineData("H100 PCIe")]
    [InlineData("h200-nvl")]
    public void A_pcie_or_nvl_card_is_refused_rather_than_priced_as_its_sxm_system(string given)
    {
        Assert.False(Catalog.TryGet(given, out _));
        var e = Assert.Throws<AicSimException>(() => Catalog.Get(given));
        Assert.Contains("is a PCIe or NVL card, and only SXM baseboards are bundled", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Blackwell_ultra_gains_fp4_but_not_fp8_over_blackwell()
    {
        // Oracle: NVIDIA HGX B300 and GB300 NVL72 datasheets — dense FP4 13.5 and 15 PFLOPS per GPU against B200's 9 and
        // GB200's 10; FP8 unchanged (4.5 and 5); GB300 on one 72-GPU NVLink domain like GB200.
        Assert.Equal(13500e12, Catalog.Get("b300_sxm").PeakFlopsPerSec[ComputeType.Fp4]);
        Assert.Equal(15000e12, Catalog.Get("gb300").PeakFlopsPerSec[ComputeType.Fp4]);
        Assert.Equal(Catalog.Get("b200_sxm").PeakFlopsPerSec[ComputeType.Fp8], Catalog.Get("b300_sxm").PeakFlopsPerSec[ComputeType.Fp8]);
        Assert.Equal(Catalog.Get("gb200").PeakFlopsPerSec[ComputeType.Fp8], Catalog.Get("gb300").PeakFlopsPerSec[ComputeType.Fp8]);
        Assert.Equal(72, Catalog.Get("gb300_nvl72").NvlinkDomainGpus);
    }

    [Fact]
    public void A100_has_no_fp8()
    {
        Assert.False(Catalog.Get("a100_sxm").PeakFlopsPerSec.ContainsKey(ComputeType.Fp8));
        Assert.False(Catalog.Get("h100_sxm").PeakFlopsPerSec.ContainsKey(ComputeType.Fp4));
    }

    [Fact]
    public void An_unknown_system_gets_a_did_you_mean()
    {
        var e = Assert.Throws<AicSimException>(() => Catalog.Get("h20_sxm"));
        Assert.Contains("Did you mean 'h200_sxm'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_system_file_names_the_file_and_the_fields()
    {
        string dir = Directory.CreateTempSubdirectory().FullName;
        File.WriteAllText(Path.Combine(dir, "x.yaml"), "name: x\nmemory_gib: 80\n");
        var e = Assert.Throws<AicSimException>(() => SystemCatalog.Load(dir));
        Assert.Contains("x.yaml", e.Message, StringComparison.Ordinal);
        Assert.Contains("memory_bandwidth_tb_per_s", e.Message, StringComparison.Ordinal);
    }
}
