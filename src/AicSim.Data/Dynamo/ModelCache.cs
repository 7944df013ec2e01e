namespace AicSim.Data.Dynamo;

/// <summary>A PVC holding model weights: mounted in every worker, and the model argument points at mountPath/pvcPath.</summary>
public sealed record ModelCache(string PvcName, string PvcPath, string MountPath)
{
    /// <summary>Where a worker finds the model: {mountPath}/{pvcPath}, without doubled slashes.</summary>
    public string ModelPath => $"{MountPath.TrimEnd('/')}/{PvcPath.Trim('/')}".TrimEnd('/');
}
