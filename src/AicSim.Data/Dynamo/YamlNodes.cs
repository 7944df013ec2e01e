using System.Globalization;
using System.Text.Json.Nodes;
using AicSim.Core.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace AicSim.Data.Dynamo;

/// <summary>
/// Kubernetes YAML as <see cref="JsonNode"/> trees: one model to edit, validate against a CRD's JSON schema and write back.
/// Plain scalars get YAML 1.2 core types (null, bool, int, float); quoted scalars stay strings.
/// </summary>
public static class YamlNodes
{
    private static readonly ISerializer Writer = new SerializerBuilder()
        .WithQuotingNecessaryStrings()
        .WithIndentedSequences()
        .DisableAliases()
        .Build();

    /// <summary>Every document of a YAML stream.</summary>
    public static IReadOnlyList<JsonNode?> ParseAll(string yaml, string source)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new AicSimException($"{source}: not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}");
        }

        return stream.Documents.Select(d => Convert(d.RootNode)).ToList();
    }

    /// <summary>The single document of a YAML (or JSON) text, as an object.</summary>
    public static JsonObject ParseObject(string yaml, string source)
    {
        var docs = ParseAll(yaml, source);
        if (docs.Count != 1)
        {
            throw new AicSimException($"{source}: expected one YAML document holding a mapping, found {docs.Count} documents.");
        }

        if (docs[0] is not JsonObject obj)
        {
            string found = docs[0] switch { null => "an empty document", JsonArray => "a list", _ => $"a plain value ('{Clip(docs[0]!.ToString())}')" };
            throw new AicSimException($"{source}: expected a YAML mapping of keys, found {found}.");
        }

        return obj;
    }

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";

    /// <summary>One YAML document.</summary>
    public static string Write(JsonNode node) => Writer.Serialize(ToPlain(node));

    /// <summary>Several documents separated by <c>---</c>.</summary>
    public static string WriteAll(IEnumerable<JsonNode> nodes) => string.Join("---\n", nodes.Select(Write));

    private static JsonNode? Convert(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (key, value) in map.Children)
                {
                    obj[((YamlScalarNode)key).Value ?? string.Empty] = Convert(value);
                }

                return obj;
            case YamlSequenceNode seq:
                var arr = new JsonArray();
                foreach (var item in seq.Children)
                {
                    arr.Add(Convert(item));
                }

                return arr;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                return null;
        }
    }

    private static JsonNode? Scalar(YamlScalarNode s)
    {
        string v = s.Value ?? string.Empty;
        if (s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(v);
        }

        switch (v)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long i))
        {
            return JsonValue.Create(i);
        }

        if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && v.Any(char.IsDigit))
        {
            return JsonValue.Create(d);
        }

        return JsonValue.Create(v);
    }

    private static object? ToPlain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => ToPlain(p.Value)),
        JsonArray a => a.Select(ToPlain).ToList(),
        JsonValue v when v.TryGetValue(out string? s) => s,
        JsonValue v when v.TryGetValue(out bool b) => b,
        JsonValue v when v.TryGetValue(out long l) => l,
        JsonValue v when v.TryGetValue(out int n) => n,
        JsonValue v when v.TryGetValue(out double d) => d,
        _ => node.ToJsonString(),
    };
}
