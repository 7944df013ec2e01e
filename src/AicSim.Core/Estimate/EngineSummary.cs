using AicSim.Core.Engine;

namespace AicSim.Core.Estimate;

/// <summary>One engine of an estimate: mapping and memory, for the report.</summary>
/// <param name="Role">"agg", "prefill" or "decode".</param>
/// <param name="Mapping">TP4, TEP8, DEP16, ...</param>
/// <param name="Gpus">GPUs of one engine.</param>
/// <param name="Memory">Memory per GPU and KV capacity.</param>
public sealed record EngineSummary(string Role, string Mapping, int Gpus, MemoryFit Memory);
