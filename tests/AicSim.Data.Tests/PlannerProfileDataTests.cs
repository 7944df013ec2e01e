using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AicSim.Core.Profiling;
using AicSim.Data.Dynamo;
using AicSim.Data.Numpy;
using AicSim.Tests;

namespace AicSim.Data.Tests;

public sealed partial class PlannerProfileDataTests
{
    private static readonly PrefillInterpolation Prefill = new([100, 2621], [19.8, 249.3], [5036.5, 10513.2]);
    private static readonly DecodeInterpolation Decode = new([0.0007, 0.117], [350, 350], [10.6, 17.1], [47.2, 4920.6], 502272);

    [Fact]
    public void The_config_map_holds_the_planner_json_with_max_kv_tokens_a_number()
    {
        // Oracle: the real profiler output ../shared/data/dynamo/profiler-outputs/comparison-aic_all/config_with_planner.yaml.
        var real = YamlNodes.ParseAll(File.ReadAllText(SharedData.Path("dynamo", "profiler-outputs", "comparison-aic_all", "config_with_planner.yaml")), "real")[0]!;
        var ours = PlannerProfileData.ConfigMap(Prefill, Decode, "team");
        Assert.Equal(real["apiVersion"]!.ToString(), ours["apiVersion"]!.ToString());
        Assert.Equal(real["kind"]!.ToString(), ours["kind"]!.ToString());
        Assert.Equal(real["metadata"]!["name"]!.ToString(), ours["metadata"]!["name"]!.ToString());
        foreach (var key in new[] { "prefill_raw_data.json", "decode_raw_data.json" })
        {
            var theirs = JsonNode.Parse(real["data"]![key]!.ToString())!.AsObject();
            var mine = JsonNode.Parse(ours["data"]![key]!.GetValue<string>())!.AsObject();
            Assert.Equal(theirs.Select(p => p.Key).Order(StringComparer.Ordinal), mine.Select(p => p.Key).Order(StringComparer.Ordinal));
        }

        var decode = JsonNode.Parse(ours["data"]!["decode_raw_data.json"]!.GetValue<string>())!;
        Assert.Equal(502272, decode["max_kv_tokens"]!.GetValue<long>());
        Assert.Equal(2621, JsonNode.Parse(ours["data"]!["prefill_raw_data.json"]!.GetValue<string>())!["prefill_isl"]![1]!.GetValue<long>());
        Assert.Matches(DnsLabel(), ours["metadata"]!["name"]!.ToString());
    }

    [Fact]
    public void The_npz_arrays_have_the_planners_names_and_dtypes()
    {
        var decode = PlannerProfileData.DecodeArrays(Decode);
        Assert.Equal(["x_kv_usage", "y_context_length", "z_itl", "z_thpt_per_gpu", "max_kv_tokens"], decode.Select(a => a.Name));
        Assert.Equal(["<f8", "<f8", "<f8", "<f8", "<i8"], decode.Select(a => a.Array.Descr));
        Assert.Equal(["<i8", "<f8", "<f8"], PlannerProfileData.PrefillArrays(Prefill).Select(a => a.Array.Descr));
        using var buffer = new MemoryStream();
        Npz.Write(buffer, decode);
        Assert.True(buffer.Length > 0);
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();
}
