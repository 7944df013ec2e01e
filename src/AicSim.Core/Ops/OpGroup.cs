namespace AicSim.Core.Ops;

/// <summary>Where an op's time is reported in a latency breakdown.</summary>
public enum OpGroup
{
    Attention = 0,
    Ffn = 1,
    Moe = 2,
    Communication = 3,
    EmbeddingAndLogits = 4,
    Norms = 5,
}
