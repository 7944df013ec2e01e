using System.Text.Json;
using System.Text.Json.Nodes;
using AicSim.Data.Dynamo;
using AicSim.Data.Numpy;
using AicSim.Data.Profiles;
using AicSim.Tests;

namespace AicSim.Cli.Tests;

/// <summary>`aicsim profile` end to end, in-process, into temporary folders.</summary>
public sealed class ProfileCommandTests
{
    private static (int Exit, string Output) Run(params string[] args) => Cli.Run(args);

    private static string TempDir() => Path.Combine(Directory.CreateTempSubdirectory().FullName, "out");

    private static string Sample(string name) => SharedData.Path("dynamo", "main-4e6493a", "dgdr-samples", name);

    [Fact]
    public void Profile_on_defaults_writes_every_file_and_each_parses()
    {
        string dir = TempDir();
        var (exit, output) = Run("profile", "--output-dir", dir);
        Assert.Equal(0, exit);
        Assert.Contains("SLA met", output, StringComparison.Ordinal);
        foreach (var file in ProfileOutputWriter.Files)
        {
            Assert.True(File.Exists(Path.Combine(dir, file)), $"{file} missing");
        }

        foreach (var png in ProfileOutputWriter.Files.Where(f => f.EndsWith(".png", StringComparison.Ordinal)))
        {
            var bytes = File.ReadAllBytes(Path.Combine(dir, png));
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
            Assert.True(bytes.Length > 10_000, $"{png} is only {bytes.Length} bytes");
        }

        // The npz keys and dtypes the planner reads (DOMAIN.md §3; the real files in ../shared/data are the reference).
        var prefill = Npz.Read(Path.Combine(dir, "selected_prefill_interpolation", "raw_data.npz"));
        Assert.Equal(["prefill_isl", "prefill_thpt_per_gpu", "prefill_ttft"], prefill.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("<i8", prefill["prefill_isl"].Descr);
        Assert.Equal(17, prefill["prefill_ttft"].Length);
        var decode = Npz.Read(Path.Combine(dir, "selected_decode_interpolation", "raw_data.npz"));
        Assert.Equal(["max_kv_tokens", "x_kv_usage", "y_context_length", "z_itl", "z_thpt_per_gpu"], decode.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("<i8", decode["max_kv_tokens"].Descr);
        Assert.Equal(decode["x_kv_usage"].Length, decode["z_thpt_per_gpu"].Length);

        // config_with_planner.yaml: the ConfigMap (same data as the npz) then the DGD.
        var docs = YamlNodes.ParseAll(File.ReadAllText(Path.Combine(dir, "config_with_planner.yaml")), "config_with_planner.yaml");
        Assert.Equal(2, docs.Count);
        Assert.Equal("ConfigMap", docs[0]!["kind"]!.ToString());
        var decodeJson = JsonNode.Parse(docs[0]!["data"]!["decode_raw_data.json"]!.ToString())!;
        Assert.Equal(decode["max_kv_tokens"].Ints![0], decodeJson["max_kv_tokens"]!.GetValue<long>());
        Assert.Equal(decode["z_itl"].Floats, decodeJson["z_itl"]!.AsArray().Select(x => x!.GetValue<double>()).ToArray());
        Assert.Equal("DynamoGraphDeployment", docs[1]!["kind"]!.ToString());
        Assert.NotNull(docs[1]!["spec"]!["services"]!["Planner"]);

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        Assert.True(summary.RootElement.GetProperty("sla_met").GetBoolean());
        Assert.True(summary.RootElement.GetProperty("prefill_candidates").GetArrayLength() >= 3);
        Assert.False(string.IsNullOrEmpty(summary.RootElement.GetProperty("recommendation").GetProperty("decode").GetProperty("why").GetString()));
        Assert.Contains("prefill choice:", File.ReadAllText(Path.Combine(dir, "profile_sla.log")), StringComparison.Ordinal);
        // Provenance: the files say which build wrote them, as `aicsim --version` prints it.
        var (_, version) = Cli.Run("--version");
        Assert.Equal(version.Trim(), summary.RootElement.GetProperty("tool_version").GetString());
        Assert.StartsWith($"aicsim {version.Trim()} profile:", File.ReadLines(Path.Combine(dir, "profile_sla.log")).First()[25..], StringComparison.Ordinal);

        // The deployment is disaggregated: its group's cross-validated accuracy, applied to the chosen engines' predictions
        // (oracle: the bundled file's ratios times the recommendation's own TTFT and ITL).
        var card = Data.Calibration.AccuracyFile.LoadDefault()!.Find("h200_sxm", "trtllm", "disagg")!;
        var accuracy = summary.RootElement.GetProperty("accuracy");
        Assert.Equal("h200_sxm/trtllm/disagg", accuracy.GetProperty("group").GetString());
        var rec = summary.RootElement.GetProperty("recommendation");
        Assert.Equal(rec.GetProperty("prefill").GetProperty("ttft_ms").GetDouble() * card.Ttft.HighRatio, accuracy.GetProperty("ttft").GetProperty("likely_ms")[1].GetDouble(), 9);
        Assert.Equal(rec.GetProperty("decode").GetProperty("itl_ms").GetDouble() * card.Tpot.LowRatio, accuracy.GetProperty("tpot").GetProperty("likely_ms")[0].GetDouble(), 9);
    }

    [Fact]
    public void Headroom_plans_for_the_groups_90th_percentile_and_leaves_the_planners_targets_alone()
    {
        // Oracle: the bundled accuracy card's 90th percentiles (never below 1) divide the targets the engines are chosen for.
        var card = Data.Calibration.AccuracyFile.LoadDefault()!.Find("h200_sxm", "trtllm", "disagg")!;
        double ttftFactor = Math.Max(1, card.Ttft.HighRatio);
        double itlFactor = Math.Max(1, card.Tpot.HighRatio);
        string dir = TempDir();
        var (exit, output) = Run("profile", "--headroom", "--output-dir", dir);
        Assert.Equal(0, exit);
        Assert.Contains("Headroom", output, StringComparison.Ordinal);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        var root = summary.RootElement;
        Assert.Equal(500, root.GetProperty("inputs").GetProperty("ttft_ms").GetDouble());
        Assert.Equal(30, root.GetProperty("inputs").GetProperty("itl_ms").GetDouble());
        var headroom = root.GetProperty("headroom");
        Assert.Equal(500 / ttftFactor, headroom.GetProperty("planned_ttft_ms").GetDouble(), 9);
        Assert.Equal(30 / itlFactor, headroom.GetProperty("planned_itl_ms").GetDouble(), 9);
        var rec = root.GetProperty("recommendation");
        Assert.True(rec.GetProperty("prefill").GetProperty("ttft_ms").GetDouble() * ttftFactor <= 500);
        Assert.True(rec.GetProperty("decode").GetProperty("itl_ms").GetDouble() * itlFactor <= 30);

        // Without headroom the same run picks an engine that the headroom rules out (the default TP1 prefill at 347 ms).
        string plain = TempDir();
        Assert.Equal(0, Run("profile", "--output-dir", plain).Exit);
        using var plainSummary = JsonDocument.Parse(File.ReadAllText(Path.Combine(plain, "summary.json")));
        Assert.True(plainSummary.RootElement.GetProperty("recommendation").GetProperty("prefill").GetProperty("ttft_ms").GetDouble() * ttftFactor > 500);

        // The planner scales against the SLA as given.
        string dgd = File.ReadAllText(Path.Combine(dir, "config_with_planner.yaml"));
        Assert.Contains("--ttft=500", dgd, StringComparison.Ordinal);
        Assert.Contains("--itl=30", dgd, StringComparison.Ordinal);
    }

    [Fact]
    public void Headroom_without_measured_runs_of_the_group_is_refused()
    {
        // H100 SGLang has constants of its own but only 3 disaggregated runs: no card, nothing to plan for.
        var (exit, output) = Run("profile", "--headroom", "--system", "h100_sxm", "--backend", "sglang", "--output-dir", TempDir());
        Assert.Equal(1, exit);
        Assert.Contains("--headroom: no spread to plan for", output, StringComparison.Ordinal);

        // A100 has no constants of its own: it is priced by TensorRT-LLM's median group, whose card (every system held
        // out whole) gives the spread to plan for.
        // (Planning for its ×4.8 TTFT spread, the default SLA is out of A100's reach: exit 3, the closest written.)
        (exit, output) = Run("profile", "--headroom", "--system", "a100_sxm", "--output-dir", TempDir());
        Assert.Equal(3, exit);
        Assert.DoesNotContain("no spread to plan for", output, StringComparison.Ordinal);
        Assert.Contains("any/trtllm/disagg's 90th percentile", output.ReplaceLineEndings(" "), StringComparison.Ordinal);
    }

    [Fact]
    public void An_infeasible_sla_exits_3_warns_and_still_writes_the_closest_configuration()
    {
        string dir = TempDir();
        var (exit, output) = Run("profile", "--model", "meta-llama/Llama-3.1-8B", "--ttft", "1", "--itl", "0.5", "--output-dir", dir);
        Assert.Equal(3, exit);
        Assert.Contains("SLA not met", output, StringComparison.Ordinal);
        Assert.Contains("warning:", output, StringComparison.Ordinal);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        Assert.False(summary.RootElement.GetProperty("sla_met").GetBoolean());
        Assert.True(File.Exists(Path.Combine(dir, "config_with_planner.yaml")));
    }

    [Fact]
    public void A_moe_model_sweeps_tep_and_dep_and_skips_with_reasons()
    {
        string dir = TempDir();
        var (exit, output) = Run("profile", "--model", "Qwen/Qwen3-30B-A3B", "--backend", "sglang", "--isl", "2000", "--osl", "200", "--ttft", "300", "--itl", "20", "--output-dir", dir);
        Assert.Equal(0, exit);
        Assert.Contains("TEP", output, StringComparison.Ordinal);
        Assert.Contains("DEP", output, StringComparison.Ordinal);
        Assert.Contains("TP8", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("profile_sla_aic_dgdr.yaml", "sla-aic")]
    [InlineData("profile_sla_dgdr.yaml", "sla-online")]
    [InlineData("profile_sla_moe_dgdr.yaml", "sla-moe")]
    public void The_guides_dgdr_samples_run_and_write_the_operators_outputs(string file, string name)
    {
        string dir = TempDir();
        var (exit, output) = Run("profile", "--dgdr", Sample(file), "--output-dir", dir,
            "--crd", SharedData.Path("dynamo", "main-4e6493a", "crds", "nvidia.com_dynamographdeploymentrequests.yaml"),
            "--crd", SharedData.Path("dynamo", "crds", "nvidia.com_dynamographdeployments.yaml"));
        Assert.True(exit is 0 or 3, output);
        var status = YamlNodes.ParseObject(File.ReadAllText(Path.Combine(dir, "dgdr_status.yaml")), "status");
        Assert.Contains(status["status"]!["state"]!.ToString(), new[] { "Deploying", "Failed" });
        var generated = status["status"]!["generatedDeployment"]!;
        Assert.Equal(name, generated["metadata"]!["labels"]!["dgdr.nvidia.com/name"]!.ToString());
        Assert.Equal("default", generated["metadata"]!["labels"]!["dgdr.nvidia.com/namespace"]!.ToString());
        var output2 = YamlNodes.ParseObject(File.ReadAllText(Path.Combine(dir, $"dgdr-output-{name}.yaml")), "out");
        Assert.Equal($"dgdr-output-{name}", output2["metadata"]!["name"]!.ToString());
        Assert.Contains("DynamoGraphDeployment", output2["data"]!["config_with_planner.yaml"]!.ToString(), StringComparison.Ordinal);

        // deploymentOverrides.workersImage reaches every worker.
        string image = YamlNodes.ParseObject(File.ReadAllText(Sample(file)), file)["spec"]!["deploymentOverrides"]!["workersImage"]!.ToString();
        foreach (var (_, service) in generated["spec"]!["services"]!.AsObject())
        {
            if (service!["componentType"]!.ToString() == "worker")
            {
                Assert.Equal(image, service["extraPodSpec"]!["mainContainer"]!["image"]!.ToString());
            }
        }
    }

    [Fact]
    public void Use_mocker_generates_the_mocker_deployment()
    {
        string dir = TempDir();
        string dgdr = Path.Combine(Path.GetDirectoryName(dir)!, "mocker.yaml");
        File.WriteAllText(dgdr, File.ReadAllText(Sample("profile_sla_aic_dgdr.yaml")).Replace("autoApply: true", "autoApply: false\n  useMocker: true", StringComparison.Ordinal));
        var (exit, output) = Run("profile", "--dgdr", dgdr, "--output-dir", dir);
        Assert.Equal(0, exit);
        var status = YamlNodes.ParseObject(File.ReadAllText(Path.Combine(dir, "dgdr_status.yaml")), "status");
        Assert.Equal("Ready", status["status"]!["state"]!.ToString());
        string generated = status["status"]!["generatedDeployment"]!.ToJsonString();
        Assert.Contains("dynamo.mocker", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void Planner_options_pass_through_and_the_guides_aliases_work()
    {
        string dir = TempDir();
        var (exit, output) = Run("profile", "--use-ai-configurator", "--aic-system", "h100_sxm", "--aic-hf-id", "meta-llama/Llama-3.1-8B", "--backend", "vllm",
            "--min-num-gpus-per-engine", "1", "--max-num-gpus-per-engine", "2", "--planner-adjustment-interval", "60", "--output-dir", dir);
        Assert.Equal(0, exit);
        string dgd = File.ReadAllText(Path.Combine(dir, "config_with_planner.yaml"));
        Assert.Contains("--adjustment-interval=60", dgd, StringComparison.Ordinal);
        Assert.Contains("meta-llama/Llama-3.1-8B", dgd, StringComparison.Ordinal);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        Assert.Equal("h100_sxm", summary.RootElement.GetProperty("inputs").GetProperty("system").GetString());
        Assert.Equal(2, summary.RootElement.GetProperty("inputs").GetProperty("max_num_gpus").GetInt32());
    }

    [Fact]
    public void A_profile_config_file_is_read_and_flags_win()
    {
        string dir = TempDir();
        string config = Path.Combine(Path.GetDirectoryName(dir)!, "config.yaml");
        File.WriteAllText(config, "sla:\n  isl: 1000\n  osl: 100\n  ttft: 400\n  itl: 40\nhardware:\n  maxNumGpusPerEngine: 2\n");
        var (exit, _) = Run("profile", "--model", "meta-llama/Llama-3.1-8B", "--profile-config", config, "--itl", "35", "--output-dir", dir);
        Assert.Equal(0, exit);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        Assert.Equal(1000, summary.RootElement.GetProperty("inputs").GetProperty("isl").GetInt32());
        Assert.Equal(35, summary.RootElement.GetProperty("inputs").GetProperty("itl_ms").GetDouble());
    }

    [Fact]
    public void Mtp_decodes_faster_per_token_and_is_enabled_in_the_dgd()
    {
        // Oracle: physics against the same run without --mtp. A draft-and-verify step keeps 1 + 0.85 = 1.85 tokens, so
        // no decode point can be faster than the plain step / 1.85; at one sequence per rank the step is bound by the
        // weights it reads, which drafting one token barely adds to, so each such point must be faster than plain.
        string[] common = ["profile", "--model", "deepseek-ai/DeepSeek-R1", "--system", "b200_sxm", "--isl", "1024", "--osl", "1024", "--ttft", "1000", "--itl", "20"];
        string plainDir = TempDir();
        string mtpDir = TempDir();
        Assert.True(Run([.. common, "--output-dir", plainDir]).Exit is 0 or 3);
        var (exit, output) = Run([.. common, "--mtp", "1", "--output-dir", mtpDir]);
        Assert.Equal(0, exit);
        Assert.Contains("decoding with MTP, 1 draft token at acceptance 0.85 (1.85 tokens a step)", output, StringComparison.Ordinal);

        static Dictionary<(string, int), double> Itl(string dir)
        {
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
            return summary.RootElement.GetProperty("decode_candidates").EnumerateArray()
                .ToDictionary(d => (d.GetProperty("mapping").GetString()!, d.GetProperty("requests").GetInt32()), d => d.GetProperty("itl_ms").GetDouble());
        }

        var plain = Itl(plainDir);
        var mtp = Itl(mtpDir);

        // The MTP module's weights and KV cache leave room for fewer requests: no mapping's sweep reaches further.
        foreach (var mapping in mtp.Keys.Select(k => k.Item1).Distinct())
        {
            Assert.True(mtp.Keys.Where(k => k.Item1 == mapping).Max(k => k.Item2) <= plain.Keys.Where(k => k.Item1 == mapping).Max(k => k.Item2), mapping);
        }

        int oneAPerRank = 0;
        foreach (var ((mapping, requests), itl) in mtp.Where(p => plain.ContainsKey(p.Key)))
        {
            Assert.True(itl >= plain[(mapping, requests)] / 1.85, $"{mapping} at {requests}: {itl} ms beats a perfect 1.85× on {plain[(mapping, requests)]} ms");
            int ranks = mapping.StartsWith("DEP", StringComparison.Ordinal) ? int.Parse(mapping[3..], System.Globalization.CultureInfo.InvariantCulture) : 1;
            if (requests == ranks)
            {
                oneAPerRank++;
                Assert.True(itl < plain[(mapping, requests)], $"{mapping} at one sequence per rank: {itl} ms, not below plain {plain[(mapping, requests)]} ms");
            }
        }

        Assert.True(oneAPerRank >= 4);
        using (var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(mtpDir, "summary.json"))))
        {
            Assert.Equal(1, summary.RootElement.GetProperty("inputs").GetProperty("mtp").GetProperty("draft_tokens").GetInt32());
        }

        var dgd = YamlNodes.ParseAll(File.ReadAllText(Path.Combine(mtpDir, "config_with_planner.yaml")), "config_with_planner.yaml")[1]!;
        var decodeArgs = dgd["spec"]!["services"]!["TRTLLMDecodeWorker"]!["extraPodSpec"]!["mainContainer"]!["args"]!.AsArray().Select(a => a!.ToString()).ToList();
        Assert.Contains(decodeArgs, a => a.Contains("\"speculative_config\":{\"decoding_type\":\"MTP\",\"num_nextn_predict_layers\":1}", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--mtp 1", "moonshotai/Kimi-K2.5 has no multi-token-prediction modules")]
    [InlineData("--mtp 9", "--mtp is 9; draft 1 to 8")]
    [InlineData("--mtp 1 --mtp-acceptance 1.5", "--mtp-acceptance is 1.5")]
    [InlineData("--mtp-acceptance 0.7", "--mtp-acceptance is given without --mtp")]
    public void Bad_mtp_input_exits_1_naming_the_flag_and_writes_nothing(string flags, string expected)
    {
        string dir = TempDir();
        var (exit, output) = Run(["profile", "--model", "moonshotai/Kimi-K2.5", .. flags.Split(' '), "--output-dir", dir]);
        Assert.Equal(1, exit);
        Assert.Contains(expected, output.ReplaceLineEndings(" "), StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void Dry_run_shows_the_plan_and_writes_nothing()
    {
        string dir = TempDir();
        var (exit, output) = Run("profile", "--model", "Qwen/Qwen3-0.6B", "--dry-run", "--output-dir", dir);
        Assert.Equal(0, exit);
        Assert.Contains("skip", output, StringComparison.Ordinal);
        Assert.Contains("TP8", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void A_model_that_is_not_bundled_profiles_from_its_config_as_the_bundled_one_does()
    {
        // Oracle: the bundled Qwen3-32B's profile. The same public config under an id nothing bundles, found through
        // --model-configs, must choose the same engines at the same numbers.
        string configs = TempDir();
        Directory.CreateDirectory(configs);
        File.Copy(SharedData.HfConfig("Qwen--Qwen3-32B"), Path.Combine(configs, "acme--Renamed-32B_config.json"));
        var (bundledExit, bundled) = Run("profile", "--output-dir", TempDir());
        var (renamedExit, renamed) = Run("profile", "--model", "acme/Renamed-32B", "--model-configs", configs, "--output-dir", TempDir());
        Assert.Equal((0, 0), (bundledExit, renamedExit));
        static string Tables(string text) => text[..text.IndexOf("SLA met", StringComparison.Ordinal)];
        Assert.Contains("Decode candidates", Tables(renamed), StringComparison.Ordinal);
        Assert.Equal(Tables(bundled).Replace("Qwen/Qwen3-32B", "acme/Renamed-32B", StringComparison.Ordinal).Replace("Qwen3-32B", "Renamed-32B", StringComparison.Ordinal), Tables(renamed));
    }

    [Theory]
    [InlineData("--backend", "tensorrt", "unknown backend")]
    [InlineData("--model", "Qwen/Qwen3-33B", "Did you mean")]
    [InlineData("--ttft", "-5", "--ttft")]
    [InlineData("--bogus-flag", "1", "unknown option --bogus-flag")]
    [InlineData("--isl", "41000", "beyond the max context length of 40960 (Qwen3-32B's max_position_embeddings)")]
    [InlineData("--namespace", "Bad_NS", "--namespace 'Bad_NS' is not a Kubernetes namespace")]
    [InlineData("--namespace", "a-namespace-name-that-runs-on-well-past-the-sixty-three-characters-allowed", "RFC 1123 label")]
    [InlineData("--dgd-image", " ", "--dgd-image is empty")]
    public void Bad_profile_input_exits_1_naming_the_field(string flag, string value, string expected)
    {
        string dir = TempDir();
        var (exit, output) = Run("profile", flag, value, "--output-dir", dir);
        Assert.Equal(1, exit);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));
    }

    [Theory]
    [InlineData("apiVersion: nvidia.com/v1alpha1\nkind: DynamoGraphDeployment\nmetadata: {name: x}\nspec: {services: {}}\n", "the DGD has no Frontend service")]
    [InlineData("apiVersion: nvidia.com/v1alpha1\nkind: DynamoGraphDeployment\nmetadata: {name: x}\nspec: {services: {Frontend: {}}}\n", "expected one service with subComponentType: prefill, found 0")]
    [InlineData("127.0.0.1 localhost\n", "expected a YAML mapping of keys, found a plain value")]
    public void A_base_config_the_emitter_cannot_use_fails_before_the_sweep(string yaml, string expected)
    {
        string dir = TempDir();
        string config = Path.Combine(Directory.CreateTempSubdirectory().FullName, "base.yaml");
        File.WriteAllText(config, yaml);
        var (exit, output) = Run("profile", "--config", config, "--output-dir", dir);
        Assert.Equal(1, exit);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.DoesNotContain("interpolation", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void A_bad_dgdr_exits_1_and_writes_nothing()
    {
        string dir = TempDir();
        string dgdr = Path.Combine(Path.GetDirectoryName(dir)!, "bad.yaml");
        File.WriteAllText(dgdr, "apiVersion: nvidia.com/v1alpha1\nkind: DynamoGraphDeploymentRequest\nmetadata:\n  name: x\nspec:\n  backend: vllm\n  profilingConfig:\n    profilerImage: img\n");
        var (exit, output) = Run("profile", "--dgdr", dgdr, "--output-dir", dir);
        Assert.Equal(1, exit);
        Assert.Contains("spec.model is required", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));
    }
}
