using System.Globalization;
using CsvHelper;

namespace AicSim.Data.Calibration;

/// <summary>One output row of a batch estimate.</summary>
/// <param name="Id">The input row's id.</param>
/// <param name="TtftMs">Predicted TTFT (null unless ok).</param>
/// <param name="TpotMs">Predicted TPOT (null unless ok).</param>
/// <param name="Status">ok | unsupported | error.</param>
/// <param name="Message">Why a row is not ok, or the readings and warnings of an ok row.</param>
public sealed record Prediction(string Id, double? TtftMs, double? TpotMs, string Status, string Message)
{
    /// <summary>Where the predicted TTFT goes (validate's per-row CSV writes it); null where nothing was predicted.</summary>
    public Core.Serving.TtftParts? TtftParts { get; init; }

    /// <summary>Where the predicted TPOT goes (validate's per-row CSV writes it); null where nothing was predicted.</summary>
    public Core.Serving.TpotParts? TpotParts { get; init; }
}

/// <summary>Writes <c>id,predicted_ttft_ms,predicted_tpot_ms,status,message</c>, whole or not at all.</summary>
public static class PredictionCsv
{
    public static void Write(string path, IEnumerable<Prediction> predictions)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(predictions);
        AtomicFile.Write(path, stream =>
        {
            using var csv = CsvWriter.Create(stream, new CsvWriterOptions { NewLine = "\n", FormatProvider = CultureInfo.InvariantCulture });
            csv.WriteHeader(["id", "predicted_ttft_ms", "predicted_tpot_ms", "status", "message"]);
            foreach (var p in predictions)
            {
                csv.WriteRecord(
                [
                    p.Id,
                    p.TtftMs?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty,
                    p.TpotMs?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty,
                    p.Status,
                    p.Message,
                ]);
            }
        });
    }
}
