namespace AicSim.Core.Specs;

/// <summary>The serving frameworks Dynamo runs.</summary>
public enum Backend
{
    TrtLlm,
    Vllm,
    Sglang,
}
