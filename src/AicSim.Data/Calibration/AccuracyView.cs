using AicSim.Core.Accuracy;

namespace AicSim.Data.Calibration;

/// <summary>What is known of a prediction's accuracy: its group's card, or why there is none.</summary>
/// <param name="Card">The cross-validated card of the prediction's (system, backend, mode), or null.</param>
/// <param name="Method">How the card was measured (e.g. "5-fold cross-validation grouped by configuration").</param>
/// <param name="Note">A sentence for the user: the likely range of the prediction, or why its accuracy is not known.</param>
public sealed record AccuracyView(AccuracyCard? Card, string Method, string Note);
