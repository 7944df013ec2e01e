using AicSim.Benchmarks;
using BenchmarkDotNet.Running;

// `NAME-study PERF_DB` runs a kernel study (KernelStudy.Commands), `weak-points-study SILICON_CSV` the README's weak
// points (WeakPointsStudy); `gpu-check [POINTS]` checks the CUDA kernel against the CPU loop (GpuCheck); anything else
// goes to BenchmarkDotNet.
if (args.Length is 1 or 2 && args[0] == "gpu-check")
{
    int points = 1 << 20;
    if (args.Length == 2 && (!int.TryParse(args[1], System.Globalization.CultureInfo.InvariantCulture, out points) || points < 3))
    {
        Console.Error.WriteLine($"gpu-check: POINTS '{args[1]}' must be a whole number of at least 3 (one per mapping), e.g. gpu-check 16777216.");
        return 2;
    }

    return GpuCheck.Run(points);
}

if (args.Length == 2 && KernelStudy.Commands.TryGetValue(args[0], out var study))
{
    study(args[1]);
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(EstimateBenchmarks).Assembly).Run(args);
return 0;
