using System.Text.Json;
using System.Text.Json.Nodes;
using AicSim.Core.Errors;
using AicSim.Core.Specs;
using AicSim.Data.Dynamo;
using AicSim.Tests;

namespace AicSim.Data.Tests;

public sealed class DgdEmitterTests
{
    private static readonly Lazy<CrdValidator> DgdSchema = new(() => CrdValidator.Load(SharedData.Path("dynamo", "crds", "nvidia.com_dynamographdeployments.yaml")));

    public static TheoryData<Backend, string> Cases()
    {
        var data = new TheoryData<Backend, string>();
        foreach (var backend in new[] { Backend.Vllm, Backend.Sglang, Backend.TrtLlm })
        {
            foreach (var kind in new[] { "tp", "tep", "dep" })
            {
                data.Add(backend, kind);
            }
        }

        return data;
    }

    private static ParallelConfig Mapping(string kind, int n) => kind switch
    {
        "tep" => ParallelConfig.TensorExpertParallel(n),
        "dep" => ParallelConfig.DataExpertParallel(n),
        _ => ParallelConfig.TensorParallel(n),
    };

    /// <summary>Prefill on 4 GPUs, decode on 16 (two 8-GPU nodes), an image, a namespace, a model cache and a planner option.</summary>
    private static (JsonObject Dgd, JsonObject Mocker) Emit(Backend backend, string kind, SpeculativeDecoding? mtp = null)
    {
        string model = kind == "tp" ? "Qwen/Qwen3-32B" : "deepseek-ai/DeepSeek-R1";
        var plan = new DgdEmitter.Plan(backend, model, Mapping(kind, 4), Mapping(kind, 16), 8, 500, 30, mtp);
        var options = new DeploymentOptions
        {
            Namespace = "inference",
            Image = "nvcr.io/nvidia/ai-dynamo/runtime:test",
            ModelCache = new ModelCache("model-cache", "hub/models/deepseek", "/opt/models/"),
            PlannerArgs = [("adjustment-interval", "60")],
            Labels = new Dictionary<string, string> { ["dgdr.nvidia.com/name"] = "sla", ["dgdr.nvidia.com/namespace"] = "inference" },
        };
        var baseConfig = BaseConfigs.Disagg(backend, model);
        return (DgdEmitter.Emit(baseConfig, plan, options), DgdEmitter.EmitMocker(baseConfig, plan, options));
    }

