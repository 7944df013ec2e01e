using AicSim.Core.Engine;
using AicSim.Core.Errors;
using AicSim.Core.Specs;

namespace AicSim.Gpu;

/// <summary>Where a capacity sweep runs: a CUDA GPU, every CPU core, or (auto) whichever is faster for the grid.</summary>
public enum SweepDevice
{
    /// <summary>A CUDA GPU when there is one and the grid is large enough to repay starting it, else every CPU core.</summary>
    Auto,
    Cpu,
    Gpu,
}

/// <summary>What bounds an engine's concurrency at one context.</summary>
public enum CapacityLimit
{
    /// <summary>One more sequence per attention rank would take the decode step past the ITL target.</summary>
    Itl,

    /// <summary>The KV cache holds no more sequences of this context.</summary>
    KvCache,

    /// <summary>The framework's batch limit per attention rank.</summary>
    BatchLimit,

    /// <summary>Not even one sequence per rank meets the ITL target.</summary>
    Unreachable,
}

/// <summary>One engine at one context: the most concurrent requests within the ITL target, and what that gives.</summary>
/// <param name="Mapping">The engine's mapping.</param>
/// <param name="Context">Mean tokens in each sequence's KV cache.</param>
/// <param name="MaxConcurrency">Requests decoding at once across its attention ranks (0 when unreachable).</param>
/// <param name="ItlMs">Inter-token latency there (NaN when unreachable).</param>
/// <param name="TokensPerSecPerGpu">Generated tokens per second per GPU there.</param>
/// <param name="LimitedBy">What stops one more request per rank.</param>
public sealed record CapacityPoint(ParallelConfig Mapping, double Context, long MaxConcurrency, double ItlMs, double TokensPerSecPerGpu, CapacityLimit LimitedBy);

/// <summary>The capacity table and where it was computed.</summary>
/// <param name="Points">Per engine, per context.</param>
/// <param name="Device">What evaluated the grid ("NVIDIA H200 (Cuda)", "CPU, 16 threads").</param>
/// <param name="GridPoints">Decode steps priced: engines × contexts × batch sizes.</param>
public sealed record CapacityResult(IReadOnlyList<CapacityPoint> Points, string Device, long GridPoints);

/// <summary>
/// A what-if over engines × contexts × every batch size per attention rank up to the framework's limit: the largest
/// batch whose decode step (the engines' own, <see cref="DecodeSweep.ForEngines"/>) meets the ITL target, then capped
/// by the KV cache and the batch limit. The grid is priced on a CUDA GPU (only one integer per engine and context
/// comes back) or in CPU loops on every core; both give the same answer, and auto picks the GPU only for grids large
/// enough to repay its start (<see cref="AutoGpuStepsPerCore"/>).
/// </summary>
public static class CapacitySweep
{
    /// <summary>
    /// Decode steps per CPU core above which auto uses a CUDA GPU. Measured on an H200 host (gpu-check): one GPU run
    /// costs 0.54–0.66 s whatever the grid (ILGPU context, PTX JIT, uploads), while 16 cores price 26–87 million steps a
    /// second (1.6–5.4 million per core). So below about 0.6 s × 3 million steps per core the CPU finishes first.
    /// </summary>
    public const long AutoGpuStepsPerCore = 2_000_000;

    /// <summary>Whether auto would start the GPU for a grid of this many decode steps on this many cores.</summary>
    public static bool GpuRepays(long gridSteps, int cores) => gridSteps >= AutoGpuStepsPerCore * cores;

