using AicSim.Core.Engine;
using AicSim.Core.Ops;
using AicSim.Core.Specs;

namespace AicSim.Core.Profiling;

/// <summary>Which engine sizes and mappings the sweep tries (DOMAIN.md §2), with the ones it skips and why.</summary>
/// <param name="MinGpus">Smallest engine (power of two).</param>
/// <param name="MaxGpus">Largest engine.</param>
/// <param name="Candidates">Mappings to evaluate.</param>
/// <param name="Skipped">Mappings refused by the offline rules or by memory.</param>
public sealed record SweepPlan(int MinGpus, int MaxGpus, IReadOnlyList<ParallelConfig> Candidates, IReadOnlyList<SkippedMapping> Skipped)
{
    /// <summary>Up to 4 nodes for MoE models.</summary>
    public const int MaxMoeNodes = 4;

    /// <summary>Mapping families per architecture: MLA+MoE → TEP, DEP; GQA+MoE → TP, TEP, DEP; dense → TP.</summary>
    public static IReadOnlyList<MappingKind> KindsFor(ModelSpec model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Family switch
        {
            ArchitectureFamily.MlaMoe => [MappingKind.Tep, MappingKind.Dep],
            ArchitectureFamily.GqaMoe => [MappingKind.Tp, MappingKind.Tep, MappingKind.Dep],
            _ => [MappingKind.Tp],
        };
    }

    public static ParallelConfig Make(MappingKind kind, int gpus) => kind switch
    {
        MappingKind.Tep => ParallelConfig.TensorExpertParallel(gpus),
        MappingKind.Dep => ParallelConfig.DataExpertParallel(gpus),
        _ => ParallelConfig.TensorParallel(gpus),
    };

    /// <summary>
    /// GPU range: min = ceil(weights / (0.9 · GPU memory)) rounded up to a power of two; max = one node for dense models,
    /// max(8·min, GPUs per node) up to 4 nodes for MoE. User bounds override both. Every power of two in range, per family,
    /// each distinct engine once (a one-GPU TEP or DEP is the TP1 engine).
    /// </summary>
    public static SweepPlan For(ProfileRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var model = request.Model;
        double weights = TotalWeightBytes(request);
        int weightsNeed = NextPowerOfTwo((int)Math.Ceiling(weights / (0.9 * request.System.MemoryBytes)));
        int min = request.MinGpus ?? weightsNeed;
        int node = request.NodeGpus;
        int max = request.MaxGpus ?? (model.IsMoe ? Math.Min(Math.Max(8 * min, node), MaxMoeNodes * node) : node);
        max = Math.Max(max, min);

        var candidates = new List<ParallelConfig>();
        var skipped = new List<SkippedMapping>();
        foreach (var kind in KindsFor(model))
        {
            for (int gpus = 1; gpus <= max; gpus *= 2)
            {
                if (gpus < min)
                {
                    continue;
                }

                // On one GPU TP, TEP and DEP are the same engine: try it once.
                var mapping = Make(kind, gpus);
                if (candidates.Contains(mapping) || skipped.Any(s => s.Mapping == mapping))
                {
                    continue;
                }

                var problems = MappingRules.Problems(model, mapping, weightsNeed);
                if (problems.Count > 0)
                {
                    skipped.Add(new SkippedMapping(mapping, string.Join(" ", problems)));
                    continue;
                }

                var fit = MemoryModel.Compute(new EngineConfig(model, request.System, mapping, request.Quant, request.Backend), Compile(request, mapping));
                if (fit.MaxRequests(request.Isl, request.Osl) < 1)
                {
                    skipped.Add(new SkippedMapping(mapping, $"does not fit: {fit.UsedBeforeKvBytes / (1L << 30):F1} GiB per GPU before KV cache of {fit.CapacityBytes / (1L << 30):F1} GiB, with no room for one {request.Isl}+{request.Osl}-token request."));
                    continue;
                }

                candidates.Add(mapping);
            }
        }

        return new SweepPlan(min, max, candidates, skipped);
    }

    private static OpTable Compile(ProfileRequest r, ParallelConfig p) => OpTableCompiler.Compile(r.Model, p, r.Quant, r.System);

    private static double TotalWeightBytes(ProfileRequest r)
    {
        var one = ParallelConfig.FromSizes(1, 1, 1, null, null, r.Model.IsMoe);
        var fit = MemoryModel.Compute(new EngineConfig(r.Model, r.System, one, r.Quant, r.Backend), Compile(r, one));
        return fit.WeightBytes;
    }

    private static int NextPowerOfTwo(int n)
    {
        int p = 1;
        while (p < n)
        {
            p *= 2;
        }

        return p;
    }
}
