using System.Text.Json;
using System.Text.Json.Nodes;
using AicSim.Core.Profiling;
using AicSim.Core.Specs;

namespace AicSim.Data.Profiles;

/// <summary>summary.json: the inputs, every candidate with its predictions, the choice and why, and whether the SLA is met.</summary>
public static class ProfileSummary
{
    public static JsonObject Build(ProfileResult result, IReadOnlyList<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(warnings);
        var r = result.Request;
        return new JsonObject
        {
            ["tool"] = "aicsim profile",
            ["tool_version"] = ToolVersion.Current,
            ["inputs"] = new JsonObject
            {
                ["model"] = r.Model.Id,
                ["system"] = r.System.Name,
                ["backend"] = Backends.Name(r.Backend.Backend),
                ["quant"] = new JsonObject { ["gemm"] = QuantModes.Name(r.Quant.Gemm), ["attention"] = QuantModes.Name(r.Quant.Attention), ["moe"] = QuantModes.Name(r.Quant.Moe), ["kv_cache"] = QuantModes.Name(r.Quant.KvCache) },
                ["isl"] = r.Isl,
                ["osl"] = r.Osl,
                ["ttft_ms"] = r.TtftMs,
                ["itl_ms"] = r.ItlMs,
                ["min_num_gpus"] = result.Plan.MinGpus,
                ["max_num_gpus"] = result.Plan.MaxGpus,
                ["num_gpus_per_node"] = r.NodeGpus,
                ["max_context_length"] = r.ContextLimit,
                ["prefill_interpolation_granularity"] = r.PrefillGranularity,
                ["decode_interpolation_granularity"] = r.DecodeGranularity,
            },
            ["sla_met"] = result.SlaMet,
            ["recommendation"] = new JsonObject
            {
                ["prefill"] = new JsonObject
                {
                    ["mapping"] = result.PrefillChoice.Point.Mapping.Name,
                    ["gpus"] = result.PrefillChoice.Point.Gpus,
                    ["ttft_ms"] = result.PrefillChoice.Point.TtftMs,
                    ["throughput_per_gpu"] = result.PrefillChoice.Point.ThroughputPerGpu,
                    ["sla_met"] = result.PrefillChoice.SlaMet,
                    ["why"] = result.PrefillChoice.Reason,
                },
                ["decode"] = new JsonObject
                {
                    ["mapping"] = result.DecodeChoice.Point.Mapping.Name,
                    ["gpus"] = result.DecodeChoice.Point.Gpus,
                    ["requests"] = result.DecodeChoice.Point.Requests,
                    ["itl_ms"] = result.DecodeChoice.Point.ItlMs,
                    ["throughput_per_gpu"] = result.DecodeChoice.Point.ThroughputPerGpu,
                    ["max_kv_tokens"] = result.DecodeInterpolation.MaxKvTokens,
                    ["sla_met"] = result.DecodeChoice.SlaMet,
                    ["why"] = result.DecodeChoice.Reason,
                },
            },
            ["prefill_candidates"] = new JsonArray(result.Prefill.Select(p => (JsonNode)new JsonObject
            {
                ["mapping"] = p.Mapping.Name,
                ["gpus"] = p.Gpus,
                ["ttft_ms"] = p.TtftMs,
                ["throughput_per_gpu"] = p.ThroughputPerGpu,
                ["meets_sla"] = p.TtftMs <= r.TtftMs,
            }).ToArray()),
            ["decode_candidates"] = new JsonArray(result.Decode.Select(d => (JsonNode)new JsonObject
            {
                ["mapping"] = d.Mapping.Name,
                ["gpus"] = d.Gpus,
                ["requests"] = d.Requests,
                ["itl_ms"] = d.ItlMs,
                ["throughput_per_gpu"] = d.ThroughputPerGpu,
                ["meets_sla"] = d.ItlMs <= r.ItlMs,
            }).ToArray()),
            ["skipped"] = new JsonArray(result.Plan.Skipped.Select(s => (JsonNode)new JsonObject { ["mapping"] = s.Mapping.Name, ["reason"] = s.Reason }).ToArray()),
            ["warnings"] = JsonSerializer.SerializeToNode(warnings),
        };
    }
}
