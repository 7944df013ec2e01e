using AicSim.Core.Calibration;
using AicSim.Core.Errors;
using AicSim.Data.Calibration;
using AicSim.Data.Dynamo;
using AicSim.Data.Models;
using AicSim.Data.Numpy;
using AicSim.Data.Systems;
using AicSim.Tests;

namespace AicSim.Data.Tests;

/// <summary>
/// The Dynamo profiler's pre-swept measurements (its online path, vLLM 0.10.1.1 on H100 and H200) in
/// ../shared/data/dynamo/main-4e6493a/profiler-outputs/pre_swept_results. The expected values were read from the files
/// with an independent reader (Python's zipfile and struct on the .npy bytes).
/// </summary>
public sealed class PlannerDataTests
{
    private static string PreSwept(params string[] parts) =>
        SharedData.Path(["dynamo", "main-4e6493a", "profiler-outputs", "pre_swept_results", .. parts]);

    [Fact]
    public void Stacked_arrays_keep_their_shape_and_unicode_metadata()
    {
        var decode = Npz.Read(PreSwept("h100_sxm", "vllm", "nvidia", "Llama-3.3-70B-Instruct-FP8", "decode.npz"));
        Assert.Equal([3, 39], decode["z_itl"].Shape);
        Assert.Equal(9.460164, decode["z_itl"].Floats![0], 9);
        Assert.Equal(24.540374, decode["z_itl"].Floats![^1], 9);
        Assert.Equal(12.142680, decode["z_itl"].Row(1)[0], 9);
        Assert.Equal([3, 1], decode["model"].Shape);
        Assert.Equal(["nvidia/Llama-3.3-70B-Instruct-FP8", "nvidia/Llama-3.3-70B-Instruct-FP8", "nvidia/Llama-3.3-70B-Instruct-FP8"], decode["model"].Strings!);
        Assert.Equal([8L, 4, 2], decode["tp"].Ints!);
        Assert.Equal("0.10.1.1", decode["framework_version"].Strings![0]);
    }

    [Fact]
    public void The_profiler_folders_read_as_the_engines_it_measured()
    {
        var engines = PlannerDataReader.Read(PreSwept());
        Assert.Equal(["TP8", "TP4", "TP2", "TP1"], engines.Select(e => e.Mapping));
        var small = engines[3];
        Assert.Equal(("h200_sxm", "vllm", "0.10.1.1", "nvidia/Llama-3.1-8B-Instruct-FP8", 945_029L), (small.System, small.Backend, small.BackendVersion, small.Model, small.MaxKvTokens));
        Assert.Equal(17, small.Prefill.Count);
        Assert.Equal(new PrefillMeasurement(100, 19.525209), small.Prefill[0]);
        Assert.Equal(41, small.Decode.Count);

        // Requests = x_kv_usage × max_kv_tokens / context: 1, 263, 525, … at context 350 (hand check: 0.0974 × 945029 / 350 = 263).
        Assert.Equal([1, 263, 525, 787, 1049, 1311, 1573], small.Decode.Take(7).Select(d => d.Requests));
        Assert.All(small.Decode.Take(7), d => Assert.Equal(350, d.Context));
        Assert.Equal(4.379871, small.Decode[0].ItlMs, 9);
    }

    private static string PlannerRun => SharedData.Path("dynamo", "main-4e6493a", "profiler-outputs", "tests-planner-H200_TP1P_TP1D");

    [Fact]
    public void One_profiling_runs_raw_data_reads_as_the_engine_the_user_names()
    {
        // Oracle: this run's raw_data.npz hold the same sweeps as the pre-swept file's H200 row (the same measurements).
        var run = Assert.Single(PlannerDataReader.Read(PlannerRun, new MeasuredEngineIdentity("nvidia/Llama-3.1-8B-Instruct-FP8", "h200_sxm", "vllm", BackendVersion: "0.10.1.1")));
        var stacked = PlannerDataReader.Read(PreSwept("h200_sxm")).Single();
        Assert.Equal(stacked with { Source = run.Source, Prefill = run.Prefill, Decode = run.Decode }, run);
        Assert.Equal(stacked.Prefill, run.Prefill);
        Assert.Equal(stacked.Decode, run.Decode);
    }

