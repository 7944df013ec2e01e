using AicSim.Core.Specs;

namespace AicSim.Data.Calibration;

/// <summary>
/// Rows of the calibration file that were measured with speculative decoding, which the file does not record: a build,
/// or one model's runs of a build on one day. Each names its evidence, which is always the same kind — the same
/// configurations measured without it by another build or run decode markedly slower while their TTFT is no higher,
/// which is what multi-token prediction does (fewer, longer steps) and no faster kernel build would.
/// </summary>
/// <param name="Backend">The framework.</param>
/// <param name="Version">Its build, as the file's backend_version names it.</param>
/// <param name="Decoding">How the rows are read to decode.</param>
/// <param name="Evidence">Why, in a phrase the reading quotes.</param>
public sealed record SpeculativeRun(Backend Backend, string Version, SpeculativeDecoding Decoding, string Evidence)
{
    /// <summary>Only this model's rows (its Hugging Face id as the row names it); null for every model of the build.</summary>
    public string? Model { get; init; }

    /// <summary>Only rows measured on this day (the source's <c>measured=</c>); null for every day.</summary>
    public DateOnly? MeasuredOn { get; init; }

    /// <summary>
    /// Only rows labelled plain tensor parallel of this size (tp_size, no expert or attention-DP split), where the same
    /// day also ran other mappings plainly; null for every mapping.
    /// </summary>
    public int? TensorParallel { get; init; }

    /// <summary>
    /// The runs known to have decoded with MTP. Each is read as the checkpoint's own MTP with one draft token a step
    /// (DeepSeek-R1's config.json has one MTP module, <c>num_nextn_predict_layers: 1</c>; Qwen3.5's one,
    /// <c>mtp_num_hidden_layers: 1</c>), accepted 85% of the time (the DeepSeek-V3 technical report: 85–90% for the
    /// second token; no figure is published for Qwen3.5's module, so DeepSeek's stands in). Found by comparing each run's
    /// cross-validated TPOT and TTFT errors with those of its siblings (docs/validate.md): these runs alone are
    /// over-predicted in TPOT by 0.20–0.33 in the log while their TTFT is under-predicted.
    /// </summary>
    public static IReadOnlyList<SpeculativeRun> Known { get; } =
    [
        // 68 DeepSeek-R1 rows on B200: at the 19 configurations it shares with 1.2.0rc6.post2, TPOT 0.49–0.80 of post2's
        // (0.70–0.80 with 8192-token prompts, whose prefill speculation does not speed up), TTFT 1.16× at the median.
        new(Backend.TrtLlm, "1.2.0rc6.post3", new(1, SpeculativeDecoding.DefaultAcceptance),
            "its TPOT is 0.49–0.80× that of the same configurations on 1.2.0rc6.post2"),

        // 48 DeepSeek-R1 rows on B200 and H200 measured on 2026-01-14: at the 22 configurations they share with the same
        // build's DeepSeek-V3 run of 2025-12-15 (the same architecture), TPOT 0.50× (B200, 0.35–0.75) and 0.67× (H200,
        // 0.52–0.78) of it at the median, TTFT 1.20× and 1.37×; at 4 clients on H200 TEP8, 8.6 ms against 13.8.
        new(Backend.TrtLlm, "1.1.0rc2.post2", new(1, SpeculativeDecoding.DefaultAcceptance),
            "its TPOT is 0.50–0.67× that of the same configurations in the same build's DeepSeek-V3 run of 2025-12-15, its TTFT 1.2–1.4×")
        {
            Model = "deepseek-ai/DeepSeek-R1",
            MeasuredOn = new DateOnly(2026, 1, 14),
        },

        // 31 Qwen3.5-397B-A17B FP8 rows on B200 (TP4) measured on 2026-03-20: TPOT 6.3 ms at 4 clients and 5.1 ms with
        // 8192-token answers, below the same build's TP8 run of 2026-03-24 (8.3 and 7.8 ms), which reads half the
        // weights a GPU; only drafting explains a narrower engine decoding faster.
        new(Backend.Sglang, "0.5.9", new(1, SpeculativeDecoding.DefaultAcceptance),
            "its TP4 decodes faster than the same build's TP8 run of 2026-03-24 at the same load")
        {
            Model = "Qwen/Qwen3.5-397B-A17B",
            MeasuredOn = new DateOnly(2026, 3, 20),
        },

        // The same on B300 (not a target system): 6 Qwen3.5-397B-A17B FP8 TP4 rows of 2026-04-03, where the same day's
        // TP8 rows decode slower (8 clients, ISL 1024 / OSL 1024: 6.87 ms at TP4 against 9.31 ms at TP8; 8192 / 1024 at
        // 16 clients, 11.49 against 12.84) and its TEP4 rows decode as predicted, while the TP4 rows' TTFT is 1.8–2.1× the
        // prediction at 16 clients or more.
        new(Backend.Sglang, "0.5.9", new(1, SpeculativeDecoding.DefaultAcceptance),
            "its TP4 decodes faster than the same day's TP8 run at the same load")
        {
            Model = "Qwen/Qwen3.5-397B-A17B",
            MeasuredOn = new DateOnly(2026, 4, 3),
            TensorParallel = 4,
        },
    ];

    /// <summary>The known run <paramref name="row"/> belongs to, or null when it decoded plainly as far as is known.</summary>
    public static SpeculativeRun? Of(SiliconRow row, Backend backend)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Known.FirstOrDefault(r => r.Matches(row, backend));
    }

    private bool Matches(SiliconRow row, Backend backend) =>
        Backend == backend
        && string.Equals(Version, row.BackendVersion, StringComparison.Ordinal)
        && (Model is null || string.Equals(Model, row.Model.Trim(), StringComparison.OrdinalIgnoreCase))
        && (MeasuredOn is null || MeasuredOn == row.MeasuredOn)
        && (TensorParallel is null || (row.Agg.Tp == TensorParallel && (row.Agg.MoeEp ?? 1) == 1 && (row.Agg.AttentionDp ?? 1) == 1));
}
