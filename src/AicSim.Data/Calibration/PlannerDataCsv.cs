using System.Globalization;
using CsvHelper;

namespace AicSim.Data.Calibration;

/// <summary>`validate --planner-data --output`: one line per measured point, with AicSim's prediction and the error.</summary>
public static class PlannerDataCsv
{
    public static void Write(string path, IReadOnlyList<PlannerEngineCheck> checks)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(checks);
        AtomicFile.Write(path, stream =>
        {
            using var csv = CsvWriter.Create(stream, new CsvWriterOptions { NewLine = "\n" });
            csv.WriteHeader(["model", "system", "backend", "backend_version", "mapping", "kind", "isl", "requests", "context", "measured_ms", "predicted_ms", "error_pct"]);
            foreach (var c in checks)
            {
                var m = c.Measured;
                foreach (var p in c.Points)
                {
                    csv.WriteRecord(
                    [
                        m.Model, m.System, m.Backend, m.BackendVersion, m.Mapping, p.Kind, I(p.Isl), I(p.Requests), F(p.Context),
                        F(p.MeasuredMs), F(p.PredictedMs), (100.0 * (p.PredictedMs - p.MeasuredMs) / p.MeasuredMs).ToString("F2", CultureInfo.InvariantCulture),
                    ]);
                }
            }
        });
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
