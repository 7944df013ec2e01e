namespace AicSim.Data.Calibration;

/// <summary>
/// A forward-in-time check: the outcomes of the rows measured on or after the cut, predicted by constants fitted on
/// <paramref name="Fitted"/> complete rows of the <paramref name="Earlier"/> measured before it; <paramref name="Undated"/>
/// rows named no date and took no part.
/// </summary>
public sealed record ForwardSplit(IReadOnlyList<RowOutcome> Later, int Fitted, int Earlier, int Undated);
