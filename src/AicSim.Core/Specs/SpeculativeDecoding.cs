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
    /// Acceptance when none is given: 0.85, DeepSeek-V3's technical report for its one MTP module's second token
    /// (85–90% across topics).
    /// </summary>
    public const double DefaultAcceptance = 0.85;

    /// <summary>Largest draft length the flags accept: beyond it acceptance makes extra drafts worthless.</summary>
    public const int MaxDraftTokens = 8;

    /// <summary>
    /// Why <paramref name="model"/> cannot decode with MTP (it has no multi-token-prediction modules), naming the flag
    /// and the fix; null when it can.
    /// </summary>
    public static string? Unsupported(ModelSpec model, string flag)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.MtpLayers > 0 ? null
            : $"{flag}: {model.Id} has no multi-token-prediction modules (its config.json has no num_nextn_predict_layers, mtp_num_hidden_layers " +
              $"or num_mtp_modules above 0), so it cannot draft with MTP. Leave {flag} out, or pick a model that has them (DeepSeek-V3/R1, GLM-5, Qwen3.5, MiniMax-M2.5).";
    }

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
