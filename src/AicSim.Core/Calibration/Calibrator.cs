using AicSim.Core.Engine;
using AicSim.Core.Estimate;
using AicSim.Core.Estimation;
using AicSim.Core.Serving;
using AicSim.Core.Specs;
using MathNet.Numerics.Statistics;

namespace AicSim.Core.Calibration;

/// <summary>
/// Fits each (system, backend)'s eight constants by least squares on log error, Σ ln²(predicted/measured) over TTFT and
/// TPOT — robust (Huber) beyond a factor of <see cref="HuberFactor"/> and deaf beyond <see cref="RejectFactor"/> — with
/// a weak prior that keeps each constant near its default where the data says little. Groups with fewer than
/// <see cref="MinRows"/> measurements, and systems without any, take their backend's median group
/// (<see cref="AnySystemGroup"/>) where it has <see cref="MinGroupsForAnySystem"/> fitted groups, else the defaults.
/// Deterministic: same samples, same result.
/// </summary>
public static class Calibrator
{
    public const int MinRows = 20;

    /// <summary>
    /// Fitted groups a backend needs before their median speaks for its other systems. Fewer is one system's
    /// idiosyncrasy: fitted on the rows measured before 2026-01-01, B200 SGLang's constants alone would have priced
    /// H100 and H200 SGLang, and the later target rows' TTFT MAPE went from 36.0% with the defaults to 40.2% with one
    /// group, 36.2% with two, 36.0% with three (measured before <see cref="Specs.BackendProfile.PromptAdmissionMs"/>).
    /// </summary>
    public const int MinGroupsForAnySystem = 3;

    /// <summary>
    /// Errors beyond this factor (either way) count linearly, not squared, in the fit. Chosen by 5-fold grouped
    /// cross-validation on the calibration file: TTFT MAPE 53.7 % plain, 46.9 % at 2, 46.6 % at 1.5, 46.5 % at 1.25.
    /// </summary>
    public const double HuberFactor = 1.5;

    /// <summary>
    /// Errors beyond this factor (either way) cost the same however large: such a row is an anomaly the model cannot
    /// follow (TTFT jumping tenfold between neighbouring concurrencies of one sweep), and it should not pull the constants.
    /// Chosen by 5-fold cross-validation, by configuration and holding out models (TTFT / TPOT MAPE): no cap 39.3 / 19.0
    /// and 46.3 / 19.1; 5 → 39.1 / 18.9; 3 → 38.7 / 18.8 and 44.6 / 19.1; 2.5 → 38.6 / 18.9; 2 → 39.4 / 19.1.
    /// </summary>
    public const double RejectFactor = 3;

    /// <summary>
    /// Default weight of the prior, per parameter, in units of one sample's squared log error. Chosen by 5-fold
    /// cross-validation on the calibration file, both by configuration and holding out models (TTFT / TPOT MAPE):
    /// 0.2 → 40.1 / 19.0 and 50.7 / 20.5; 0.5 → 39.8 / 19.0 and 49.9 / 19.6; 1 → 39.9 / 18.9 and 49.4 / 19.5;
    /// 1.5 → 39.9 / 18.9 and 48.5 / 19.1; 3 → 40.4 / 19.3 and 47.9 / 19.4. Past 1.5 unseen models gain TTFT but every
    /// other figure loses.
    /// </summary>
    public const double DefaultPriorWeight = 1.5;

