using AicSim.Core.Errors;
using AicSim.Data.Calibration;

namespace AicSim.Data.Tests;

public sealed class CalibrationFileTests
{
    private const string Group = "{system: h200_sxm, backend: vllm, rows: 40, memory_efficiency: 0.8, gemm_efficiency: 0.7, request_overhead_per_kernel_us: 80, layer_overhead_us: 13, arrival_synchronisation: 0.5, disagg_ttft_overhead_ms: 50, ttft_decode_steps: 5, prefill_interference: 1.1}";

    private static string Write(string text)
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "calibration.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    private static AicSimException Refused(string text) => Assert.Throws<AicSimException>(() => CalibrationFile.Load(Write(text)));

    [Fact]
    public void A_well_formed_group_loads_with_its_values()
    {
        var set = CalibrationFile.Load(Write($"version: 6\nfitted_on: 'x.csv sha256:1'\ngroups:\n  - {Group}\n"));
        var g = Assert.Single(set.Groups);
        Assert.Equal(("h200_sxm", "vllm", 0.8, 0.7, 0.5, 1.1), (g.System, g.Backend, g.MemoryEfficiency, g.GemmEfficiency, g.ArrivalSynchronisation, g.PrefillInterference));
    }

    [Theory]
    // Not YAML holding a mapping at all (a wrong path, e.g. --calibration /etc/hosts): said in the file's terms, not .NET's.
    [InlineData("127.0.0.1 localhost\n", "line 1, column 1: a plain value where a mapping of keys was expected")]
    [InlineData("version: 6\ngroups:\n  - {system: h200_sxm, backend: vllm, memory_eff: 0.5}\n", "line 3, column 39: unknown key 'memory_eff'")]
    [InlineData("version: 6\ngroups:\n  - {system: h200_sxm, backend: vllm, rows: many}\n", "line 3, column 45: a value of the wrong kind")]
    [InlineData("version: 5\ngroups: []\n", "calibration version 5; this aicsim reads version 6")]
    public void A_file_that_is_not_a_calibration_is_refused_naming_where_and_the_fix(string text, string expected)
    {
        var e = Refused(text);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AicSim.Data", e.Message, StringComparison.Ordinal);
        Assert.Contains("--calibration none", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gemm_efficiency: 0.7", "gemm_efficiency: 1.5", "gemm_efficiency is 1.5; a share of the peak must be above 0 and at most 1")]
    [InlineData("memory_efficiency: 0.8", "memory_efficiency: 0", "memory_efficiency is 0")]
    [InlineData("arrival_synchronisation: 0.5", "arrival_synchronisation: -0.2", "arrival_synchronisation is -0.2; it is a share, from 0 to 1")]
    [InlineData("ttft_decode_steps: 5", "ttft_decode_steps: -1", "ttft_decode_steps is -1; it must be 0 or more")]
    [InlineData("prefill_interference: 1.1", "prefill_interference: 0", "prefill_interference is 0; it must be above 0")]
    [InlineData("system: h200_sxm, ", "", "system and backend are required")]
    public void An_unphysical_constant_is_refused_naming_its_group_and_field(string from, string to, string expected)
    {
        var e = Refused($"version: 6\ngroups:\n  - {Group}\n  - {Group.Replace(from, to, StringComparison.Ordinal)}\n");
        string problem = Assert.Single(e.Problems);
        Assert.Contains("groups[1]", problem, StringComparison.Ordinal);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_bundled_calibration_passes_the_checks()
    {
        var set = CalibrationFile.LoadDefault();
        Assert.NotEmpty(set.Groups);
    }
}
