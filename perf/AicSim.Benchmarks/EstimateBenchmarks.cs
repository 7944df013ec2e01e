using AicSim.Core.Estimate;
using AicSim.Core.Estimation;
using AicSim.Core.Ops;
using AicSim.Core.Specs;
using AicSim.Data.Calibration;
using AicSim.Data.Models;
using AicSim.Data.Systems;
using BenchmarkDotNet.Attributes;

namespace AicSim.Benchmarks;

/// <summary>
/// `aicsim estimate` speed. The target: all 3343 rows of ../shared/data/silicon_calibration.csv in under 10 s
/// on a 2-core machine. Run: dotnet run -c Release --project perf/AicSim.Benchmarks -- --filter '*EstimateBenchmarks*'
/// </summary>
[MemoryDiagnoser]
public class EstimateBenchmarks
{
    private SiliconRowMapper _mapper = null!;
    private string _calibration = null!;
    private OpTable _ops = null!;
    private HardwareParams _hw;
    private EstimateRequest _single = null!;

    [GlobalSetup]
    public void Setup()
    {
        var models = ModelCatalog.Load();
        var systems = SystemCatalog.Load();
        _mapper = new SiliconRowMapper(models, systems);
        _calibration = FindCalibrationFile();
        var system = systems.Get("h200_sxm");
        var model = models.Resolve("Qwen/Qwen3-32B");
        _ops = OpTableCompiler.Compile(model, ParallelConfig.TensorParallel(4), model.DefaultQuant, system);
        _hw = HardwareParams.From(system);
        _single = new EstimateRequest
        {
            Model = models.Resolve("deepseek-ai/DeepSeek-V3"),
            System = system,
            Backend = BackendProfile.For(Backend.TrtLlm),
            Quant = models.Resolve("deepseek-ai/DeepSeek-V3").DefaultQuant,
            Workload = new Core.Serving.Workload(4000, 500),
            Mode = ServingMode.Aggregated,
            Parallel = ParallelConfig.TensorExpertParallel(8),
            Concurrency = 64,
        };
    }

    /// <summary>Read, map and estimate every row of the calibration file (what batch mode does, less writing the output).</summary>
    [Benchmark]
    public int Calibration_file_all_rows()
    {
        int ok = 0;
        foreach (var row in SiliconCsv.Read(_calibration))
        {
            try
            {
                var result = Estimator.Run(_mapper.Map(row));
                ok += result.Fits ? 1 : 0;
            }
            catch (Core.Errors.AicSimException)
            {
                // Unsupported rows cost their mapping time too.
            }
        }

        return ok;
    }

    /// <summary>One aggregated estimate of DeepSeek-V3 TEP8 at concurrency 64: compile, fit memory, serve.</summary>
    [Benchmark]
    public double Single_estimate_deepseek_v3() => Estimator.Run(_single).Serving.TpotMs;

    /// <summary>The hot loop: one decode step of a compiled op table.</summary>
    [Benchmark]
    public double Decode_step_latency() => StepLatency.RooflineSeconds(_ops.Ops, StepShape.Decode(64, 4250), _hw, EfficiencyParams.Default);

    private static string FindCalibrationFile()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "..", "shared", "data", "silicon_calibration.csv");
            if (File.Exists(Path.Combine(dir.FullName, "AicSim.sln")) && File.Exists(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        throw new FileNotFoundException("Run the benchmarks from the repository, with ../shared beside it.");
    }
}
