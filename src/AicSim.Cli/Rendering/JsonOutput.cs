using System.Text.Json;
using System.Text.Json.Serialization;

namespace AicSim.Cli.Rendering;

/// <summary>How aicsim writes JSON: snake_case keys (units in the names), indented.</summary>
internal static class JsonOutput
{
    /// <summary>Every field written, a missing value as null (<c>validate --summary</c>: a script can rely on each key).</summary>
    public static JsonSerializerOptions AllFields { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>Fields that do not apply left out (<c>estimate --json</c>: no <c>mtp</c> without speculative decoding).</summary>
    public static JsonSerializerOptions OmittingNulls { get; } = new(AllFields)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
