namespace AicSim.Tests;

/// <summary>The one float helper of the test suites.</summary>
internal static class Approx
{
    public static void AssertClose(double expected, double actual, double relTol)
    {
        double scale = Math.Max(Math.Abs(expected), 1e-300);
        double rel = Math.Abs(actual - expected) / scale;
        Assert.True(rel <= relTol, $"expected {expected:R} ± {relTol:P3}, got {actual:R} (off by {rel:P3})");
    }
}
