using System.Text.Json;
using System.Text.Json.Nodes;
using AicSim.Core.Profiling;
using AicSim.Data.Numpy;

namespace AicSim.Data.Dynamo;

/// <summary>The planner's interpolation data as npz files and as the planner-profile-data ConfigMap (DOMAIN.md §3).</summary>
public static class PlannerProfileData
{
    public static IReadOnlyList<(string Name, NpyArray Array)> PrefillArrays(PrefillInterpolation p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return
        [
            ("prefill_isl", NpyArray.Of(p.Isl)),
            ("prefill_ttft", NpyArray.Of(p.TtftMs)),
            ("prefill_thpt_per_gpu", NpyArray.Of(p.ThroughputPerGpu)),
        ];
    }

    public static IReadOnlyList<(string Name, NpyArray Array)> DecodeArrays(DecodeInterpolation d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return
        [
            ("x_kv_usage", NpyArray.Of(d.KvUsage)),
            ("y_context_length", NpyArray.Of(d.ContextLength)),
            ("z_itl", NpyArray.Of(d.ItlMs)),
            ("z_thpt_per_gpu", NpyArray.Of(d.ThroughputPerGpu)),
            ("max_kv_tokens", NpyArray.Of([d.MaxKvTokens])),
        ];
    }

    /// <summary>The ConfigMap: the same arrays as JSON lists, max_kv_tokens a number.</summary>
    public static JsonObject ConfigMap(PrefillInterpolation prefill, DecodeInterpolation decode, string? ns = null)
    {
        ArgumentNullException.ThrowIfNull(prefill);
        ArgumentNullException.ThrowIfNull(decode);
        var prefillJson = new JsonObject
        {
            ["prefill_isl"] = Array(prefill.Isl),
            ["prefill_ttft"] = Array(prefill.TtftMs),
            ["prefill_thpt_per_gpu"] = Array(prefill.ThroughputPerGpu),
        };
        var decodeJson = new JsonObject
        {
            ["x_kv_usage"] = Array(decode.KvUsage),
            ["y_context_length"] = Array(decode.ContextLength),
            ["z_itl"] = Array(decode.ItlMs),
            ["z_thpt_per_gpu"] = Array(decode.ThroughputPerGpu),
            ["max_kv_tokens"] = decode.MaxKvTokens,
        };
        var metadata = new JsonObject { ["name"] = DgdEmitter.ProfileDataConfigMap };
        if (ns is not null)
        {
            metadata["namespace"] = ns;
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = metadata,
            ["data"] = new JsonObject
            {
                ["prefill_raw_data.json"] = prefillJson.ToJsonString(),
                ["decode_raw_data.json"] = decodeJson.ToJsonString(),
            },
        };
    }

    private static JsonArray Array<T>(T[] values) => JsonSerializer.SerializeToNode(values)!.AsArray();
}
