using System.Text.Json.Nodes;
using AicSim.Core.Specs;

namespace AicSim.Data.Dynamo;

/// <summary>
/// Built-in base disaggregated DGDs, equivalent to each backend's examples/backends/&lt;backend&gt;/deploy/disagg.yaml in
/// Dynamo (service names, worker commands and arguments), so a user without a --config gets a deployment of the real shape.
/// </summary>
public static class BaseConfigs
{
    /// <summary>The decode and prefill service names of a backend's base config.</summary>
    public static (string Decode, string Prefill) WorkerNames(Backend backend) => backend switch
    {
        Backend.Vllm => ("VllmDecodeWorker", "VllmPrefillWorker"),
        Backend.Sglang => ("decode", "prefill"),
        _ => ("TRTLLMDecodeWorker", "TRTLLMPrefillWorker"),
    };

    public static string DefaultImage(Backend backend) => backend switch
    {
        Backend.Vllm => "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.7.1",
        Backend.Sglang => "nvcr.io/nvidia/ai-dynamo/sglang-runtime:0.7.1",
        _ => "nvcr.io/nvidia/ai-dynamo/tensorrtllm-runtime:0.7.1",
    };

    public static JsonObject Disagg(Backend backend, string model)
    {
        string name = $"{Backends.Name(backend)}-disagg";
        string image = DefaultImage(backend);
        var (decode, prefill) = WorkerNames(backend);
        return new JsonObject
        {
            ["apiVersion"] = "nvidia.com/v1alpha1",
            ["kind"] = "DynamoGraphDeployment",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = new JsonObject
            {
                ["services"] = new JsonObject
                {
                    ["Frontend"] = new JsonObject
                    {
                        ["dynamoNamespace"] = name,
                        ["componentType"] = "frontend",
                        ["replicas"] = 1,
                        ["extraPodSpec"] = new JsonObject { ["mainContainer"] = new JsonObject { ["image"] = image } },
                    },
                    [decode] = Worker(backend, name, image, model, "decode"),
                    [prefill] = Worker(backend, name, image, model, "prefill"),
                },
            },
        };
    }

    private static JsonObject Worker(Backend backend, string ns, string image, string model, string role)
    {
        var (workingDir, module, args) = backend switch
        {
            Backend.Vllm => ("/workspace/examples/backends/vllm", "dynamo.vllm", new[] { "--model", model, role == "prefill" ? "--is-prefill-worker" : "--is-decode-worker" }),
            Backend.Sglang => ("/workspace/examples/backends/sglang", "dynamo.sglang", new[]
            {
                "--model-path", model, "--served-model-name", model, "--page-size", "16", "--tp", "1", "--trust-remote-code",
                "--skip-tokenizer-init", "--disaggregation-mode", role, "--disaggregation-transfer-backend", "nixl",
                "--disaggregation-bootstrap-port", "12345", "--host", "0.0.0.0",
            }),
            _ => ("/workspace/", "dynamo.trtllm", new[]
            {
                "--model-path", model, "--served-model-name", model, "--extra-engine-args",
                $"./examples/backends/trtllm/engine_configs/qwen3/{role}.yaml", "--disaggregation-mode", role,
            }),
        };

        return new JsonObject
        {
            ["dynamoNamespace"] = ns,
            ["envFromSecret"] = "hf-token-secret",
            ["componentType"] = "worker",
            ["subComponentType"] = role,
            ["replicas"] = 1,
            ["resources"] = new JsonObject { ["limits"] = new JsonObject { ["gpu"] = "1" } },
            ["extraPodSpec"] = new JsonObject
            {
                ["mainContainer"] = new JsonObject
                {
                    ["image"] = image,
                    ["workingDir"] = workingDir,
                    ["command"] = new JsonArray("python3", "-m", module),
                    ["args"] = new JsonArray(args.Select(a => (JsonNode)a).ToArray()),
                },
            },
        };
    }
}
