using AicSim.Core.Errors;

namespace AicSim.Core.Specs;

/// <summary>
/// How one engine (worker) splits a model over GPUs.
/// GPUs = tp × attention-DP × pp; the experts are split moe_tp × moe_ep over the same tp × attention-DP GPUs.
/// </summary>
/// <param name="Tp">Tensor parallel size of attention and dense layers.</param>
/// <param name="Pp">Pipeline stages.</param>
/// <param name="AttentionDp">Attention data-parallel ranks (DEP); each holds a full copy of attention.</param>
/// <param name="MoeTp">Tensor split of each expert's FFN.</param>
/// <param name="MoeEp">Expert-parallel split of the expert set.</param>
public sealed record ParallelConfig(int Tp, int Pp = 1, int AttentionDp = 1, int MoeTp = 1, int MoeEp = 1)
{
    public int Gpus => Tp * Pp * AttentionDp;

    /// <summary>TP n: attention and FFN split n ways; experts (if any) split by tensor.</summary>
    public static ParallelConfig TensorParallel(int n) => new(n, 1, 1, n, 1);

    /// <summary>TEP n: tensor-parallel attention, experts split n ways.</summary>
    public static ParallelConfig TensorExpertParallel(int n) => new(n, 1, 1, 1, n);

    /// <summary>DEP n: attention data-parallel n ways, experts split n ways.</summary>
    public static ParallelConfig DataExpertParallel(int n) => new(1, 1, n, 1, n);

    /// <summary>
    /// A mapping from sizes as users give them, where the expert split may be left out: for a MoE model it then follows
    /// the attention split (TP n: experts tensor-split n ways; with attention DP: experts split over all GPUs, as DEP).
    /// </summary>
    public static ParallelConfig FromSizes(int tp, int pp, int attentionDp, int? moeTp, int? moeEp, bool isMoe)
    {
        if (!isMoe)
        {
            return new ParallelConfig(tp, pp, attentionDp, 1, 1);
        }

        int gpus = tp * attentionDp;
        return (moeTp, moeEp) switch
        {
            (null, null) => attentionDp > 1 ? new ParallelConfig(tp, pp, attentionDp, 1, gpus) : new ParallelConfig(tp, pp, attentionDp, gpus, 1),
            (null, int ep) => new ParallelConfig(tp, pp, attentionDp, ep > 0 && gpus % ep == 0 ? gpus / ep : 0, ep),
            (int mt, null) => new ParallelConfig(tp, pp, attentionDp, mt, mt > 0 && gpus % mt == 0 ? gpus / mt : 0),
            (int mt, int ep) => new ParallelConfig(tp, pp, attentionDp, mt, ep),
        };
    }

    /// <summary>The profiler's name of this mapping: TP4, TEP8, DEP16 (with -PP2 etc. for pipeline stages), or the full tuple when it is none of those.</summary>
    /// <remarks>A model without experts ignores moe_tp, so any mapping with one attention rank and no expert split is TP.</remarks>
    public string Name => (Pp == 1 ? Stage : $"{Stage}-PP{Pp}") is var name && name.Length > 0
        ? name
        : $"tp{Tp}-pp{Pp}-dp{AttentionDp}-moetp{MoeTp}-moeep{MoeEp}";

    /// <summary>
    /// The mapping's family: the profiler's three (DOMAIN.md §2) — TP, TEP where tensor-parallel attention runs the
    /// experts split expert-parallel (wholly or in part), DEP where data-parallel attention does — and DP for
    /// data-parallel attention beside tensor-split experts (SGLang's and vLLM's DP attention without expert
    /// parallelism); "-PP" with pipeline stages. The families move their tokens differently (all-reduces, expert
    /// dispatch, attention-DP balancing), so accuracy is reported per family too.
    /// </summary>
    public string Family =>
        (AttentionDp > 1 ? (MoeEp > 1 ? "DEP" : "DP") : MoeEp > 1 ? "TEP" : "TP") + (Pp > 1 ? "-PP" : string.Empty);

    // One pipeline stage's mapping when it is one of the named ones, else empty.
    private string Stage =>
        AttentionDp == 1 && MoeEp == 1 ? $"TP{Tp}" :
        AttentionDp == 1 && MoeTp == 1 && MoeEp == Tp ? $"TEP{Tp}" :
        Tp == 1 && MoeTp == 1 && MoeEp == AttentionDp ? $"DEP{AttentionDp}" :
        string.Empty;

    /// <summary>Checks sizes are positive and the expert split covers the attention GPUs; returns problems.</summary>
    public IReadOnlyList<string> Problems(bool isMoe)
    {
        var problems = new List<string>();
        int gpus = Tp * AttentionDp;
        if (isMoe && MoeTp == 0 && MoeEp >= 1)
        {
            // FromSizes derives the other split as gpus / given; 0 means the given one does not divide them.
            return [$"moe-ep {MoeEp} does not divide the {gpus} GPUs attention runs on (tp {Tp} × attention-dp {AttentionDp}): the experts are split over the same GPUs. For TEP n use --tp n --moe-ep n; for DEP n use --attention-dp n --moe-ep n."];
        }

        if (isMoe && MoeEp == 0 && MoeTp >= 1)
        {
            return [$"moe-tp {MoeTp} does not divide the {gpus} GPUs attention runs on (tp {Tp} × attention-dp {AttentionDp}): the experts are split over the same GPUs. Give a --moe-tp that divides {gpus}, or --moe-ep."];
        }

        foreach (var (name, value) in new[] { ("tp", Tp), ("pp", Pp), ("attention-dp", AttentionDp), ("moe-tp", MoeTp), ("moe-ep", MoeEp) })
        {
            if (value < 1)
            {
                problems.Add($"--{name} is {value}; parallel sizes must be 1 or more.");
            }
        }

        if (problems.Count == 0 && isMoe && MoeTp * MoeEp != Tp * AttentionDp)
        {
            problems.Add(
                $"moe-tp {MoeTp} × moe-ep {MoeEp} = {MoeTp * MoeEp} must equal tp {Tp} × attention-dp {AttentionDp} = {Tp * AttentionDp}: " +
                "the experts are split over the same GPUs as attention. For TEP n use --tp n --moe-ep n; for DEP n use --attention-dp n --moe-ep n.");
        }

        return problems;
    }

    /// <summary>Throws <see cref="AicSimException"/> listing every problem.</summary>
    public void Validate(bool isMoe)
    {
        var p = Problems(isMoe);
        if (p.Count > 0)
        {
            throw new AicSimException(p);
        }
    }

    public override string ToString() => Name;
}
