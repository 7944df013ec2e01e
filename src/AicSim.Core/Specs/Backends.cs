using AicSim.Core.Errors;

namespace AicSim.Core.Specs;

/// <summary>Names of <see cref="Backend"/>s.</summary>
public static class Backends
{
    public static IReadOnlyList<string> Names { get; } = ["trtllm", "vllm", "sglang"];

    public static Backend Parse(string name, string field = "--backend")
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "trtllm" or "tensorrt-llm" or "tensorrt_llm" or "trt-llm" => Backend.TrtLlm,
            "vllm" => Backend.Vllm,
            "sglang" => Backend.Sglang,
            _ => throw new AicSimException(
                $"{field}: unknown backend '{name}'. Use one of {string.Join(", ", Names)}.{NameSuggester.Hint(name, Names)}"),
        };
    }

    public static string Name(Backend backend) => backend switch
    {
        Backend.TrtLlm => "trtllm",
        Backend.Vllm => "vllm",
        Backend.Sglang => "sglang",
        _ => throw new ArgumentOutOfRangeException(nameof(backend)),
    };
}
