using BenchmarkDotNet.Running;

if (args.Length == 2 && args[0] == "moe-study")
{
    AicSim.Benchmarks.MoeStudy.Run(args[1]);
    return;
}

if (args.Length == 2 && args[0] == "allreduce-study")
{
    AicSim.Benchmarks.AllReduceStudy.Run(args[1]);
    return;
}

if (args.Length == 2 && args[0] == "attention-study")
{
    AicSim.Benchmarks.AttentionStudy.Run(args[1]);
    return;
}

if (args.Length == 2 && args[0] == "prefill-study")
{
    AicSim.Benchmarks.PrefillStudy.Run(args[1]);
    return;
}

if (args.Length == 2 && args[0] == "moe-prefill-study")
{
    AicSim.Benchmarks.MoeStudy.Run(args[1], prefill: true);
    return;
}

if (args.Length == 2 && args[0] == "gemm-study")
{
    AicSim.Benchmarks.GemmStudy.Run(args[1]);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(AicSim.Benchmarks.EstimateBenchmarks).Assembly).Run(args);