    /// <summary>
    /// Fits every (system, backend) group with enough rows, then gives each backend with
    /// <see cref="MinGroupsForAnySystem"/> fitted groups one for every other system (<see cref="CalibrationGroup.AnySystem"/>):
    /// each constant the median of that backend's fitted groups, so a framework on a system without measurements of its
    /// own starts from what it does on the others, not from the defaults.
    /// </summary>
    /// <remarks>
    /// The median of the groups rather than one fit over all their rows: a pooled fit follows the largest group (B200
    /// SGLang's 392 rows), which the other systems do not resemble. Holding out every (system, backend) whole (5 folds),
    /// TTFT / TPOT MAPE on the target rows, before <see cref="Specs.BackendProfile.PromptAdmissionMs"/>: the defaults
    /// 39.2% / 17.1% (medians 33.6% / 12.1%), a pooled fit 37.1% / 18.1% (H100 SGLang's TPOT 21% → 58%), the median of
    /// the groups 35.4% / 17.1% (28.1% / 11.6%), and of three groups or more 36.3% / 16.8% (29.1% / 11.3%).
    /// </remarks>
    /// <param name="samples">Complete rows: request and measurement.</param>
    /// <param name="fittedOn">What the file says it was fitted on.</param>
    /// <param name="maxEvaluations">Nelder–Mead evaluations per group.</param>
    /// <param name="priorWeight">Weight of the prior per parameter.</param>
    /// <param name="estimators">The op estimator predictions will use (default: the roofline).</param>
    /// <param name="progress">Told of each group as it is fitted (a fit through measured tables takes minutes).</param>
    public static CalibrationSet Fit(IReadOnlyList<CalibrationSample> samples, string fittedOn, int maxEvaluations = 400, double priorWeight = DefaultPriorWeight, OpEstimatorFactory? estimators = null, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(samples);
        estimators ??= (system, _, eff) => new RooflineEstimator(HardwareParams.From(system), eff);
        var groups = new List<CalibrationGroup>();
        var bySystemAndBackend = samples
            .GroupBy(s => (System: s.Request.System.Name, Backend: Backends.Name(s.Request.Backend.Backend)))
            .OrderBy(g => g.Key.System, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Backend, StringComparer.Ordinal)
            .ToList();
        int done = 0;
        foreach (var group in bySystemAndBackend)
        {
            done++;
            var rows = group.ToList();
            var prepared = rows.Count < MinRows ? [] : rows.Select(Prepare).Where(p => p is not null).Select(p => p!).ToList();
            if (prepared.Count < MinRows)
            {
                progress?.Report($"[{done}/{bySystemAndBackend.Count}] {group.Key.System}/{group.Key.Backend} is not fitted: {(rows.Count < MinRows ? $"{rows.Count} rows" : $"{prepared.Count} usable rows of {rows.Count}")}, under {MinRows}");
                continue;
            }

            groups.Add(FitGroup(group.Key.System, group.Key.Backend, prepared, maxEvaluations, priorWeight, estimators));
            progress?.Report($"[{done}/{bySystemAndBackend.Count}] fitted {group.Key.System}/{group.Key.Backend} on {prepared.Count} rows");
        }

        var anySystem = groups.GroupBy(g => g.Backend).Where(g => g.Count() >= MinGroupsForAnySystem)
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => AnySystemGroup(g.Key, g.ToList())).ToList();
        return new CalibrationSet(CalibrationSet.CurrentVersion, fittedOn, [.. groups, .. anySystem]);
    }

    /// <summary>A backend's group for systems without their own: each constant the median of its fitted groups'.</summary>
    public static CalibrationGroup AnySystemGroup(string backend, IReadOnlyList<CalibrationGroup> fitted)
    {
        ArgumentNullException.ThrowIfNull(fitted);
        double Median(Func<CalibrationGroup, double> constant) => ArrayStatistics.MedianInplace(fitted.Select(constant).ToArray());

        // Rounded as the fitted constants are, so the file reads the same on every machine.
        return new CalibrationGroup(
            CalibrationGroup.AnySystem, backend, fitted.Sum(g => g.Rows),
            Math.Round(Median(g => g.MemoryEfficiency), 4), Math.Round(Median(g => g.GemmEfficiency), 4),
            Math.Round(Median(g => g.RequestOverheadPerKernelUs), 2), Math.Round(Median(g => g.LayerOverheadUs), 3),
            Math.Round(Median(g => g.ArrivalSynchronisation), 4), Math.Round(Median(g => g.DisaggTtftOverheadMs), 3),
            Math.Round(Median(g => g.TtftDecodeSteps), 3), Math.Round(Median(g => g.PrefillInterference), 4));
    }

    // One group's eight constants, by Nelder–Mead from the defaults.
    private static CalibrationGroup FitGroup(string system, string backend, List<Prepared> prepared, int maxEvaluations, double priorWeight, OpEstimatorFactory estimators)
    {
        var defaults = prepared[0].Sample.Request.Backend;
        var systemSpec = prepared[0].Sample.Request.System;
        double[] start = Encode(EfficiencyParams.Default, defaults);
        double Loss(double[] u)
        {
            var (eff, profileOf) = Decode(u);
            var estimator = estimators(systemSpec, defaults.Backend, eff);
            double loss = 0;
            foreach (var p in prepared)
            {
                var s = p.Predict(estimator, profileOf(p.Sample.Request.Backend));
                loss += RobustLoss(Math.Log(s.TtftMs / p.Sample.MeasuredTtftMs)) + RobustLoss(Math.Log(s.TpotMs / p.Sample.MeasuredTpotMs));
            }

            for (int i = 0; i < u.Length; i++)
            {
                loss += priorWeight * (u[i] - start[i]) * (u[i] - start[i]);
            }

            return loss;
        }

        var (best, _) = NelderMead.Minimise(Loss, start, 0.5, maxEvaluations);
        var (e, profile) = Decode(best);
        var fitted = profile(defaults);
        return new CalibrationGroup(
            system, backend, prepared.Count,
            Math.Round(e.MemoryEfficiency, 4), Math.Round(e.GemmEfficiency, 4),
            Math.Round(fitted.RequestOverheadPerKernelUs, 2), Math.Round(fitted.LayerOverheadUs, 3),
            Math.Round(fitted.ArrivalSynchronisation, 4), Math.Round(fitted.DisaggTtftOverheadMs, 3), Math.Round(fitted.TtftDecodeSteps, 3),
            Math.Round(fitted.PrefillInterference, 4));
    }

    /// <summary>Upper bound of the fitted TTFT decode steps.</summary>
    public const double MaxTtftDecodeSteps = 60;

    /// <summary>
    /// The prefill interference w is fitted as u = ln(w) / this, so the prior holds it four times as tightly as the other
    /// constants. Chosen by 5-fold cross-validation (TTFT / TPOT MAPE by configuration, then holding out models): 1 →
    /// 38.4 / 18.1 and 43.8 / 18.6; 0.7 → 38.4 / 17.7 and 43.8 / 18.6; 0.5 → 38.5 / 17.9 and 43.6 / 18.4; one shared
    /// w = 1.25, not fitted → 38.5 / 18.2 and 43.9 / 18.4; none (w = 1) → 38.4 / 18.4 and 43.4 / 18.5.
    /// </summary>
    public const double PrefillInterferenceScale = 0.5;

    // Unbounded parameters u map to bounded physical constants: efficiencies 0.3 + 0.68·σ(u), overheads e^u, synchronisation σ(u),
    // TTFT decode steps 60·σ(u), prefill interference e^(u/2).
    private static double[] Encode(EfficiencyParams eff, BackendProfile b) =>
    [
        Logit((eff.MemoryEfficiency - 0.3) / 0.68),
        Logit((eff.GemmEfficiency - 0.3) / 0.68),
        Math.Log(Math.Max(1e-2, b.RequestOverheadPerKernelUs)),
        Math.Log(Math.Max(1e-3, b.LayerOverheadUs)),
        Logit(Math.Clamp(b.ArrivalSynchronisation, 0.01, 0.99)),
        Math.Log(Math.Max(1.0, b.DisaggTtftOverheadMs)),
        Logit(Math.Clamp(b.TtftDecodeSteps / MaxTtftDecodeSteps, 0.01, 0.99)),
        Math.Log(b.PrefillInterference) / PrefillInterferenceScale,
    ];

    private static (EfficiencyParams Eff, Func<BackendProfile, BackendProfile> Profile) Decode(double[] u)
    {
        var eff = EfficiencyParams.Default;
        eff.MemoryEfficiency = 0.3 + (0.68 * Sigmoid(u[0]));
        eff.GemmEfficiency = 0.3 + (0.68 * Sigmoid(u[1]));
        return (eff, b => b with
        {
            RequestOverheadPerKernelUs = Math.Exp(u[2]),
            LayerOverheadUs = Math.Exp(u[3]),
            ArrivalSynchronisation = Sigmoid(u[4]),
            DisaggTtftOverheadMs = Math.Exp(u[5]),
            TtftDecodeSteps = MaxTtftDecodeSteps * Sigmoid(u[6]),
            PrefillInterference = Math.Exp(PrefillInterferenceScale * u[7]),
        });
    }

    /// <summary>
    /// Squared log error up to a factor of <see cref="HuberFactor"/>, linear beyond, constant past
    /// <see cref="RejectFactor"/>: a few anomalous rows (a disaggregated TTFT of 38 s at concurrency 4) then cannot drag a
    /// group's constants.
    /// </summary>
    public static double RobustLoss(double logError)
    {
        double d = Math.Log(HuberFactor);
        double x = Math.Min(Math.Abs(logError), Math.Log(RejectFactor));
        return x <= d ? x * x : (2 * d * x) - (d * d);
    }

    private static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    private static double Logit(double p) => Math.Log(p / (1 - p));

    /// <summary>Compiles a sample's engines once, so each trial of the fit only re-prices them.</summary>
    private static Prepared? Prepare(CalibrationSample sample)
    {
        try
        {
            var r = sample.Request;
            var first = EngineModel.Create(new EngineConfig(r.Model, r.System, r.Parallel, r.Quant, r.Backend));
            var second = r.Mode == ServingMode.Disaggregated
                ? EngineModel.Create(new EngineConfig(r.Model, r.System, r.DecodeParallel!, r.Quant, r.Backend))
                : null;
            return first.Memory.Fits && (second?.Memory.Fits ?? true) ? new Prepared(sample, first, second) : null;
        }
        catch (Errors.AicSimException)
        {
            return null;
        }
    }

    private sealed record Prepared(CalibrationSample Sample, EngineModel First, EngineModel? Second)
    {
        public ServingEstimate Predict(IOpEstimator estimator, BackendProfile profile)
        {
            var r = Sample.Request;
            var a = First.With(estimator, profile);
            return Second is null
                ? AggregatedServing.Estimate(a, r.Workload, r.Concurrency, r.ClientConnections)
                : DisaggregatedServing.Estimate(a, Second.With(estimator, profile), r.Deployment!, r.Workload, r.ClientConnections);
        }
    }
}
