using AicSim.Core.Errors;

namespace AicSim.Core.Specs;

/// <summary>Names of <see cref="Backend"/>s.</summary>
public static class Backends
{
    public static IReadOnlyList<string> Names { get; } = ["trtllm", "vllm", "sglang"];

    public static Backend Parse(string name, string field = "--backend") =>
        TryParse(name, out var backend)
            ? backend
            : throw new AicSimException($"{field}: unknown backend '{name}'. Use one of {string.Join(", ", Names)}.{NameSuggester.Hint(name, Names)}");

    /// <summary>The backend a name spells (any case; TensorRT-LLM's usual spellings too), or false.</summary>
    public static bool TryParse(string name, out Backend backend)
    {
        ArgumentNullException.ThrowIfNull(name);
        Backend? known = name.Trim().ToLowerInvariant() switch
        {
            "trtllm" or "tensorrt-llm" or "tensorrt_llm" or "trt-llm" => Backend.TrtLlm,
            "vllm" => Backend.Vllm,
            "sglang" => Backend.Sglang,
            _ => null,
        };
        backend = known.GetValueOrDefault();
        return known is not null;
    }

    public static string Name(Backend backend) => backend switch
    {
        Backend.TrtLlm => "trtllm",
        Backend.Vllm => "vllm",
        Backend.Sglang => "sglang",
        _ => throw new ArgumentOutOfRangeException(nameof(backend)),
    };
}
