using AicSim.Core.Errors;
using AicSim.Core.Specs;
using AicSim.Data.Models;
using AicSim.Data.Systems;

namespace AicSim.Data;

/// <summary>The names errors give the model, system and backend: the flags, or the file fields their values came from.</summary>
public sealed record SpecFields(string Model = "--model", string System = "--system", string Backend = "--backend")
{
    public static SpecFields Flags { get; } = new();
}

/// <summary>The model, system, backend and quantisation a user named, resolved together.</summary>
public sealed record ResolvedSpecs(ModelSpec Model, SystemSpec System, Backend Backend, QuantConfig Quant);

/// <summary>
/// Resolves the names every command takes (model, system, backend, quant modes), collecting every problem instead of
/// stopping at the first, so the user fixes them in one go. Quant modes left out default to the checkpoint's.
/// </summary>
public static class SpecResolver
{
    /// <summary>The resolved specs, or null with the problems added to <paramref name="problems"/>.</summary>
    public static ResolvedSpecs? Resolve(
        ModelCatalog models, SystemCatalog systems, string? model, string? system, string? backend,
        string? gemmQuant, string? moeQuant, string? kvQuant, List<string> problems, SpecFields? fields = null)
    {
        fields ??= SpecFields.Flags;
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(systems);
        ArgumentNullException.ThrowIfNull(problems);
        int before = problems.Count;
        T? Try<T>(Func<T> parse)
        {
            try
            {
                return parse();
            }
            catch (AicSimException e)
            {
                problems.AddRange(e.Problems);
                return default;
            }
        }

        var m = Try(() => models.Resolve(model ?? throw new AicSimException($"{fields.Model} is required."), fields.Model));
        var s = Try(() => systems.Get(system ?? throw new AicSimException($"{fields.System} is required."), fields.System));
        var b = Try(() => (Backend?)Backends.Parse(backend ?? throw new AicSimException($"{fields.Backend} is required."), fields.Backend));
        var gemm = gemmQuant is null ? null : Try(() => (QuantMode?)QuantModes.Parse(gemmQuant, "--gemm-quant"));
        var moe = moeQuant is null ? null : Try(() => (QuantMode?)QuantModes.Parse(moeQuant, "--moe-quant"));
        var kv = kvQuant is null ? null : Try(() => (QuantMode?)QuantModes.Parse(kvQuant, "--kv-quant"));
        if (kv is not (null or QuantMode.Bf16 or QuantMode.Fp8))
        {
            problems.Add($"--kv-quant {kvQuant}: the KV cache is bf16 or fp8.");
        }

        if (problems.Count > before || m is null || s is null || b is null)
        {
            return null;
        }

        var d = m.DefaultQuant;
        // --gemm-quant sets the attention projections too; without it they keep the checkpoint's own format.
        var quant = new QuantConfig(gemm ?? d.Gemm, moe ?? d.Moe, kv ?? d.KvCache) { AttentionOverride = gemm is null ? d.AttentionOverride : null };
        return new ResolvedSpecs(m, s, b.Value, quant);
    }
}