    private static string[] Args(JsonObject dgd, string service) =>
        dgd["spec"]!["services"]![service]!["extraPodSpec"]!["mainContainer"]!["args"]!.AsArray().Select(a => a!.ToString()).ToArray();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Emitted_dgds_match_their_golden_files(Backend backend, string kind)
    {
        var (dgd, _) = Emit(backend, kind);
        Golden.Check($"dgd-{Backends.Name(backend)}-{kind}.yaml", YamlNodes.Write(dgd));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Emitted_dgds_validate_against_the_crd_schema(Backend backend, string kind)
    {
        // Oracle: the DynamoGraphDeployment CRD's openAPIV3Schema from ../shared/data/dynamo/crds.
        var (dgd, mocker) = Emit(backend, kind);
        Assert.Empty(DgdSchema.Value.Problems(dgd));
        Assert.Empty(DgdSchema.Value.Problems(mocker));

        // And what we write parses back to the same tree.
        Assert.True(JsonNode.DeepEquals(dgd, YamlNodes.ParseObject(YamlNodes.Write(dgd), "round trip")));
    }

    [Fact]
    public void The_schema_check_can_fail()
    {
        var (dgd, _) = Emit(Backend.Vllm, "tp");
        dgd["spec"]!["services"]!["Frontend"]!["replicas"] = "one";
        Assert.NotEmpty(DgdSchema.Value.Problems(dgd));
    }

    [Fact]
    public void Vllm_mappings_use_its_parallel_flags()
    {
        // DOMAIN.md §4: TEP: --tensor-parallel-size n --data-parallel-size 1 --enable-expert-parallel; DEP: tp 1, dp n.
        var tep = Args(Emit(Backend.Vllm, "tep").Dgd, "VllmPrefillWorker");
        Assert.Equal(["--tensor-parallel-size", "4", "--data-parallel-size", "1", "--enable-expert-parallel"], tep[^5..]);
        var dep = Args(Emit(Backend.Vllm, "dep").Dgd, "VllmDecodeWorker");
        Assert.Equal(["--tensor-parallel-size", "1", "--data-parallel-size", "16", "--enable-expert-parallel"], dep[^5..]);
        Assert.Contains("--is-decode-worker", dep);
    }

    [Fact]
    public void Sglang_mappings_use_tp_dp_ep_flags()
    {
        // DOMAIN.md §4: TP: --tp n; TEP: --tp n --ep n; DEP: --tp n --dp n --ep n --enable-dp-attention.
        Assert.Equal(["--tp", "4"], Args(Emit(Backend.Sglang, "tp").Dgd, "prefill")[^2..]);
        Assert.Equal(["--tp", "4", "--ep", "4"], Args(Emit(Backend.Sglang, "tep").Dgd, "prefill")[^4..]);
        var dep = Args(Emit(Backend.Sglang, "dep").Dgd, "decode");
        Assert.Equal(["--tp", "16", "--dp", "16", "--ep", "16", "--enable-dp-attention"], dep[^7..]);
        Assert.Single(dep, a => a == "--tp");
    }

    [Fact]
    public void Trtllm_mappings_go_in_the_engine_args()
    {
        var args = Args(Emit(Backend.TrtLlm, "dep").Dgd, "TRTLLMDecodeWorker");
        int i = Array.IndexOf(args, "--override-engine-args");
        using var engine = JsonDocument.Parse(args[i + 1]);
        Assert.Equal(16, engine.RootElement.GetProperty("tensor_parallel_size").GetInt32());
        Assert.Equal(16, engine.RootElement.GetProperty("moe_expert_parallel_size").GetInt32());
        Assert.True(engine.RootElement.GetProperty("enable_attention_dp").GetBoolean());
    }

    [Theory]
    [InlineData(Backend.Vllm, "VllmPrefillWorker", "VllmDecodeWorker")]
    [InlineData(Backend.Sglang, "prefill", "decode")]
    [InlineData(Backend.TrtLlm, "TRTLLMPrefillWorker", "TRTLLMDecodeWorker")]
    public void Mtp_is_enabled_on_prefill_and_decode_workers_in_each_backends_own_arguments(Backend backend, string prefill, string decode)
    {
        // Oracles: vLLM's MTP docs (--speculative-config {"method": "mtp", "num_speculative_tokens": n}), SGLang's
        // DeepSeek MTP launch flags (EAGLE, n steps, topk 1, n + 1 draft tokens), TensorRT-LLM's MTP blog
        // (speculative_config: decoding_type MTP, num_nextn_predict_layers n); the CRD schema for the whole DGD.
        var (dgd, mocker) = Emit(backend, "dep", new SpeculativeDecoding(3, 0.7));
        Assert.Empty(DgdSchema.Value.Problems(dgd));
        Assert.Empty(DgdSchema.Value.Problems(mocker));
        foreach (var service in new[] { prefill, decode })
        {
            var args = Args(dgd, service);
            switch (backend)
            {
                case Backend.Vllm:
                    using (var config = JsonDocument.Parse(args[Array.IndexOf(args, "--speculative-config") + 1]))
                    {
                        Assert.Equal("mtp", config.RootElement.GetProperty("method").GetString());
                        Assert.Equal(3, config.RootElement.GetProperty("num_speculative_tokens").GetInt32());
                    }

                    break;
                case Backend.Sglang:
                    Assert.Equal(["--speculative-algorithm", "EAGLE", "--speculative-num-steps", "3", "--speculative-eagle-topk", "1", "--speculative-num-draft-tokens", "4"], args[^8..]);
                    break;
                default:
                    using (var engine = JsonDocument.Parse(args[Array.IndexOf(args, "--override-engine-args") + 1]))
                    {
                        var spec = engine.RootElement.GetProperty("speculative_config");
                        Assert.Equal("MTP", spec.GetProperty("decoding_type").GetString());
                        Assert.Equal(3, spec.GetProperty("num_nextn_predict_layers").GetInt32());
                    }

                    break;
            }
        }

        // Without MTP no speculative argument is written.
        var (plain, _) = Emit(backend, "dep");
        Assert.DoesNotContain(Args(plain, decode), a => a.Contains("speculative", StringComparison.Ordinal));
    }

    [Fact]
    public void An_engine_spanning_nodes_gets_a_node_count_and_gpus_per_node()
    {
        var (dgd, _) = Emit(Backend.Sglang, "dep");
        var decode = dgd["spec"]!["services"]!["decode"]!;
        Assert.Equal(2, decode["multinode"]!["nodeCount"]!.GetValue<int>());
        Assert.Equal("8", decode["resources"]!["limits"]!["gpu"]!.ToString());
        var prefill = dgd["spec"]!["services"]!["prefill"]!;
        Assert.Null(prefill["multinode"]);
        Assert.Equal("4", prefill["resources"]!["limits"]!["gpu"]!.ToString());
    }

    [Fact]
    public void The_model_cache_is_mounted_in_every_worker_and_the_model_points_into_it()
    {
        var (dgd, _) = Emit(Backend.Vllm, "tp");
        foreach (var worker in new[] { "VllmPrefillWorker", "VllmDecodeWorker" })
        {
            var pod = dgd["spec"]!["services"]![worker]!["extraPodSpec"]!;
            Assert.Equal("model-cache", pod["volumes"]![0]!["persistentVolumeClaim"]!["claimName"]!.ToString());
            Assert.Equal("/opt/models/", pod["mainContainer"]!["volumeMounts"]![0]!["mountPath"]!.ToString());
            var args = Args(dgd, worker);
            Assert.Equal("/opt/models/hub/models/deepseek", args[Array.IndexOf(args, "--model") + 1]);
            Assert.Equal("Qwen/Qwen3-32B", args[Array.IndexOf(args, "--served-model-name") + 1]);
        }
    }

    [Fact]
    public void The_planner_gets_its_arguments_the_profile_data_and_the_frontend_image()
    {
        var (dgd, _) = Emit(Backend.TrtLlm, "tep");
        var planner = dgd["spec"]!["services"]!["Planner"]!;
        Assert.Equal("planner", planner["componentType"]!.ToString());
        var args = Args(dgd, "Planner");
        Assert.Contains("--adjustment-interval=60", args);
        Assert.Contains("--prefill-engine-num-gpu=4", args);
        Assert.Contains("--decode-engine-num-gpu=16", args);
        Assert.Contains("--profile-results-dir=/workspace/profiling_results", args);
        Assert.Equal("planner-profile-data", planner["extraPodSpec"]!["volumes"]![0]!["configMap"]!["name"]!.ToString());
        Assert.Equal("nvcr.io/nvidia/ai-dynamo/runtime:test", planner["extraPodSpec"]!["mainContainer"]!["image"]!.ToString());
        Assert.Equal("sla", dgd["metadata"]!["labels"]!["dgdr.nvidia.com/name"]!.ToString());
    }

    [Fact]
    public void The_real_base_configs_are_accepted_and_keep_their_service_names()
    {
        foreach (var (file, backend, decode) in new[] { ("vllm-disagg.yaml", Backend.Vllm, "VllmDecodeWorker"), ("sglang-disagg.yaml", Backend.Sglang, "decode"), ("trtllm-disagg.yaml", Backend.TrtLlm, "TRTLLMDecodeWorker") })
        {
            var baseConfig = YamlNodes.ParseObject(File.ReadAllText(SharedData.Path("dynamo", "main-4e6493a", "base-configs", file)), file);
            var dgd = DgdEmitter.Emit(baseConfig, new DgdEmitter.Plan(backend, "Qwen/Qwen3-32B", ParallelConfig.TensorParallel(1), ParallelConfig.TensorParallel(2), 8, 500, 30), new DeploymentOptions());
            Assert.NotNull(dgd["spec"]!["services"]![decode]);
            Assert.Empty(DgdSchema.Value.Problems(dgd));
            var args = Args(dgd, decode);
            Assert.Single(args, a => a is "--tp" or "--tensor-parallel-size" or "--override-engine-args");
        }
    }

    [Fact]
    public void Service_names_over_45_characters_are_refused()
    {
        var baseConfig = BaseConfigs.Disagg(Backend.Vllm, "m");
        var services = baseConfig["spec"]!["services"]!.AsObject();
        var worker = services["VllmDecodeWorker"]!;
        services.Remove("VllmDecodeWorker");
        services[new string('w', 46)] = worker;
        var e = Assert.Throws<AicSimException>(() => DgdEmitter.Emit(baseConfig, new DgdEmitter.Plan(Backend.Vllm, "m", ParallelConfig.TensorParallel(1), ParallelConfig.TensorParallel(1), 8, 1, 1), new DeploymentOptions()));
        Assert.Contains("46 characters", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_v1beta1_base_config_is_refused_with_the_reason()
    {
        var v1beta1 = YamlNodes.ParseObject(File.ReadAllText(SharedData.Path("dynamo", "base-configs", "mocker-disagg.yaml")), "mocker-disagg.yaml");
        var e = Assert.Throws<AicSimException>(() => DgdEmitter.Emit(v1beta1, new DgdEmitter.Plan(Backend.Vllm, "m", ParallelConfig.TensorParallel(1), ParallelConfig.TensorParallel(1), 8, 1, 1), new DeploymentOptions()));
        Assert.Contains("v1beta1", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4, 8, 4, 1)]
    [InlineData(8, 8, 8, 1)]
    [InlineData(16, 8, 8, 2)]
    [InlineData(32, 4, 4, 8)]
    public void Placement_follows_nodes(int gpus, int perNode, int perPod, int nodes)
    {
        Assert.Equal((perPod, nodes), DgdEmitter.Placement(gpus, perNode));
    }
}
