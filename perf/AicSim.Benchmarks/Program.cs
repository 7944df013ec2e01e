using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(AicSim.Benchmarks.EstimateBenchmarks).Assembly).Run(args);