    [Fact]
    public void A_planner_profile_data_config_map_reads_as_the_run_it_holds()
    {
        // Oracle: the JSON in the real online comparison run (Qwen3-32B, TensorRT-LLM, prefill and decode TP1): 17 prefill
        // points from 46.30453 ms, 7 decode points, max_kv_tokens 8224; requests by hand: 0.042558 × 8224 / 350 = 1,
        // 0.127675 × 8224 / 350 = 3, …, 0.862476 × 8224 / 7093 = 1.
        string file = SharedData.Path("dynamo", "profiler-outputs", "comparison-online_all", "config_with_planner.yaml");
        var unnamed = Assert.Throws<AicSimException>(() => PlannerDataReader.Read(file));
        Assert.Contains("add --model, --system, --backend", unnamed.Message, StringComparison.Ordinal);

        var run = Assert.Single(PlannerDataReader.Read(file, new MeasuredEngineIdentity("Qwen/Qwen3-32B", "h200_sxm", "trtllm")));
        Assert.Equal(8224, run.MaxKvTokens);
        Assert.Equal(17, run.Prefill.Count);
        Assert.Equal(new PrefillMeasurement(100, 46.30453), run.Prefill[0]);
        Assert.Equal([1, 3, 5, 8, 10, 13, 1], run.Decode.Select(d => d.Requests));
        Assert.Equal(7093, run.Decode[^1].Context);

        string other = Path.Combine(Directory.CreateTempSubdirectory().FullName, "x.yaml");
        File.WriteAllText(other, "apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n");
        Assert.Contains("no ConfigMap with prefill_raw_data.json", Assert.Throws<AicSimException>(() => PlannerDataReader.Read(other)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_without_the_stacked_pair_or_its_metadata_is_refused_naming_what_is_missing()
    {
        var e = Assert.Throws<AicSimException>(() => PlannerDataReader.Read(SharedData.Path("dynamo", "main-4e6493a", "crds")));
        Assert.Contains("prefill.npz and decode.npz", e.Message, StringComparison.Ordinal);
        var unnamed = Assert.Throws<AicSimException>(() => PlannerDataReader.Read(PlannerRun));
        Assert.Contains("add --model, --system, --backend", unnamed.Message, StringComparison.Ordinal);

        string dir = Directory.CreateTempSubdirectory().FullName;
        Npz.Write(Path.Combine(dir, "prefill.npz"), [("prefill_isl", NpyArray.Of([100L])), ("prefill_ttft", NpyArray.Of([20.0]))]);
        Npz.Write(Path.Combine(dir, "decode.npz"), [("z_itl", NpyArray.Of([5.0]))]);
        var missing = Assert.Throws<AicSimException>(() => PlannerDataReader.Read(dir));
        Assert.Contains("missing gpu_type, model, framework", missing.Message, StringComparison.Ordinal);

        Assert.Throws<AicSimException>(() => PlannerDataReader.Read(Path.Combine(dir, "nowhere")));
    }

    [Fact]
    public void The_kv_cache_is_read_by_the_recorded_capacity_and_loads_past_the_engine_limit_are_priced_at_it()
    {
        var engines = PlannerDataReader.Read(PreSwept("h200_sxm"));
        var check = PlannerDataCheck.Check(engines[0], ModelCatalog.Load(), SystemCatalog.Load(), CalibrationFile.LoadDefault(), "auto", null, null);

        // Oracle: the run's own max_kv_tokens, 945,029: bf16 predicts about that, the checkpoint's fp8 about twice it.
        Assert.Contains("bf16", check.KvReading, StringComparison.Ordinal);
        Assert.InRange(check.MaxKvTokensErrorPercent, -5, 5);
        var fp8 = PlannerDataCheck.Check(engines[0], ModelCatalog.Load(), SystemCatalog.Load(), CalibrationFile.LoadDefault(), "auto", null, "fp8");
        Assert.InRange(fp8.PredictedMaxKvTokens / (double)check.PredictedMaxKvTokens, 1.9, 2.1);

        // 1311 and 1573 requests at context 350 are both past vLLM's 1024-sequence limit: one prediction, at the limit.
        var decode = check.Points.Where(p => p.Kind == "decode").ToList();
        Assert.Equal(decode.Single(p => p.Requests == 1311).PredictedMs, decode.Single(p => p.Requests == 1573).PredictedMs);
        Assert.True(decode.Single(p => p.Requests == 787).PredictedMs < decode.Single(p => p.Requests == 1311).PredictedMs);
        Assert.Equal(17 + 41, check.Points.Count);
    }
}
