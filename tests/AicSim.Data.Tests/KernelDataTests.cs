using AicSim.Core.Errors;
using AicSim.Core.Tables;
using AicSim.Data.KernelData;
using AicSim.Tests;

namespace AicSim.Data.Tests;

public sealed class KernelDataTests
{
    private static readonly Lazy<(KernelTables Tables, PerfDbReader.Report Report)> H200Trtllm =
        new(() => PerfDbReader.Load(SharedData.Path("aic-perf-db"), "h200_sxm", "trtllm"));

    [Fact]
    public void The_perf_db_reader_reads_every_row_of_the_h200_trtllm_tables()
    {
        // Oracle: the parquet files' row counts in ../shared/data/aic-perf-db/h200_sxm, as a separate dump of each file reported them.
        var rows = H200Trtllm.Value.Report.RowsByTable;
        Assert.Equal(100668, rows[Path.Combine("gemm", "trtllm", "1.3.0rc20", "gemm_perf.parquet")]);
        Assert.Equal(75837, rows[Path.Combine("attention", "trtllm", "1.3.0rc20", "context_attention_perf.parquet")]);
        Assert.Equal(52033, rows[Path.Combine("attention", "trtllm", "1.3.0rc20", "generation_attention_perf.parquet")]);
        Assert.Equal(126522, rows[Path.Combine("moe", "trtllm", "1.3.0rc20", "moe_perf.parquet")]);
        Assert.Equal(504, rows[Path.Combine("comm", "nccl", "2.29.2", "nccl_perf.parquet")]);
        Assert.Equal("1.3.0rc20", H200Trtllm.Value.Report.VersionsByFamily["gemm/trtllm"]);
    }

    [Fact]
    public void Known_values_come_through()
    {
        // Oracle: rows of gemm_perf.parquet and custom_allreduce_perf.parquet (first rows of each file).
        var t = H200Trtllm.Value.Tables;
        Assert.Equal(41.099622090657554, t.Gemm[("bfloat16", 65536, 51200)].Interpolate(4353)!.Value, 9);
        Assert.Equal(0.0026371198892593383, t.Collectives[("all_reduce", 2)].Interpolate(128)!.Value, 12);
        Assert.True(t.MlaBmm.ContainsKey(("mla_gen_pre", "bfloat16", 128)));
        Assert.Contains(t.Moe.Keys, k => k.Dtype == "fp8" && k.Experts == 256);
    }

    [Theory]
    [InlineData(new[] { "1.0.0", "1.2.0rc6", "1.3.0rc20" }, "1.2.0rc6", "1.2.0rc6")]
    [InlineData(new[] { "1.0.0", "1.3.0rc20" }, "1.2.0", "1.3.0rc20")]
    [InlineData(new[] { "1.0.0", "1.3.0rc20" }, "1.0.1", "1.0.0")]
    [InlineData(new[] { "0.5.10", "0.5.14" }, null, "0.5.14")]
    [InlineData(new[] { "0.19.0", "0.24.0" }, "0.20.0", "0.19.0")]
    public void The_nearest_version_is_picked(string[] available, string? requested, string expected)
    {
        Assert.Equal(expected, BackendVersions.Nearest(available, requested));
    }

    [Fact]
    public void The_reader_reports_the_version_it_chose()
    {
        // Two version folders (links to the real files, nothing copied): asking for 1.0 takes 1.0.0.
        string root = Directory.CreateTempSubdirectory().FullName;
        string real = SharedData.Path("aic-perf-db", "h200_sxm", "gemm", "trtllm", "1.3.0rc20", "gemm_perf.parquet");
        foreach (var v in new[] { "1.0.0", "1.3.0rc20" })
        {
            string dir = Directory.CreateDirectory(Path.Combine(root, "h200_sxm", "gemm", "trtllm", v)).FullName;
            File.CreateSymbolicLink(Path.Combine(dir, "gemm_perf.parquet"), real);
        }

        var (_, report) = PerfDbReader.Load(root, "h200_sxm", "trtllm", "1.0");
        Assert.Equal("1.0.0", report.VersionsByFamily["gemm/trtllm"]);
    }

    [Fact]
    public void A_folder_without_tables_is_a_clear_error()
    {
        var e = Assert.Throws<AicSimException>(() => PerfDbReader.Load(Directory.CreateTempSubdirectory().FullName, "h200_sxm", "trtllm"));
        Assert.Contains("--perf-db", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Aicsim_csv_tables_round_trip_with_provenance()
    {
        string dir = Directory.CreateTempSubdirectory().FullName;
        KernelTableCsv.Write(dir, new Dictionary<string, string> { ["gpu"] = "NVIDIA H200", ["backend"] = "torch 2.11", ["date"] = "2026-11-27" }, new Dictionary<string, IEnumerable<string[]>>
        {
            ["gemm.csv"] = [["bfloat16", "1", "4096", "4096", "0.02"], ["bfloat16", "64", "4096", "4096", "0.025"]],
            ["context_attention.csv"] = [["1", "1024", "32", "8", "128", "bfloat16", "0", "0.3"]],
        });
        var t = KernelTableCsv.Read(dir);
        Assert.Equal(0.0225, t.Gemm[("bfloat16", 4096, 4096)].Interpolate(32.5)!.Value, 12);
        Assert.Equal(0.3, t.ContextAttention[(32, 8, 128, "bfloat16", 0, 1)].Interpolate(1024)!.Value, 12);
        Assert.Equal("NVIDIA H200", t.Provenance["gpu"]);
    }

    [Fact]
    public void A_malformed_table_names_the_file_and_the_line()
    {
        string dir = Directory.CreateTempSubdirectory().FullName;
        File.WriteAllText(Path.Combine(dir, "gemm.csv"), "dtype,m,n,k,latency_ms\nbfloat16,1,4096,4096,0.02\nbfloat16,two,4096,4096,0.03\nbfloat16,8,4096,4096,-1\n");
        var e = Assert.Throws<AicSimException>(() => KernelTableCsv.Read(dir));
        Assert.Contains(e.Problems, p => p.Contains("gemm.csv line 3", StringComparison.Ordinal) && p.Contains("m 'two'", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("gemm.csv line 4", StringComparison.Ordinal) && p.Contains("latency_ms", StringComparison.Ordinal));
    }

    [Fact]
    public void A_table_missing_columns_names_them()
    {
        string dir = Directory.CreateTempSubdirectory().FullName;
        File.WriteAllText(Path.Combine(dir, "moe.csv"), "dtype,tokens,latency_ms\nfp8,1,0.1\n");
        var e = Assert.Throws<AicSimException>(() => KernelTableCsv.Read(dir));
        Assert.Contains("missing column(s) hidden, inter, topk, experts, moe_tp, moe_ep", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_provenance_names_the_file_and_the_line()
    {
        string dir = Directory.CreateTempSubdirectory().FullName;
        File.WriteAllText(Path.Combine(dir, "provenance.yaml"), "gpu: NVIDIA H200\ndate: [2026\n");
        var e = Assert.Throws<AicSimException>(() => KernelTableCsv.Read(dir));
        Assert.Contains("provenance.yaml: line 2", e.Message, StringComparison.Ordinal);
        Assert.Contains("plain 'key: value' lines", e.Message, StringComparison.Ordinal);
    }
}
