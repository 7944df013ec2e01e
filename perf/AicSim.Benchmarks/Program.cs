using AicSim.Benchmarks;
using BenchmarkDotNet.Running;

// `NAME-study PERF_DB` runs a kernel study (KernelStudy.Commands); anything else goes to BenchmarkDotNet.
if (args.Length == 2 && KernelStudy.Commands.TryGetValue(args[0], out var study))
{
    study(args[1]);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(EstimateBenchmarks).Assembly).Run(args);
