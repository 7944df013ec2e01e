namespace AicSim.Core.Specs;

/// <summary>The three layer structures AicSim models in code; models differ otherwise only in data.</summary>
public enum ArchitectureFamily
{
    /// <summary>Grouped-query attention and a dense SwiGLU FFN (Llama, Qwen2/3, Mistral).</summary>
    DenseGqa,

    /// <summary>Grouped-query attention and routed experts (Qwen3-MoE, Mixtral, gpt-oss, MiniMax-M2).</summary>
    GqaMoe,

    /// <summary>Multi-head latent attention and routed experts (DeepSeek-V3/R1/V3.2, Kimi-K2, GLM-5).</summary>
    MlaMoe,
}
