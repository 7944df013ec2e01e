using System.Globalization;

namespace AicSim.Core.Accuracy;

/// <summary>
/// The client concurrencies an accuracy card speaks for. The error grows with load (queueing, prefill mixed into decode),
/// so one spread for all loads is too wide at a few clients and too narrow at hundreds: on the calibration file's
/// cross-validated rows, a group's 80% range held for 83–84% of runs at 1–16 clients and for 65–67% over 64; these
/// bands' own ranges hold for 77–79% in each (README, Accuracy beside every prediction).
/// </summary>
/// <param name="Min">Fewest clients (0 with no upper bound: every load).</param>
/// <param name="Max">Most clients; null for no upper bound.</param>
public sealed record ClientBand(int Min, int? Max)
{
    /// <summary>Every load: a whole (system, backend, mode) group.</summary>
    public static ClientBand Any { get; } = new(0, null);

    /// <summary>The bands cards are made for, in order.</summary>
    public static IReadOnlyList<ClientBand> Bands { get; } = [new(1, 16), new(17, 64), new(65, null)];

    public bool Contains(int clients) => clients >= Min && (Max is null || clients <= Max);

    /// <summary>"1–16 clients", "over 64 clients", or "any load".</summary>
    public string Label => this == Any ? "any load"
        : Max is null ? string.Create(CultureInfo.InvariantCulture, $"over {Min - 1} clients")
        : string.Create(CultureInfo.InvariantCulture, $"{Min}–{Max} clients");

    /// <summary>The band of a concurrency, or null when it is not known (0 or less).</summary>
    public static ClientBand? Of(int clients) => clients < 1 ? null : Bands.First(b => b.Contains(clients));
}
