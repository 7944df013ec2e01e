using AicSim.Core.Errors;
using AicSim.Data.Aiperf;
using AicSim.Tests;

namespace AicSim.Data.Tests;

/// <summary>AIPerf's exports, read from the reference files in ../shared/data/aiperf (the oracle: their own numbers).</summary>
public sealed class AiperfRunTests
{
    private static string File(string name) => SharedData.Path("aiperf", name);

    [Fact]
    public void The_released_json_layout_gives_latencies_and_the_runs_concurrency()
    {
        var run = AiperfRun.Read(File("fixture-release-layout-streaming.profile_export_aiperf.json"), "--compare");
        Assert.Equal("json", run.Layout);
        Assert.Equal(150.0, run.Ttft.Avg);
        Assert.Equal(142.5, run.Ttft.P50);
        Assert.Equal(25.0, run.Itl.Avg);
        Assert.Equal(300.0, run.RequestLatency!.Avg);
        Assert.Equal(5388.8, run.OutputTokensPerSec);
        Assert.Equal(128, run.Concurrency); // input_config.runtime.concurrency
    }

    [Fact]
    public void The_csv_and_the_draft_json_of_one_run_read_alike()
    {
        // The two files are one real run (SOURCES.md): the CSV's Time to First Token avg 2343.22 ms, Inter Token Latency
        // 27.76 ms, ISL 550, OSL 242.97, 89 requests of which 11 failed (cancelled), and 2320.72 output tokens/s.
        var csv = AiperfRun.Read(File("real-run-streaming.profile_export_aiperf.csv"), "--compare");
        Assert.Equal("csv", csv.Layout);
        Assert.Equal(2343.22, csv.Ttft.Avg);
        Assert.Equal(2369.32, csv.Ttft.P50);
        Assert.Equal(27.76, csv.Itl.Avg);
        Assert.Equal(550.0, csv.Isl!.Avg);
        Assert.Equal(242.97, csv.Osl!.Avg);
        Assert.Equal(89, csv.RequestCount);
        Assert.Equal(11, csv.ErrorCount);
        Assert.Equal(2320.72, csv.OutputTokensPerSec);
        Assert.Null(csv.Concurrency);

        var draft = AiperfRun.Read(File("real-run-streaming-draft-layout.profile_export_aiperf.json"), "--compare");
        Assert.Equal("json (draft records layout)", draft.Layout);
        Assert.Equal(csv.Ttft.Avg, draft.Ttft.Avg, 0.01);
        Assert.Equal(csv.Itl.Avg, draft.Itl.Avg, 0.01);
        Assert.Equal(csv.Osl.Avg, draft.Osl!.Avg, 0.01);
        Assert.Equal(11, draft.ErrorCount);
        Assert.Equal(100, draft.Concurrency); // input_config.loadgen.concurrency
    }

    [Fact]
    public void An_artifact_folder_is_read_through_its_summary_file()
    {
        // AIPerf writes profile_export_aiperf.json (or .csv) into the run's artifact folder; users pass the folder.
        string folder = Directory.CreateTempSubdirectory().FullName;
        System.IO.File.Copy(File("fixture-release-layout-streaming.profile_export_aiperf.json"), Path.Combine(folder, "profile_export_aiperf.json"));
        Assert.Equal(150.0, AiperfRun.Read(folder, "--compare").Ttft.Avg);
        var empty = Assert.Throws<AicSimException>(() => AiperfRun.Read(Directory.CreateTempSubdirectory().FullName, "--compare"));
        Assert.Contains("holds no profile_export_aiperf.json", empty.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_non_streaming_run_is_refused_with_the_fix()
    {
        // The real non-streaming run has request latency but no TTFT or ITL keys.
        var e = Assert.Throws<AicSimException>(() => AiperfRun.Read(File("real-run-nonstreaming.profile_export_aiperf.json"), "--compare"));
        Assert.Contains("--compare", e.Message, StringComparison.Ordinal);
        Assert.Contains("--streaming", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_or_foreign_file_is_refused_naming_the_flag()
    {
        var missing = Assert.Throws<AicSimException>(() => AiperfRun.Read("/nonexistent/profile_export_aiperf.json", "--compare"));
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);
        string path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "other.csv");
        System.IO.File.WriteAllText(path, "a,b\n1,2\n");
        var foreign = Assert.Throws<AicSimException>(() => AiperfRun.Read(path, "--compare"));
        Assert.Contains("neither AIPerf JSON nor its CSV", foreign.Message, StringComparison.Ordinal);
    }
}
