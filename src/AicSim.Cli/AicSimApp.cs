using AicSim.Cli.Commands;
using AicSim.Cli.Infrastructure;
using AicSim.Core.Errors;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AicSim.Cli;

/// <summary>
/// The aicsim command tree. Exit codes: 0 ok, 1 bad input or unsupported configuration, 2 does not fit in GPU memory (estimate),
/// 3 no configuration meets the SLA (profile) or the ITL target (capacity).
/// </summary>
public static class AicSimApp
{
    public const int ExitOk = 0;
    public const int ExitInvalidInput = 1;
    public const int ExitDoesNotFit = 2;
    public const int ExitTargetNotMet = 3;

    /// <summary>Width for output that goes to a file, a pipe or a CI log, where there is no terminal to measure.</summary>
    public const int DefaultRedirectedWidth = 160;

    /// <summary>
    /// The console width to use, or null to leave Spectre's own: without a terminal Spectre wraps every table at 80
    /// columns, which folds validate's and calibrate's tables cell by cell. <c>COLUMNS</c> wins where set (the shell
    /// convention); otherwise redirected output gets room for the widest report.
    /// </summary>
    public static int? RedirectedWidth(bool outputRedirected, string? columns) =>
        int.TryParse(columns, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int c) && c > 0 ? c
        : outputRedirected ? DefaultRedirectedWidth
        : null;

    public static int Run(string[] args, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        var registrar = new TypeRegistrar();
        registrar.RegisterInstance(typeof(IAnsiConsole), console);
        var app = new CommandApp(registrar);
        app.Configure(config =>
        {
            config.SetApplicationName("aicsim");
            config.SetApplicationVersion(Data.ToolVersion.Current);
            config.ConfigureConsole(console);
            config.PropagateExceptions();
            config.SetInterceptor(new UnknownOptionCheck());
            config.AddCommand<EstimateCommand>("estimate")
                .WithDescription("Predict TTFT, TPOT, throughput and memory of one configuration, or of every row of a CSV.")
                .WithExample("estimate", "--model", "Qwen/Qwen3-32B", "--system", "h200_sxm", "--tp", "2", "--isl", "4000", "--osl", "500", "--batch-size", "32")
                .WithExample("estimate", "--model", "deepseek-ai/DeepSeek-V3", "--system", "gb200", "--mode", "disagg", "--prefill-tp", "4", "--prefill-moe-ep", "4", "--decode-attention-dp", "16", "--decode-moe-ep", "16", "--decode-batch-size", "32")
                .WithExample("estimate", "--input", "rows.csv", "--output", "predictions.csv");
            config.AddCommand<ProfileCommand>("profile")
                .WithDescription("The SLA profiler's offline path: sweep mappings, recommend prefill and decode engines, write the DGD, planner data and plots.")
                .WithExample("profile")
                .WithExample("profile", "--model", "deepseek-ai/DeepSeek-V3", "--backend", "sglang", "--system", "h200_sxm", "--isl", "4000", "--osl", "500", "--ttft", "1000", "--itl", "40", "--output-dir", "out")
                .WithExample("profile", "--dgdr", "request.yaml", "--output-dir", "out");
            config.AddCommand<ValidateCommand>("validate")
                .WithDescription("Predict measured rows and report coverage and error (MAPE, median, within 10%/25%) by system, backend, mode and model; or hold AicSim's planner data against engines the Dynamo profiler measured.")
                .WithExample("validate", "--silicon", "../shared/data/silicon_calibration.csv", "--output", "rows.csv")
                .WithExample("validate", "--silicon", "../shared/data/silicon_calibration.csv", "--folds", "5", "--accuracy-out", "systems-data/calibration/accuracy.yaml")
                .WithExample("validate", "--planner-data", "../shared/data/dynamo/main-4e6493a/profiler-outputs/pre_swept_results", "--output", "points.csv");
            config.AddCommand<CalibrateCommand>("calibrate")
                .WithDescription("Fit each (system, backend)'s constants to measurements by least squares on log error; write a calibration file.")
                .WithExample("calibrate", "--silicon", "../shared/data/silicon_calibration.csv", "--out", "systems-data/calibration/default.yaml");
            config.AddCommand<CapacityCommand>("capacity")
                .WithDescription("What-if capacity: for every engine profile would try, the most requests decoding at once within an ITL target at each context, and tokens/s/GPU; large grids on a CUDA GPU when there is one.")
                .WithExample("capacity", "--model", "Qwen/Qwen3-32B", "--system", "h200_sxm", "--itl", "30")
                .WithExample("capacity", "--model", "deepseek-ai/DeepSeek-V3", "--backend", "sglang", "--itl", "50", "--contexts", "2048,8192,32768", "--output", "capacity.csv");
            config.AddCommand<ModelsCommand>("models").WithDescription("List the bundled models.");
            config.AddCommand<SystemsCommand>("systems").WithDescription("List the GPU systems.");
        });

        try
        {
            return app.Run(args);
        }
        catch (AicSimException e)
        {
            foreach (var problem in e.Problems)
            {
                console.MarkupLine($"[red]error:[/] {Markup.Escape(problem)}");
            }

            return ExitInvalidInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The last resort for a file system refusal the early checks could not foresee (a disk that fills mid-run).
            console.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)} Check that the path exists and is writable.");
            return ExitInvalidInput;
        }
        catch (CommandAppException e)
        {
            console.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            console.MarkupLine("Run [bold]aicsim --help[/] or [bold]aicsim <command> --help[/] for the options.");
            return ExitInvalidInput;
        }
    }
}
