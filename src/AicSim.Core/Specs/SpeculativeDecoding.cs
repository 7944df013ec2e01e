namespace AicSim.Core.Specs;

/// <summary>
/// Speculative decoding with the model's multi-token-prediction layers (DeepSeek's MTP, TensorRT-LLM's and SGLang's
/// "nextn"): every decode step drafts <paramref name="DraftTokens"/> tokens one after another with the draft layer, then
/// the full model checks all of them at once, keeping the drafts up to the first rejected one plus one token of its own.
/// </summary>
/// <param name="DraftTokens">Tokens drafted per step (TensorRT-LLM's num_nextn_predict_layers, SGLang's
/// speculative-num-steps).</param>
/// <param name="Acceptance">Probability that a draft token is accepted given the ones before it were, the same for each
/// position (a chain of independent trials).</param>
public sealed record SpeculativeDecoding(int DraftTokens, double Acceptance)
{
    public int DraftTokens { get; } = DraftTokens >= 0 ? DraftTokens : throw new ArgumentOutOfRangeException(nameof(DraftTokens), DraftTokens, "Draft tokens cannot be negative.");

    public double Acceptance { get; } = Acceptance is >= 0 and <= 1 ? Acceptance : throw new ArgumentOutOfRangeException(nameof(Acceptance), Acceptance, "Acceptance is a probability, from 0 to 1.");

    /// <summary>
    /// Tokens a sequence gains per step: 1 + a + a² + … + aⁿ, the verified token plus each draft that survives the
    /// ones before it.
    /// </summary>
    public double TokensPerStep
    {
        get
        {
            double tokens = 0;
            double survive = 1;
            for (int i = 0; i <= DraftTokens; i++)
            {
                tokens += survive;
                survive *= Acceptance;
            }

            return tokens;
        }
    }
}
