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

    /// <summary>
    /// The backend a name spells, in any case and with or without '-', '_' or spaces (TensorRT-LLM, trt_llm, tensorrt_llm
    /// as the Python package is named, vLLM, SGLang, and Dynamo's runtimes of them: dynamo-trtllm), or false.
    /// </summary>
    public static bool TryParse(string name, out Backend backend)
    {
        ArgumentNullException.ThrowIfNull(name);
        string key = string.Concat(name.Where(c => c is not ('-' or '_' or ' '))).ToLowerInvariant();
        if (key.StartsWith("dynamo", StringComparison.Ordinal))
        {
            // Dynamo's runtimes are named for the framework they serve with (dynamo-trtllm, ai-dynamo/vllm-runtime).
            key = key["dynamo".Length..];
        }

        Backend? known = key switch
        {
            "trtllm" or "tensorrtllm" => Backend.TrtLlm,
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
