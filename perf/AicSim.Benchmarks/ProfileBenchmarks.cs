using AicSim.Data.Models;
using AicSim.Data.Profiles;
using AicSim.Data.Systems;
using BenchmarkDotNet.Attributes;

namespace AicSim.Benchmarks;

/// <summary>
/// A whole `aicsim profile` run with every output (npz, YAML, JSON, six PNG plots) written to a temporary folder.
/// Targets: Qwen3-32B on h200_sxm under 3 s; DeepSeek-V3 (TEP/DEP up to 32 GPUs) under 10 s, on a 2-core machine.
/// Run: dotnet run -c Release --project perf/AicSim.Benchmarks -- --filter '*ProfileBenchmarks*'
/// </summary>
[MemoryDiagnoser]
public class ProfileBenchmarks
{
    private ProfileJob _job = null!;
    private string _dir = null!;

    [GlobalSetup]
    public void Setup()
    {
        _job = new ProfileJob(ModelCatalog.Load(), SystemCatalog.Load());
        _dir = Directory.CreateTempSubdirectory("aicsim-bench").FullName;
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [Benchmark]
    public bool Profile_qwen3_32b_h200_all_outputs() => Run(ProfileJob.Defaults);

    [Benchmark]
    public bool Profile_deepseek_v3_h200_all_outputs() =>
        Run(ProfileJob.Defaults with { Model = "deepseek-ai/DeepSeek-V3", Backend = "sglang", Isl = 4000, Osl = 500, Ttft = 1000, Itl = 50 });

    private bool Run(ProfileOptions options)
    {
        var outcome = _job.Run(options);
        ProfileOutputWriter.Write(Path.Combine(_dir, "out"), outcome.Result, outcome.Documents, outcome.Log, outcome.ExtraFiles);
        return outcome.Result.SlaMet;
    }
}
