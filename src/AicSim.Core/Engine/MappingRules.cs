using System.Globalization;
using AicSim.Core.Errors;
using AicSim.Core.Specs;

namespace AicSim.Core.Engine;

/// <summary>Which mappings a model admits (DOMAIN.md §2), with messages that name the number and the fix.</summary>
public static class MappingRules
{
    /// <summary>The offline path needs at least this many attention heads per GPU.</summary>
    public const int MinHeadsPerGpu = 4;

    /// <summary>
    /// Every reason the mapping cannot run this model; empty when it can. <paramref name="minGpus"/> is the smallest engine
    /// that holds the weights, where the caller knows it: a heads-rule fix that points below it would not fit either, so
    /// the message points at attention data parallelism instead.
    /// </summary>
    public static IReadOnlyList<string> Problems(ModelSpec model, ParallelConfig par, int minGpus = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(par);
        var problems = new List<string>(par.Problems(model.IsMoe));
        if (problems.Count > 0)
        {
            return problems;
        }

        int tp = par.Tp;
        int heads = model.NumAttentionHeads;
        int maxTp = LargestTpWithEnoughHeads(heads);
        string tooSmall = string.Create(CultureInfo.InvariantCulture,
            $"No tensor-parallel engine of {model.ShortName} is both narrow enough for its heads (at most TP{maxTp}) and wide enough for its weights (at least {minGpus} GPUs here): {(model.IsMoe ? "use attention data parallelism (DEP)" : "use a system with more memory per GPU")}.");
        if (heads % tp != 0)
        {
            problems.Add(
                $"{model.ShortName} has {heads} attention heads, which TP{tp} does not divide evenly. " +
                (maxTp < minGpus ? tooSmall : $"Use a tensor-parallel size that divides {heads} (at most {maxTp}; in a profile set maxNumGpusPerEngine: {maxTp})."));
        }
        else if (heads / tp < MinHeadsPerGpu)
        {
            problems.Add(
                $"{model.ShortName} has {heads} attention heads; TP{tp} leaves {heads / tp} per GPU, below the {MinHeadsPerGpu} the offline path needs. " +
                (maxTp < minGpus ? tooSmall : $"Set maxNumGpusPerEngine: {maxTp} (or --tp {maxTp})."));
        }

        // KV heads split evenly, or are replicated when tp is a multiple of them (each GPU keeps one copy).
        foreach (int kv in new[] { model.NumKeyValueHeads, model.WindowAttentionShape.KvHeads }.Distinct())
        {
            if (model.Family != ArchitectureFamily.MlaMoe && kv % tp != 0 && tp % kv != 0)
            {
                problems.Add($"{model.ShortName} has {kv} KV heads; TP{tp} neither divides them nor replicates them evenly. Use a TP that divides {kv} or is a multiple of it.");
            }
        }

        // DeepSeek-V4's grouped output projection splits its groups of heads over tensor ranks.
        if (model.HasCompressedAttention && model.OutputGroups % tp != 0)
        {
            problems.Add($"{model.ShortName}'s output projection has {model.OutputGroups} groups of heads (o_groups), which TP{tp} does not divide. Use a tensor-parallel size that divides {model.OutputGroups}, or attention data parallelism (DEP).");
        }

        // A Mamba-2 mixer splits its heads and its B/C groups over tensor ranks; a group cannot be cut.
        if (model.MambaLayers > 0 && (model.MambaHeads % tp != 0 || model.MambaGroups % tp != 0))
        {
            int groups = model.MambaGroups;
            problems.Add($"{model.ShortName}'s Mamba layers have {model.MambaHeads} heads in {groups} groups, which TP{tp} does not divide evenly. Use a tensor-parallel size that divides {groups} (attention data parallelism for wider engines).");
        }

        if (model.DenseFfnLayers > 0 && model.FfnWidthGroups.FirstOrDefault(g => g.Width > 0 && g.Width % tp != 0) is { Width: > 0 } odd)
        {
            problems.Add($"{model.ShortName}'s FFN width {odd.Width} is not divisible by TP{tp}.");
        }

        if (model.IsMoe)
        {
            if (model.NumExperts % par.MoeEp != 0)
            {
                problems.Add($"{model.ShortName} has {model.NumExperts} experts, which an expert split of {par.MoeEp} does not divide. Use an expert-parallel size that divides {model.NumExperts}.");
            }

            if (model.MoeIntermediateSize % par.MoeTp != 0)
            {
                problems.Add($"{model.ShortName}'s expert width {model.MoeIntermediateSize} is not divisible by moe-tp {par.MoeTp}.");
            }
        }

        if (par.Pp > model.NumLayers)
        {
            problems.Add($"pp {par.Pp} exceeds {model.ShortName}'s {model.NumLayers} layers.");
        }

        return problems;
    }

    /// <summary>Throws <see cref="UnsupportedException"/> listing every problem.</summary>
    public static void Validate(ModelSpec model, ParallelConfig par)
    {
        var problems = Problems(model, par);
        if (problems.Count > 0)
        {
            throw new UnsupportedException(string.Join(" ", problems));
        }
    }

    /// <summary>Largest power-of-two TP that divides the heads and leaves at least 4 per GPU (Qwen3-0.6B, 16 heads: 4).</summary>
    public static int LargestTpWithEnoughHeads(int heads)
    {
        int tp = 1;
        while (heads % (tp * 2) == 0 && heads / (tp * 2) >= MinHeadsPerGpu)
        {
            tp *= 2;
        }

        return tp;
    }
}
