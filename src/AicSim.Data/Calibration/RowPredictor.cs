using AicSim.Core.Calibration;
using AicSim.Core.Errors;
using AicSim.Core.Estimate;
using AicSim.Core.Estimation;
using AicSim.Data.KernelData;

namespace AicSim.Data.Calibration;

/// <summary>One row's outcome: the request it was read as (when it could be), its prediction, and whether its configuration is complete.</summary>
/// <param name="Row">The input row.</param>
/// <param name="Request">The configuration (null when the row could not be read as one).</param>
/// <param name="Prediction">ok | unsupported | error, with numbers for ok.</param>
/// <param name="Complete">Whether the row gives its whole configuration (no batch sizes or worker counts assumed).</param>
/// <param name="Sources">Which estimator priced it.</param>
public sealed record RowOutcome(SiliconRow Row, EstimateRequest? Request, Prediction Prediction, bool Complete, string Sources);

/// <summary>
/// Predicts rows in the silicon_calibration.csv layout with a calibration and a perf source; shared by batch estimate,
/// validate and calibrate so all three read rows the same way. A row never throws: problems become its status.
/// </summary>
/// <param name="mapper">Reads a row as a configuration.</param>
/// <param name="calibration">The fitted constants to price with.</param>
/// <param name="perfSource">roofline, tables or auto.</param>
/// <param name="perfDb">aiconfigurator's measured kernel database, for tables.</param>
/// <param name="backendVersion">The framework version whose tables to use, instead of each row's.</param>
/// <param name="clientConnections">Read every row as measured by a benchmark client that keeps at most this many requests
/// open at once (<see cref="EstimateRequest.ClientConnections"/>); null reads each as sending all its clients' requests.</param>
public sealed class RowPredictor(SiliconRowMapper mapper, CalibrationSet calibration, string perfSource = "auto", string? perfDb = null, string? backendVersion = null, int? clientConnections = null)
{
    public CalibrationSet Calibration => calibration;

    // Checked once here, so that a mistyped folder is one error rather than every row's.
    private readonly string? _perfDb = PerfSource.RequireFolder(perfDb);

    /// <summary>The op estimators this predictor prices with, for a calibration fitted through them.</summary>
    public OpEstimatorFactory Estimators => (system, backend, eff) => PerfSource.Create(perfSource, _perfDb, backendVersion, system, backend, eff).Estimator;

    public RowOutcome Predict(SiliconRow row) => Predict(row, calibration);

    public RowOutcome Predict(SiliconRow row, CalibrationSet with)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(with);
        row = mapper.Canonical(row);
        EstimateRequest? request = null;
        try
        {
            request = mapper.Map(row);
            if (clientConnections is int connections)
            {
                request = request with { ClientConnections = connections };
            }

            bool complete = !request.Readings.Any(r => r.StartsWith("assumed", StringComparison.Ordinal));
            var (calibrated, roofline) = with.Apply(request);
            var (estimator, source) = PerfSource.Create(perfSource, _perfDb, backendVersion ?? (row.BackendVersion.Length == 0 ? null : row.BackendVersion), calibrated.System, calibrated.Backend.Backend, roofline.Efficiency);
            var result = Estimator.Run(calibrated, estimator);
            string notes = string.Join("; ", result.Notes.Select(n => n.TrimEnd('.')));
            var prediction = result.Fits
                ? new Prediction(row.Id, result.Serving.TtftMs, result.Serving.TpotMs, "ok", notes) { TtftParts = result.Serving.TtftParts, TpotParts = result.Serving.TpotParts }
                : new Prediction(row.Id, null, null, "error", notes);
            return new RowOutcome(row, calibrated, prediction, complete, source);
        }
        catch (UnsupportedException e)
        {
            return new RowOutcome(row, request, new Prediction(row.Id, null, null, "unsupported", e.Message), false, string.Empty);
        }
        catch (AicSimException e)
        {
            return new RowOutcome(row, request, new Prediction(row.Id, null, null, "error", e.Message), false, string.Empty);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or ArithmeticException)
        {
            return new RowOutcome(row, request, new Prediction(row.Id, null, null, "error", $"internal error ({e.GetType().Name}: {e.Message}); please report it with this row."), false, string.Empty);
        }
    }
}
