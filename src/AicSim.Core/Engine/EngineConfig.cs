using AicSim.Core.Specs;

namespace AicSim.Core.Engine;

/// <summary>Everything that fixes one engine (worker): the model, the GPUs, the mapping, the quantisation and the framework.</summary>
public sealed record EngineConfig(ModelSpec Model, SystemSpec System, ParallelConfig Parallel, QuantConfig Quant, BackendProfile Backend)
{
    public int Gpus => Parallel.Gpus;

    public override string ToString() =>
        $"{Model.ShortName} on {Parallel.Gpus}× {System.Name} {Parallel.Name} ({Quant}) with {Backends.Name(Backend.Backend)}";
}
