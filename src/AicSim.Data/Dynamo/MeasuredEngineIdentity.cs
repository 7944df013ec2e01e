namespace AicSim.Data.Dynamo;

/// <summary>
/// What the planner's own raw_data.npz files do not record, given by the user: the engine the profiler measured.
/// </summary>
/// <param name="Model">Model id.</param>
/// <param name="System">System name, e.g. h200_sxm.</param>
/// <param name="Backend">trtllm, vllm or sglang.</param>
/// <param name="Tp">Tensor-parallel size.</param>
/// <param name="Dp">Attention data-parallel size.</param>
/// <param name="BackendVersion">The framework's version, for kernel tables (empty: the newest).</param>
public sealed record MeasuredEngineIdentity(string Model, string System, string Backend, int Tp = 1, int Dp = 1, string BackendVersion = "");
