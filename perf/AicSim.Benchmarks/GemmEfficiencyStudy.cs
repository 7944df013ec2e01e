using System.Globalization;
using AicSim.Core.Specs;
using AicSim.Core.Tables;
using AicSim.Data.KernelData;
using AicSim.Data.Systems;

namespace AicSim.Benchmarks;

/// <summary>
/// What share of the tensor-core peak aiconfigurator's measured TensorRT-LLM GEMMs reach, by dtype, and how well two
/// shapes of the efficiency curve describe them: the roofline's ramp in m (m / (m + 64)) and a tile fill,
/// x / (x + c) for x output tiles of 128 × 128 per SM; and what a decode-sized GEMM (m = 1–64) takes beyond reading its
/// weights at 0.8 of HBM bandwidth, by dtype and backend (<see cref="AicSim.Core.Estimation.EfficiencyParams.Fp8GemmExtraSec"/>,
/// <see cref="AicSim.Core.Estimation.EfficiencyParams.Fp8BlockGemmExtraSec"/>).
/// The README's GEMM paragraphs quote it.
/// </summary>
public static class GemmEfficiencyStudy
{
    private static readonly (string System, int Sms)[] Systems = [("h100_sxm", 132), ("h200_sxm", 132), ("b200_sxm", 148)];

    private static readonly int[] Ms = [256, 512, 1024, 2048, 4096, 8192];

    public static void Run(string perfDb)
    {
        var catalog = SystemCatalog.Load();
        var loaded = Systems.Select(s => (Name: s.System, s.Sms, Spec: catalog.Get(s.System), PerfDbReader.Load(perfDb, s.System, "trtllm").Tables)).ToList();
        KernelStudy.Header("system", "dtype", "large GEMMs", "share of the dtype's peak (median)", "relative to bf16");
        var fits = new List<object[]>();
        foreach (var (name, sms, system, tables) in loaded)
        {
            double? bf16 = null;
            foreach (var dtype in new[] { "bfloat16", "fp8", "fp8_block", "nvfp4" })
            {
                var points = Points(tables, system, dtype, sms).ToList();
                var large = points.Where(p => p.M >= 1024 && p.K >= 4096 && p.TilesPerSm >= 4).Select(p => p.Share).Order().ToList();
                if (large.Count == 0)
                {
                    continue;
                }

                double median = large[large.Count / 2];
                bf16 ??= dtype == "bfloat16" ? median : null;
                KernelStudy.Row(name, dtype, large.Count, median.ToString("F2", CultureInfo.InvariantCulture), bf16 is double b ? (median / b).ToString("F2", CultureInfo.InvariantCulture) : "-");
                if (dtype == "bfloat16")
                {
                    // Compute-bound shapes only (k ≥ 1024): how much of the spread each curve explains, its level fitted.
                    var compute = points.Where(p => p.K >= 1024).ToList();
                    var (bestC, bestErr) = new[] { 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5 }
                        .Select(c => (c, Spread(compute, p => p.TilesPerSm / (p.TilesPerSm + c))))
                        .MinBy(t => t.Item2);
                    fits.Add([name, compute.Count, Pct(Spread(compute, p => p.M / (p.M + 64.0))), bestC.ToString("F2", CultureInfo.InvariantCulture), Pct(bestErr)]);
                }
            }
        }

        Console.WriteLine();
        KernelStudy.Header("system", "bf16 shapes (k ≥ 1024)", "MAPE, ramp in m", "tile fill c", "MAPE, tile fill");
        foreach (var row in fits)
        {
            KernelStudy.Row(row);
        }

        Console.WriteLine();
        KernelStudy.Header("system", "backend", "dtype", "decode-sized GEMMs (m 1–64, n·k ≥ 2048²)", "beyond the weight read (µs, median)");
        var perBackend = loaded.Select(l => (l.Name, Backend: "trtllm", l.Spec, l.Tables))
            .Concat(loaded.SelectMany(l => new[] { "vllm", "sglang" }.Select(b => (l.Name, Backend: b, l.Spec, PerfDbReader.Load(perfDb, l.Name, b).Tables))));
        foreach (var (name, backend, system, tables) in perBackend)
        {
            double bw = system.MemoryBandwidthBytesPerSec * 0.8;
            foreach (var (dtype, bytes) in new[] { ("bfloat16", 2.0), ("fp8", 1.0), ("fp8_block", 1.0), ("nvfp4", 0.5625) })
            {
                var excess = tables.Gemm.Where(kv => kv.Key.Dtype == dtype && kv.Key.N * kv.Key.K >= 2048L * 2048)
                    .SelectMany(kv => new[] { 1, 8, 64 }.Select(m => kv.Value.Interpolate(m) is double ms ? (ms * 1e-3) - (kv.Key.N * kv.Key.K * bytes / bw) : double.NaN))
                    .Where(x => !double.IsNaN(x)).Order().ToList();
                if (excess.Count > 0)
                {
                    KernelStudy.Row(name, backend, dtype, excess.Count, (excess[excess.Count / 2] * 1e6).ToString("F1", CultureInfo.InvariantCulture));
                }
            }
        }
    }

    private static string Pct(double x) => (100 * x).ToString("F0", CultureInfo.InvariantCulture) + "%";

    private sealed record Point(double M, double N, double K, double Share, double TilesPerSm);

    private static IEnumerable<Point> Points(KernelTables tables, SystemSpec system, string dtype, int sms)
    {
        var compute = dtype switch
        {
            "bfloat16" => ComputeType.Bf16,
            "nvfp4" => ComputeType.Fp4,
            _ => ComputeType.Fp8,
        };
        double peak = system.PeakFlopsPerSec.GetValueOrDefault(compute);
        if (peak <= 0)
        {
            yield break;
        }

        foreach (var ((d, n, k), curve) in tables.Gemm)
        {
            if (d != dtype || n < 256)
            {
                continue;
            }

            foreach (int m in Ms)
            {
                if (curve.Interpolate(m) is double ms)
                {
                    double tiles = Math.Ceiling(m / 128.0) * Math.Ceiling(n / 128.0);
                    yield return new Point(m, n, k, 2.0 * m * n * k / (ms * 1e-3) / peak, tiles / sms);
                }
            }
        }
    }

    /// <summary>Mean absolute relative error of share ≈ level · shape(p), the level the geometric mean of the ratios.</summary>
    private static double Spread(List<Point> points, Func<Point, double> shape)
    {
        var logs = points.Select(p => Math.Log(p.Share / shape(p))).ToList();
        double level = logs.Average();
        return logs.Average(l => Math.Abs(Math.Exp(l - level) - 1));
    }
}
