using System.Text.Json;
using System.Text.Json.Nodes;
using AicSim.Core.Profiling;
using AicSim.Data.Dynamo;
using AicSim.Data.Numpy;
using AicSim.Data.Plots;

namespace AicSim.Data.Profiles;

/// <summary>
/// Writes a profile run's files into the output folder. Everything is written into a staging folder first and moved into
/// place only when all of it succeeded, so a failed run leaves nothing half-written. The file names are a contract with
/// the planner and with users' scripts.
/// </summary>
public static class ProfileOutputWriter
{
    /// <summary>Every file a run writes, relative to the output folder.</summary>
    public static IReadOnlyList<string> Files { get; } =
    [
        "prefill_performance.png",
        "decode_performance.png",
        "selected_prefill_interpolation/raw_data.npz",
        "selected_prefill_interpolation/prefill_ttft_interpolation.png",
        "selected_prefill_interpolation/prefill_throughput_interpolation.png",
        "selected_decode_interpolation/raw_data.npz",
        "selected_decode_interpolation/decode_itl_interplation.png",
        "selected_decode_interpolation/decode_throughput_interpolation.png",
        "disagg_config.yaml",
        "config_with_planner.yaml",
        "mocker_config_with_planner.yaml",
        "profile_sla.log",
        "summary.json",
    ];

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The documents a run produces, before they are written.</summary>
    public sealed record Documents(JsonObject BaseConfig, JsonObject Dgd, JsonObject MockerDgd, JsonObject ConfigMap, JsonObject Summary);

    /// <summary>Writes all files; <paramref name="extra"/> adds more (the DGDR's outputs) by relative name.</summary>
    public static void Write(string outputDir, ProfileResult result, Documents docs, IReadOnlyList<string> log, IReadOnlyDictionary<string, string>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(outputDir);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(docs);
        ArgumentNullException.ThrowIfNull(log);
        string target = Path.GetFullPath(outputDir);
        string staging = Path.Combine(Path.GetDirectoryName(target.TrimEnd(Path.DirectorySeparatorChar))!, $".{Path.GetFileName(target.TrimEnd(Path.DirectorySeparatorChar))}.{Environment.ProcessId}.staging");
        try
        {
            Directory.CreateDirectory(Path.Combine(staging, "selected_prefill_interpolation"));
            Directory.CreateDirectory(Path.Combine(staging, "selected_decode_interpolation"));
            string P(string name) => Path.Combine(staging, name);

            ProfilePlots.PrefillPerformance(P("prefill_performance.png"), result);
            ProfilePlots.DecodePerformance(P("decode_performance.png"), result);
            Npz.Write(P("selected_prefill_interpolation/raw_data.npz"), PlannerProfileData.PrefillArrays(result.PrefillInterpolation));
            ProfilePlots.PrefillTtftInterpolation(P("selected_prefill_interpolation/prefill_ttft_interpolation.png"), result);
            ProfilePlots.PrefillThroughputInterpolation(P("selected_prefill_interpolation/prefill_throughput_interpolation.png"), result);
            Npz.Write(P("selected_decode_interpolation/raw_data.npz"), PlannerProfileData.DecodeArrays(result.DecodeInterpolation));
            ProfilePlots.DecodeItlInterpolation(P("selected_decode_interpolation/decode_itl_interplation.png"), result);
            ProfilePlots.DecodeThroughputInterpolation(P("selected_decode_interpolation/decode_throughput_interpolation.png"), result);
            File.WriteAllText(P("disagg_config.yaml"), YamlNodes.Write(docs.BaseConfig));
            File.WriteAllText(P("config_with_planner.yaml"), YamlNodes.WriteAll([docs.ConfigMap, docs.Dgd]));
            File.WriteAllText(P("mocker_config_with_planner.yaml"), YamlNodes.WriteAll([docs.ConfigMap, docs.MockerDgd]));
            File.WriteAllLines(P("profile_sla.log"), log);
            File.WriteAllText(P("summary.json"), docs.Summary.ToJsonString(Indented));
            foreach (var (name, text) in extra ?? new Dictionary<string, string>())
            {
                File.WriteAllText(P(name), text);
            }

            Directory.CreateDirectory(target);
            foreach (var file in Directory.EnumerateFiles(staging, "*", SearchOption.AllDirectories))
            {
                string dest = Path.Combine(target, Path.GetRelativePath(staging, file));
                Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
                File.Move(file, dest, overwrite: true);
            }
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }
}
