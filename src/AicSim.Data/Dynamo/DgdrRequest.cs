using System.Text.Json.Nodes;
using AicSim.Data.Profiles;

namespace AicSim.Data.Dynamo;

/// <summary>A validated DynamoGraphDeploymentRequest, read the way the operator's profiling job reads it.</summary>
public sealed record DgdrRequest
{
    public required string Name { get; init; }

    public string? Namespace { get; init; }

    /// <summary>Options from spec.model, spec.backend and profilingConfig.config.</summary>
    public required ProfileOptions Options { get; init; }

    public bool UseMocker { get; init; }

    public bool AutoApply { get; init; }

    public string? WorkersImage { get; init; }

    /// <summary>deploymentOverrides.name / namespace / labels / annotations for the generated DGD.</summary>
    public string? DgdName { get; init; }

    public string? DgdNamespace { get; init; }

    public IReadOnlyDictionary<string, string> DgdLabels { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> DgdAnnotations { get; init; } = new Dictionary<string, string>();

    /// <summary>profilingConfig.configMapRef (name, key), which only the cluster can resolve.</summary>
    public (string Name, string Key)? ConfigMapRef { get; init; }

    /// <summary>The document as read, for the status output.</summary>
    public required JsonObject Document { get; init; }

    /// <summary>Things the user should know (online profiling requested, configMapRef not resolvable offline...).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
