namespace AicSim.Data.Dynamo;

/// <summary>How the emitted DGD is dressed: names, images, the model cache, the planner's pass-through arguments.</summary>
public sealed record DeploymentOptions
{
    /// <summary>The DGD's metadata.name (null: the base config's).</summary>
    public string? Name { get; init; }

    /// <summary>Kubernetes namespace (metadata.namespace; null: none).</summary>
    public string? Namespace { get; init; }

    /// <summary>Image for every service (--dgd-image).</summary>
    public string? Image { get; init; }

    /// <summary>Image for the workers only (DGDR deploymentOverrides.workersImage); wins over <see cref="Image"/> for workers.</summary>
    public string? WorkersImage { get; init; }

    public ModelCache? ModelCache { get; init; }

    /// <summary>Planner arguments without their "planner-" prefix, e.g. ("adjustment-interval", "60").</summary>
    public IReadOnlyList<(string Name, string Value)> PlannerArgs { get; init; } = [];

    /// <summary>Labels to add to metadata (the DGDR's name and namespace, deploymentOverrides.labels).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Annotations to add to metadata (deploymentOverrides.annotations).</summary>
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();
}
