using System.Globalization;
using System.Text.Json.Nodes;
using AicSim.Core.Accuracy;
using AicSim.Core.Calibration;

namespace AicSim.Data.Calibration;

/// <summary>Finds the accuracy card that speaks for a prediction and says what it means for that prediction.</summary>
public static class AccuracyLookup
{
    /// <summary>
    /// The card for a prediction of <paramref name="system"/>/<paramref name="backend"/>/<paramref name="mode"/> made
    /// with <paramref name="calibration"/> and <paramref name="perfSourceKey"/> (<see cref="AccuracyFile.PerfSourceKey"/>),
    /// predicting <paramref name="ttftMs"/> and <paramref name="tpotMs"/> at <paramref name="clients"/> concurrent clients
    /// (the card of that load band where there is one; null: the group's). Cards measured on other data or another op
    /// source are not used: they describe another pipeline.
    /// </summary>
    public static AccuracyView Find(AccuracyCards? cards, CalibrationSet calibration, string perfSourceKey, string system, string backend, string mode, double ttftMs, double tpotMs, int? clients = null)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        string group = $"{system}/{backend}/{mode}";
        if (cards is null)
        {
            return new AccuracyView(null, string.Empty, $"not known: no accuracy file ({AccuracyFile.DefaultPath}); aicsim validate --folds 5 --accuracy-out writes one.");
        }

        if (!cards.Describes(calibration.FittedOn, perfSourceKey))
        {
            string why = calibration.FittedOn == CalibrationSet.None.FittedOn
                ? "built-in constants (--calibration none)"
                : $"a calibration fitted on {calibration.FittedOn}";
            return new AccuracyView(null, cards.Method,
                $"not known: these predictions use {why} with --perf-source {perfSourceKey}; the accuracy file describes the calibration fitted on {cards.FittedOn} with --perf-source {cards.PerfSource}.");
        }

        var card = cards.Find(system, backend, mode, clients);
        var median = calibration.Find(system, backend) is { System: CalibrationGroup.AnySystem } g ? g : null;
        string borrowed = $"{system} has no {backend} constants of its own and takes the median of {backend}'s on the systems fitted";
        string scope, method = cards.Method;
        if (card is not null)
        {
            scope = $"{card.Scope}, {cards.Method}";
        }
        else if (median is not null && cards.Find(CalibrationGroup.AnySystem, backend, mode, clients) is { } shared)
        {
            // Priced by the backend's median group: the cards of systems held out whole, as this one is, speak for it.
            card = shared;
            method = cards.AnySystemMethod;
            scope = $"{borrowed}; {shared.Scope}, {method}";
        }
        else
        {
            return new AccuracyView(null, cards.Method,
                $"not known: fewer than {AccuracyCard.MinRows} measured runs of {group} to check predictions against, so this one is unvalidated" +
                (median is null ? "." : string.Create(CultureInfo.InvariantCulture, $"; {borrowed} ({median.Rows} runs).")));
        }

        var (ttftLow, ttftHigh) = card.Ttft.LikelyRange(ttftMs);
        var (tpotLow, tpotHigh) = card.Tpot.LikelyRange(tpotMs);
        return new AccuracyView(card, method, string.Create(CultureInfo.InvariantCulture,
            $"{scope} over {card.Rows} measured runs: 80% measured " +
            $"TTFT {card.Ttft.LowRatio:F2}–{card.Ttft.HighRatio:F2}× the prediction ({ttftLow:F0}–{ttftHigh:F0} ms here; MAPE {card.Ttft.MapePercent:F0}%) and " +
            $"TPOT {card.Tpot.LowRatio:F2}–{card.Tpot.HighRatio:F2}× ({tpotLow:F2}–{tpotHigh:F2} ms; MAPE {card.Tpot.MapePercent:F0}%)."));
    }

    /// <summary>
    /// Where a measurement of a prediction falls against the card: null without a card, else whether measured / predicted
    /// lies inside the 80% range its group's runs fell in, and a sentence saying so.
    /// </summary>
    public static (bool Within, string Sentence)? Judge(AccuracyView view, string metric, double predictedMs, double measuredMs)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (view.Card is not { } card || predictedMs <= 0 || measuredMs <= 0)
        {
            return null;
        }

        var spread = metric == "TTFT" ? card.Ttft : card.Tpot;
        double ratio = measuredMs / predictedMs;
        bool within = ratio >= spread.LowRatio && ratio <= spread.HighRatio;
        string advice = within ? "." : ": check the deployment and the load against the flags, or report the run.";
        return (within, string.Create(CultureInfo.InvariantCulture,
            $"{metric} measured {ratio:F2}× the prediction, {(within ? "inside" : "outside")} the range 80% of the validated runs of {card.Scope} fell in ({spread.LowRatio:F2}–{spread.HighRatio:F2}×){advice}"));
    }

    /// <summary>
    /// The card as JSON for --json and summary.json (snake_case, units in the names), with the range 80% of
    /// measurements of these predictions would fall in; null when there is no card (the note says why).
    /// </summary>
    public static JsonObject? Json(AccuracyView view, double ttftMs, double tpotMs)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (view.Card is not { } card)
        {
            return null;
        }

        var json = new JsonObject { ["group"] = card.Group };
        if (card.Clients != ClientBand.Any)
        {
            // A band's card: the loads it speaks for (no clients_max: no upper bound).
            json["clients_min"] = card.Clients.Min;
            if (card.Clients.Max is int max)
            {
                json["clients_max"] = max;
            }
        }

        json["method"] = view.Method;
        json["measured_runs"] = card.Rows;
        json["ttft"] = Spread(card.Ttft, ttftMs);
        json["tpot"] = Spread(card.Tpot, tpotMs);
        return json;
    }

    private static JsonObject Spread(MetricSpread m, double predicted)
    {
        var (low, high) = m.LikelyRange(predicted);
        return new JsonObject
        {
            ["mape_pct"] = m.MapePercent,
            ["median_ape_pct"] = m.MedianApePercent,
            ["measured_over_predicted_p10"] = m.LowRatio,
            ["measured_over_predicted_p90"] = m.HighRatio,
            ["likely_ms"] = new JsonArray(low, high),
        };
    }
}
