using AicSim.Core.Estimation;
using AicSim.Core.Ops;
using AicSim.Core.Specs;

namespace AicSim.Core.Tables;

/// <summary>
/// The table-first estimator: an op's latency comes from measured kernels where a table covers its shape, interpolated
/// between points (linear in the natural axis; √latency along the sequence for context attention); beyond the measured
/// range it holds the edge's utilisation (roofline / measured) instead of extrapolating latency; anything else falls back to
/// the roofline. <see cref="Estimate"/> says which source each op used.
/// </summary>
public sealed class TableEstimator : IOpEstimator
{
    private readonly KernelTables _tables;
    private readonly HardwareParams _hw;
    private readonly EfficiencyParams _eff;
    private readonly Dictionary<string, (long[] N, long[] K)> _gemmAxes;
    private readonly Dictionary<(long, long, long, string, long), long[]> _contextBatches;
    private readonly Dictionary<(long, long, long, string, long), long[]> _generationBatches;
    private readonly Dictionary<(long, string), long[]> _mlaContextBatches;
    private readonly Dictionary<(long, string), long[]> _mlaGenerationBatches;

    public TableEstimator(KernelTables tables, HardwareParams hardware, EfficiencyParams efficiency)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _tables = tables;
        _hw = hardware;
        _eff = efficiency;
        _gemmAxes = tables.Gemm.Keys.GroupBy(k => k.Dtype).ToDictionary(
            g => g.Key,
            g => (g.Select(k => k.N).Distinct().Order().ToArray(), g.Select(k => k.K).Distinct().Order().ToArray()));
        _contextBatches = tables.ContextAttention.Keys.GroupBy(k => (k.Heads, k.KvHeads, k.HeadDim, k.KvDtype, k.Window)).ToDictionary(g => g.Key, g => g.Select(k => k.Batch).Order().ToArray());
        _generationBatches = tables.GenerationAttention.Keys.GroupBy(k => (k.Heads, k.KvHeads, k.HeadDim, k.KvDtype, k.Window)).ToDictionary(g => g.Key, g => g.Select(k => k.Batch).Order().ToArray());
        _mlaContextBatches = tables.MlaContext.Keys.GroupBy(k => (k.Heads, k.KvDtype)).ToDictionary(g => g.Key, g => g.Select(k => k.Batch).Order().ToArray());
        _mlaGenerationBatches = tables.MlaGeneration.Keys.GroupBy(k => (k.Heads, k.KvDtype)).ToDictionary(g => g.Key, g => g.Select(k => k.Batch).Order().ToArray());
    }

    public string Name => "tables";

    public KernelTables Tables => _tables;

    public double OpSeconds(in Op op, in StepShape shape) => Estimate(op, shape).Seconds;

    public OpSource SourceOf(in Op op, in StepShape shape) => Estimate(op, shape).Source;

    /// <summary>Seconds of all repetitions of the op, and where the number came from.</summary>
    public (double Seconds, OpSource Source) Estimate(in Op op, in StepShape shape)
    {
        var one = op;
        one.Count = 1;
        var measured = op.Kind switch
        {
            OpKind.Gemm when op.Role is OpRole.MlaBmmPre or OpRole.MlaBmmPost => MlaBmm(one, shape),
            OpKind.Gemm => Gemm(one, shape),
            OpKind.MoeExperts => Moe(one, shape),
            OpKind.ContextAttention => ContextAttention(one, shape),
            OpKind.GenerationAttention => GenerationAttention(one, shape),
            OpKind.Communication => Collective(one, shape),
            _ => null,
        };

        if (measured is (double ms, OpSource source))
        {
            return (op.Count * ms / 1000.0, source);
        }

        return (Roofline.OpSeconds(op, shape, _hw, _eff), OpSource.Roofline);
    }

    /// <summary>The aiconfigurator dtype name of a quant mode.</summary>
    public static string DtypeName(QuantMode mode) => mode switch
    {
        QuantMode.Bf16 => "bfloat16",
        QuantMode.Fp8 => "fp8",
        QuantMode.Fp8Block => "fp8_block",
        QuantMode.Nvfp4 => "nvfp4",
        QuantMode.Mxfp4 => "w4a16_mxfp4",
        QuantMode.Int4WeightOnly => "int4_wo",
        QuantMode.Int8WeightOnly => "int8_wo",
        QuantMode.W4Afp8 => "w4afp8",
        QuantMode.Nvfp4WeightOnly => "w4a16_nvfp4",
        _ => mode.ToString(),
    };

    private double RoofMs(in Op op, in StepShape shape) => Roofline.OpSeconds(op, shape, _hw, _eff) * 1000.0;

    private (double, OpSource)? Gemm(Op op, StepShape shape)
    {
        double m = Roofline.ScopeTokens(op.Scope, shape);
        string dtype = DtypeName(op.Quant);
        if (m <= 0 || !_gemmAxes.TryGetValue(dtype, out var axes))
        {
            return null;
        }

        var local = op;
        double Roof(long n, long k, double mm)
        {
            local.N = n;
            local.K = k;
            return Roofline.GemmSeconds(local, mm, _hw, _eff) * 1000.0;
        }

        long nq = (long)op.N, kq = (long)op.K;
        if (_tables.Gemm.TryGetValue((dtype, nq, kq), out var exact))
        {
            return OnCurve(exact, m, false, mm => Roof(nq, kq, mm));
        }

        // Off the (n, k) grid: bilinear in n and k between the four surrounding measured shapes, each at this m.
        if (!Bracket(axes.N, op.N, out long n0, out long n1) || !Bracket(axes.K, op.K, out long k0, out long k1))
        {
            return null;
        }

        bool edge = false;
        double? Corner(long n, long k)
        {
            if (!_tables.Gemm.TryGetValue((dtype, n, k), out var c))
            {
                return null;
            }

            var (ms, src) = OnCurve(c, m, false, mm => Roof(n, k, mm));
            edge |= src == OpSource.TableEdge;
            return ms;
        }

        if (Corner(n0, k0) is not double a || Corner(n1, k0) is not double b || Corner(n0, k1) is not double c || Corner(n1, k1) is not double d)
        {
            return null;
        }

        double tn = n1 == n0 ? 0 : (op.N - n0) / (n1 - n0);
        double tk = k1 == k0 ? 0 : (op.K - k0) / (k1 - k0);
        double ms2 = ((1 - tn) * (1 - tk) * a) + (tn * (1 - tk) * b) + ((1 - tn) * tk * c) + (tn * tk * d);
        return (ms2, edge ? OpSource.TableEdge : OpSource.Table);
    }

    private (double, OpSource)? MlaBmm(Op op, StepShape shape)
    {
        double m = Roofline.ScopeTokens(op.Scope, shape);
        string name = op.Role == OpRole.MlaBmmPre ? "mla_gen_pre" : "mla_gen_post";
        if (m <= 0 || !_tables.MlaBmm.TryGetValue((name, DtypeName(op.Quant), (long)op.Heads), out var curve))
        {
            return null;
        }

        return OnCurve(curve, m, false, mm => Roofline.GemmSeconds(op, mm, _hw, _eff) * 1000.0);
    }

    private (double, OpSource)? Moe(Op op, StepShape shape)
    {
        double local = Roofline.ScopeTokens(op.Scope, shape);
        if (op.Role == OpRole.UngatedExperts)
        {
            return null;
        }

        long inter = (long)Math.Round(op.N * op.MoeTp / 3.0);
        var key = (DtypeName(op.Quant), (long)op.K, inter, (long)op.TopK, (long)op.Experts, (long)op.MoeTp, (long)op.MoeEp);
        if (local <= 0 || !_tables.Moe.TryGetValue(key, out var curve))
        {
            return null;
        }

        double gathered = op.TokensGathered;
        return OnCurve(curve, local * gathered, false, tokens => Roofline.MoeSeconds(op, tokens / gathered, _hw, _eff) * 1000.0);
    }

    private (double, OpSource)? ContextAttention(Op op, StepShape shape)
    {
        if (shape.PrefillSequences <= 0 || shape.PrefillPastTokens > 0)
        {
            return null; // chunks after the first attend to a cached prefix, which the tables do not measure
        }

        return Attention(op, context: true, shape.PrefillSequences, shape.PrefillTokensPerSequence);
    }

    private (double, OpSource)? GenerationAttention(Op op, StepShape shape)
    {
        if (shape.DecodeSequences <= 0)
        {
            return null;
        }

        // The tables time one query a sequence; a verifying step's n + 1 queries over one cache read cost what the
        // roofline says they add to one.
        if (shape.DecodeQueriesPerSequence > 1 && GenerationAttention(op, shape with { DecodeQueriesPerSequence = 1 }) is (double oneMs, OpSource source))
        {
            return (oneMs * RoofMs(op, shape) / RoofMs(op, shape with { DecodeQueriesPerSequence = 1 }), source);
        }

        return Attention(op, context: false, shape.DecodeSequences, shape.DecodeContext);
    }

    /// <summary>
    /// An attention op from its table: context attention over b prompts of <paramref name="length"/> new tokens, or
    /// generation attention over b caches of <paramref name="length"/> tokens; the roofline where no table has its heads.
    /// </summary>
    private (double, OpSource)? Attention(Op op, bool context, double b, double length)
    {
        string kv = DtypeName(op.Quant);
        Func<double, double, double> roof = context
            ? (bb, len) => RoofMs(op, StepShape.Prefill(bb, len))
            : (bb, len) => RoofMs(op, StepShape.Decode(bb, len));
        if (op.Role == OpRole.MlaAttention)
        {
            var mlaCurves = context ? _tables.MlaContext : _tables.MlaGeneration;
            return (context ? _mlaContextBatches : _mlaGenerationBatches).TryGetValue(((long)op.Heads, kv), out var mb)
                ? Grid(mb, bb => mlaCurves[((long)op.Heads, kv, bb)], b, length, context, roof)
                : null;
        }

        if (op.QkDim != op.VDim || op.KeyStride > 1)
        {
            return null; // the tables measure heads whose keys and values are one width, over every cached token
        }

        var key = ((long)op.Heads, (long)op.KvHeads, (long)op.QkDim, kv, (long)op.Window);
        var curves = context ? _tables.ContextAttention : _tables.GenerationAttention;
        return (context ? _contextBatches : _generationBatches).TryGetValue(key, out var batches)
            ? Grid(batches, bb => curves[(key.Item1, key.Item2, key.Item3, key.kv, key.Item5, bb)], b, length, context, roof)
            : null;
    }

    private (double, OpSource)? Collective(Op op, StepShape shape)
    {
        double tokens = Roofline.ScopeTokens(op.Scope, shape);
        string? name = op.Role switch
        {
            OpRole.AllReduce => "all_reduce",
            OpRole.AllToAll => "alltoall",
            OpRole.AllGather => "all_gather",
            _ => null,
        };
        if (name is null || tokens <= 0 || op.OverNetwork != 0 || !_tables.Collectives.TryGetValue((name, (long)op.Ranks), out var curve))
        {
            return null;
        }

        double elements = tokens * op.ElementsPerToken;
        return OnCurve(curve, elements, false, e => RoofMs(op, StepShape.Decode(e / op.ElementsPerToken, 0)));
    }

    /// <summary>A 1-D lookup with the edge-utilisation rule beyond the measured range.</summary>
    private static (double, OpSource) OnCurve(MeasuredCurve curve, double x, bool sqrt, Func<double, double> roofMs)
    {
        if (curve.Interpolate(x, sqrt) is double ms)
        {
            return (ms, OpSource.Table);
        }

        var (edgeX, edgeMs) = curve.Edge(x);
        return (roofMs(x) * edgeMs / roofMs(edgeX), OpSource.TableEdge);
    }

    /// <summary>
    /// A 2-D lookup over (batch, x): each measured batch's curve at x, then linear in batch; a batch beyond the measured ones
    /// holds the utilisation of the nearest.
    /// </summary>
    private static (double, OpSource) Grid(long[] batches, Func<long, MeasuredCurve> curve, double batch, double x, bool sqrt, Func<double, double, double> roofMs)
    {
        (double Ms, OpSource Source) At(long b) => OnCurve(curve(b), x, sqrt, xx => roofMs(b, xx));
        if (batch < batches[0] || batch > batches[^1])
        {
            long edge = batch < batches[0] ? batches[0] : batches[^1];
            var (ms, _) = At(edge);
            return (ms * roofMs(batch, x) / roofMs(edge, x), OpSource.TableEdge);
        }

        Bracket(batches, batch, out long b0, out long b1);
        var lo = At(b0);
        if (b1 == b0)
        {
            return lo;
        }

        var hi = At(b1);
        double t = (batch - b0) / (b1 - b0);
        var src = lo.Source == OpSource.Table && hi.Source == OpSource.Table ? OpSource.Table : OpSource.TableEdge;
        return (lo.Ms + (t * (hi.Ms - lo.Ms)), src);
    }

    /// <summary>The grid values around x (equal when x is on the grid); false when x is outside the grid.</summary>
    private static bool Bracket(long[] sorted, double x, out long lo, out long hi)
    {
        lo = hi = 0;
        if (sorted.Length == 0 || x < sorted[0] || x > sorted[^1])
        {
            return false;
        }

        lo = sorted[0];
        hi = sorted[^1];
        foreach (long v in sorted)
        {
            if (v <= x)
            {
                lo = v;
            }

            if (v >= x)
            {
                hi = v;
                break;
            }
        }

        return true;
    }
}
