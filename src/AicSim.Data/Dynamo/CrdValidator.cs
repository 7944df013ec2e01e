using System.Text.Json;
using System.Text.Json.Nodes;
using AicSim.Core.Errors;
using Json.Schema;

namespace AicSim.Data.Dynamo;

/// <summary>
/// Validates documents against a CustomResourceDefinition's openAPIV3Schema (JsonSchema.Net), as the Kubernetes API
/// server would before storing them. Kubernetes-only keywords (x-kubernetes-*) are annotations here.
/// </summary>
public sealed class CrdValidator
{
    private readonly JsonSchema _schema;

    private CrdValidator(JsonSchema schema, string kind)
    {
        _schema = schema;
        Kind = kind;
    }

    public string Kind { get; }

    /// <summary>Loads the schema of the first served version of a CRD YAML file.</summary>
    public static CrdValidator Load(string crdPath)
    {
        ArgumentNullException.ThrowIfNull(crdPath);
        if (!File.Exists(crdPath))
        {
            throw new AicSimException($"no CRD at '{crdPath}'.");
        }

        var crd = YamlNodes.ParseObject(File.ReadAllText(crdPath), crdPath);
        string kind = crd["spec"]?["names"]?["kind"]?.GetValue<string>() ?? "?";
        var version = (crd["spec"]?["versions"] as JsonArray)?.FirstOrDefault(v => v?["served"]?.GetValue<bool>() != false)
            ?? throw new AicSimException($"{crdPath}: no served version in spec.versions.");
        var schema = version["schema"]?["openAPIV3Schema"] ?? throw new AicSimException($"{crdPath}: no openAPIV3Schema.");
        // Kubernetes schemas carry x-kubernetes-* extension keywords: annotations here, as for the API server's structural checks.
        var options = new BuildOptions { Dialect = Dialect.Draft202012.With([], allowUnknownKeywords: true) };
        return new CrdValidator(JsonSchema.FromText(schema.ToJsonString(), options), kind);
    }

    /// <summary>Every schema violation, as "location: message"; empty when valid.</summary>
    public IReadOnlyList<string> Problems(JsonNode document)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var doc = JsonDocument.Parse(document.ToJsonString());
        var results = _schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return [];
        }

        return (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{(d.InstanceLocation.ToString() is { Length: > 0 } l ? l : "/")}: {e.Value}"))
            .Distinct()
            .ToList();
    }
}
