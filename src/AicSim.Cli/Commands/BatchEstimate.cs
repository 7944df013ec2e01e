using System.Globalization;
using AicSim.Core.Accuracy;
using AicSim.Data.Calibration;
using Spectre.Console;

namespace AicSim.Cli.Commands;

/// <summary>
/// <c>aicsim estimate --input rows.csv --output predictions.csv</c>: every row predicted or given a reason, never a crash;
/// a malformed input file stops before anything is written.
/// </summary>
internal static class BatchEstimate
{
    public static int Run(IAnsiConsole console, RowPredictor predictor, EstimateSettings settings, CancellationToken cancel)
    {
        string output = settings.Output!;
        Infrastructure.OutputPath.EnsureWritable("--output", output);
        var rows = SiliconCsv.Read(settings.Input!);
        Prediction Predict(SiliconRow row) => predictor.Predict(row).Prediction;
        var predictions = new Prediction[rows.Count];
        if (console.Profile.Capabilities.Interactive)
        {
            console.Progress().Start(ctx =>
            {
                var task = ctx.AddTask($"Estimating {rows.Count} rows", maxValue: rows.Count);
                for (int i = 0; i < rows.Count; i++)
                {
                    cancel.ThrowIfCancellationRequested();
                    predictions[i] = Predict(rows[i]);
                    task.Increment(1);
                }
            });
        }
        else
        {
            for (int i = 0; i < rows.Count; i++)
            {
                cancel.ThrowIfCancellationRequested();
                predictions[i] = Predict(rows[i]);
            }
        }

        PredictionCsv.Write(output, predictions);
        RenderSummary(console, rows, predictions, output);
        return AicSimApp.ExitOk;
    }

    private static void RenderSummary(IAnsiConsole console, IReadOnlyList<SiliconRow> rows, Prediction[] predictions, string output)
    {
        int ok = predictions.Count(p => p.Status == "ok");
        int unsupported = predictions.Count(p => p.Status == "unsupported");
        int errors = predictions.Length - ok - unsupported;
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"Wrote [bold]{Markup.Escape(output)}[/]: {ok} ok, {unsupported} unsupported, {errors} error of {rows.Count} rows ({(rows.Count == 0 ? 0 : 100.0 * ok / rows.Count):F1}% predicted)."));
        var ttft = ErrorSummary.Of(rows.Zip(predictions).Where(x => x.Second.TtftMs is not null && x.First.MeasuredTtftMs is not null).Select(x => (x.Second.TtftMs!.Value, x.First.MeasuredTtftMs!.Value)));
        var tpot = ErrorSummary.Of(rows.Zip(predictions).Where(x => x.Second.TpotMs is not null && x.First.MeasuredTpotMs is not null).Select(x => (x.Second.TpotMs!.Value, x.First.MeasuredTpotMs!.Value)));
        if (ttft.Count > 0)
        {
            console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"Against the rows' measurements: TTFT MAPE {ttft.MeanApePercent:F1}% (median {ttft.MedianApePercent:F1}%), TPOT MAPE {tpot.MeanApePercent:F1}% (median {tpot.MedianApePercent:F1}%) over {ttft.Count} rows."));
        }
    }
}