    public static CapacityResult Run(IReadOnlyList<EngineModel> engines, IReadOnlyList<double> contexts, double itlMs, SweepDevice device)
    {
        ArgumentNullException.ThrowIfNull(engines);
        ArgumentNullException.ThrowIfNull(contexts);
        ArgumentOutOfRangeException.ThrowIfZero(engines.Count, nameof(engines));
        ArgumentOutOfRangeException.ThrowIfZero(contexts.Count, nameof(contexts));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(itlMs);
        int maxBatch = engines.Max(e => e.Config.Backend.MaxBatchPerRank);
        double[] batches = [.. Enumerable.Range(1, maxBatch).Select(b => (double)b)];
        double[] axis = [.. contexts];
        long grid = (long)engines.Count * axis.Length * batches.Length;
        if (device == SweepDevice.Auto && !GpuRepays(grid, Environment.ProcessorCount))
        {
            device = SweepDevice.Cpu;
        }

        var (largest, where) = Largest(engines, batches, axis, itlMs / 1000.0, device);

        var points = new List<CapacityPoint>();
        for (int m = 0; m < engines.Count; m++)
        {
            var engine = engines[m];
            int dp = engine.AttentionDp;
            for (int c = 0; c < axis.Length; c++)
            {
                int index = largest[(m * axis.Length) + c];
                long byItl = index < 0 ? 0 : (long)batches[index];
                long byKv = engine.Memory.RequestsHeld(axis[c]) / dp;
                long byBatch = engine.Config.Backend.MaxBatchPerRank;
                long perRank = Math.Min(byItl, Math.Min(byKv, byBatch));
                var limit = byItl == 0 ? CapacityLimit.Unreachable
                    : perRank == byKv && byKv < byItl ? CapacityLimit.KvCache
                    : perRank == byBatch && (byBatch < byItl || index == batches.Length - 1) ? CapacityLimit.BatchLimit
                    : CapacityLimit.Itl;
                long concurrency = perRank * dp;
                double itl = concurrency > 0 ? engine.DecodeItlMs(concurrency, axis[c]) : double.NaN;
                double perGpu = concurrency > 0 ? concurrency * 1000.0 / itl / engine.Config.Gpus : 0;
                points.Add(new CapacityPoint(engine.Config.Parallel, axis[c], concurrency, itl, perGpu, limit));
            }
        }

        return new CapacityResult(points, where, grid);
    }

    private static (int[] Largest, string Where) Largest(IReadOnlyList<EngineModel> engines, double[] batches, double[] contexts, double stepSeconds, SweepDevice device)
    {
        if (engines.Any(e => e.Config.Backend.Speculative is { DraftTokens: > 0 }))
        {
            // The kernel prices the plain step; a speculative engine's time per token (draft, verify, tokens kept) is
            // EngineModel's own, priced here on every core.
            if (device == SweepDevice.Gpu)
            {
                throw new AicSimException("--device gpu: the GPU sweep prices plain decode steps, and these engines decode with MTP. Use --device cpu or auto (every CPU core), or leave --mtp out.");
            }

            return (LargestWithEngineModel(engines, batches, contexts, stepSeconds * 1000.0), $"CPU, {Environment.ProcessorCount} threads (MTP: each engine's own time per token)");
        }

        if (device != SweepDevice.Cpu)
        {
            using var context = SweepContext.Create();
            using var accelerator = SweepContext.CreateCudaAccelerator(context);
            if (accelerator is not null)
            {
                using var sweep = DecodeSweep.ForEngines(accelerator, engines);
                return (sweep.LargestBatchWithin(batches, contexts, stepSeconds), $"{accelerator.Name} ({accelerator.AcceleratorType})");
            }

            if (device == SweepDevice.Gpu)
            {
                throw new AicSimException("--device gpu: no CUDA GPU is visible to this process. Use --device auto (a GPU when there is one and the grid repays it, else every CPU core) or --device cpu.");
            }
        }

        var (ops, ranges, hardware, efficiency) = DecodeSweep.FlattenEngines(engines);
        var largest = DecodeSweepKernel.LargestBatchWithinOnAllCores(ops, ranges, batches, contexts, stepSeconds, hardware, efficiency);
        return (largest, $"CPU, {Environment.ProcessorCount} threads");
    }

    /// <summary>
    /// Per (engine, context), the index of the largest batch per rank whose time per generated token
    /// (<see cref="EngineModel.DecodeTokenMs(double, double)"/>) meets the ITL, or −1: what the kernel answers for the
    /// plain step, for engines it cannot price.
    /// </summary>
    private static int[] LargestWithEngineModel(IReadOnlyList<EngineModel> engines, double[] batches, double[] contexts, double itlMs)
    {
        var largest = new int[engines.Count * contexts.Length];
        Parallel.For(0, largest.Length, row =>
        {
            var engine = engines[row / contexts.Length];
            double context = contexts[row % contexts.Length];
            int best = -1;
            for (int b = 0; b < batches.Length; b++)
            {
                if (engine.DecodeTokenMs(batches[b], context) <= itlMs)
                {
                    best = b;
                }
            }

            largest[row] = best;
        });
        return largest;
    }
}
