using AicSim.Core.Ops;
using AicSim.Core.Specs;

namespace AicSim.Core.Estimation;

/// <summary>
/// Per-op latency from a roofline with shape-dependent efficiency: t = max(flops / (peak·η_c), bytes / (bw·η_m)) + launch.
/// Static, allocation-free, branch-light and free of managed types so an ILGPU kernel can call it: this is the one
/// source of truth for both the CPU loop and the GPU sweep.
/// </summary>
public static class Roofline
{
    /// <summary>Seconds one GPU spends on all repetitions (<see cref="Op.Count"/>) of <paramref name="op"/> in a step.</summary>
    public static double OpSeconds(in Op op, in StepShape shape, in HardwareParams hw, in EfficiencyParams eff)
    {
        double m = ScopeTokens(op.Scope, shape);
        double one;
        switch (op.Kind)
        {
            case OpKind.Gemm:
                one = GemmSeconds(op, m, hw, eff);
                break;
            case OpKind.MoeExperts:
                one = MoeSeconds(op, m, hw, eff);
                break;
            case OpKind.ContextAttention:
                one = ContextAttentionSeconds(op, shape, hw, eff);
                break;
            case OpKind.GenerationAttention:
                one = GenerationAttentionSeconds(op, shape, hw, eff);
                break;
            case OpKind.LinearAttention:
                one = LinearAttentionSeconds(op, shape, hw, eff);
                break;
            case OpKind.ElementWise:
                one = m <= 0 ? 0 : (m * op.BytesPerToken / (hw.MemoryBandwidthBytesPerSec * eff.MemoryEfficiency)) + eff.KernelOverheadSec;
                break;
            default:
                one = CommunicationSeconds(op, m, hw, eff);
                break;
        }

        return op.Count * one;
    }

    /// <summary>Tokens an op sees in a step: its GEMM m or message rows.</summary>
    public static double ScopeTokens(TokenScope scope, in StepShape s) => scope switch
    {
        TokenScope.PrefillTokens => s.PrefillSequences * s.PrefillTokensPerSequence,
        TokenScope.DecodeTokens => s.DecodeSequences,
        TokenScope.Sequences => s.PrefillSequences + s.DecodeSequences,
        _ => (s.PrefillSequences * s.PrefillTokensPerSequence) + s.DecodeSequences,
    };

    /// <summary>
    /// GEMM: flops 2mNK; bytes = weights NK + activations mK in and mN out. FP8 adds its activation quantisation's fixed
    /// time (<see cref="EfficiencyParams.Fp8GemmExtraSec"/> per-tensor, <see cref="EfficiencyParams.Fp8BlockGemmExtraSec"/>
    /// block-scaled).
    /// </summary>
    public static double GemmSeconds(in Op op, double m, in HardwareParams hw, in EfficiencyParams eff)
    {
        if (m <= 0)
        {
            return 0;
        }

        double flops = 2.0 * m * op.N * op.K;
        double bytes = (op.N * op.K * op.WeightBytesPerElement) + (m * op.K * op.ActivationBytesPerElement) + (m * op.N * 2.0);
        double computeEff = eff.GemmEfficiency * m / (m + eff.GemmHalfEfficiencyTokens);
        double compute = flops / (hw.Peak(op.Compute) * computeEff);
        double memory = bytes / (hw.MemoryBandwidthBytesPerSec * eff.MemoryEfficiency);
        double quantise = op.Quant switch
        {
            QuantMode.Fp8 => eff.Fp8GemmExtraSec,
            QuantMode.Fp8Block => eff.Fp8BlockGemmExtraSec,
            _ => 0,
        };
        return Math.Max(compute, memory) + eff.KernelOverheadSec + quantise;
    }

    /// <summary>
    /// Grouped expert GEMM over the token-expert pairs this GPU owns. Weights are read only for the experts the batch
    /// touches: E_local·(1 − (1 − k/E)^T) for T tokens routed uniformly at random, INT4 weight-only ones no faster than
    /// they dequantise (<see cref="EfficiencyParams.Int4DequantBytesPerSec"/>). The block's fixed latency is
    /// <see cref="EfficiencyParams.MoeOverheadSec"/> (or the framework's own, <see cref="Op.LatencySec"/>), not one kernel
    /// launch.
    /// </summary>
    public static double MoeSeconds(in Op op, double localTokens, in HardwareParams hw, in EfficiencyParams eff)
    {
        if (localTokens <= 0)
        {
            return 0;
        }

        double pairs = localTokens * op.PairsPerToken;
        double routedTokens = localTokens * op.TokensGathered;
        double touched = op.LocalExperts * (1.0 - Math.Exp(routedTokens * op.LogInactiveProbability));
        if (touched < 1.0)
        {
            touched = 1.0;
        }

        double flops = 2.0 * pairs * op.N * op.K;
        double weightBytes = touched * op.N * op.K * op.WeightBytesPerElement;
        double bytes = weightBytes + (pairs * op.K * (op.ActivationBytesPerElement + 2.0));
        double tokensPerExpert = pairs / touched;
        double computeEff = eff.GemmEfficiency * eff.MoeEfficiency * tokensPerExpert / (tokensPerExpert + eff.GemmHalfEfficiencyTokens);
        double compute = flops / (hw.Peak(op.Compute) * computeEff);
        double memory = bytes / (hw.MemoryBandwidthBytesPerSec * eff.MemoryEfficiency);
        if (op.Quant is QuantMode.Int4WeightOnly or QuantMode.W4Afp8)
        {
            memory = Math.Max(memory, weightBytes / eff.Int4DequantBytesPerSec);
        }

        return Math.Max(compute, memory) + (op.LatencySec > 0 ? op.LatencySec : eff.MoeOverheadSec);
    }

    /// <summary>
    /// Causal flash attention for b prompts of s new tokens after p cached ones: query-key pairs
    /// b·s·(p + (s+1)/2), capped by the window; flops = 2·heads·(d_qk + d_v)·pairs.
    /// </summary>
    public static double ContextAttentionSeconds(in Op op, in StepShape s, in HardwareParams hw, in EfficiencyParams eff)
    {
        double b = s.PrefillSequences;
        double len = s.PrefillTokensPerSequence;
        if (b <= 0 || len <= 0)
        {
            return 0;
        }

        // A compressed cache (DeepSeek-V4) holds one entry per KeyStride tokens, and a query attends to those.
        double stride = op.TokensPerKey;
        double meanKeys = (s.PrefillPastTokens + ((len + 1.0) * 0.5)) / stride;
        if (op.Window > 0 && meanKeys > op.Window)
        {
            meanKeys = op.Window;
        }

        double pairs = b * len * meanKeys;
        double flops = 2.0 * op.Heads * (op.QkDim + op.VDim) * pairs;
        double keys = (s.PrefillPastTokens + len) / stride;
        double bytes = b * ((len * op.Heads * (op.QkDim + op.VDim) * 2.0) + (keys * op.KvElementsPerToken * op.KvBytesPerElement));
        double computeEff = eff.AttentionEfficiency * len / (len + eff.AttentionHalfEfficiencyTokens);
        double compute = flops / (hw.PeakBf16FlopsPerSec * computeEff);
        double memory = bytes / (hw.MemoryBandwidthBytesPerSec * eff.MemoryEfficiency);
        return Math.Max(compute, memory) + eff.KernelOverheadSec;
    }

    /// <summary>
    /// One query per sequence over its cache: bytes = b·ctx·kv_elements·kv_bytes; flops = 2·b·heads·ctx·(d_qk + d_v), at
    /// the FP8 rate when the cache is FP8.
    /// </summary>
    public static double GenerationAttentionSeconds(in Op op, in StepShape s, in HardwareParams hw, in EfficiencyParams eff)
    {
        double b = s.DecodeSequences;
        if (b <= 0)
        {
            return 0;
        }

        double ctx = s.DecodeContext / op.TokensPerKey;
        if (op.Window > 0 && ctx > op.Window)
        {
            ctx = op.Window;
        }

        double bytes = b * ctx * op.KvElementsPerToken * op.KvBytesPerElement;
        double flops = 2.0 * b * Math.Max(1.0, s.DecodeQueriesPerSequence) * op.Heads * ctx * (op.QkDim + op.VDim);
        // An FP8 (or FP4) cache is attended on the FP8 tensor cores where the GPU has them (FlashMLA-FP8, trtllm-gen).
        double peak = op.KvBytesPerElement <= 1 && hw.PeakFp8FlopsPerSec > 0 ? hw.PeakFp8FlopsPerSec : hw.PeakBf16FlopsPerSec;
        double compute = flops / (peak * eff.DecodeAttentionEfficiency);
        double memory = bytes / (hw.MemoryBandwidthBytesPerSec * eff.MemoryEfficiency);
        return Math.Max(compute, memory) + eff.KernelOverheadSec;
    }

    /// <summary>Tokens per chunk of the chunked delta-rule prefill kernels (flash-linear-attention's default).</summary>
    public const double LinearAttentionChunk = 64;

    /// <summary>
    /// Gated DeltaNet. Prefill, chunked: per token and value head 4·d_k·d_v flops for the state terms and
    /// 2·C·(d_k + d_v) inside its chunk of C; q, k, v in and o out in bf16, and one d_k×d_v state per chunk written.
    /// Decode: each sequence reads and writes its d_k×d_v state per head (memory-bound; 6·d_k·d_v flops).
    /// </summary>
    public static double LinearAttentionSeconds(in Op op, in StepShape s, in HardwareParams hw, in EfficiencyParams eff)
    {
        double dk = op.QkDim;
        double dv = op.VDim;
        double state = op.Heads * dk * dv * op.KvBytesPerElement;
        double total = 0;
        double tokens = s.PrefillSequences * s.PrefillTokensPerSequence;
        if (tokens > 0)
        {
            double flops = tokens * op.Heads * ((4.0 * dk * dv) + (2.0 * LinearAttentionChunk * (dk + dv)));
            double chunks = s.PrefillSequences * Math.Ceiling(s.PrefillTokensPerSequence / LinearAttentionChunk);
            double bytes = (tokens * op.Heads * 2.0 * ((2.0 * dk) + (2.0 * dv))) + (chunks * state) + (s.PrefillSequences * 2.0 * state);
            double len = s.PrefillTokensPerSequence;
            double computeEff = eff.AttentionEfficiency * len / (len + eff.AttentionHalfEfficiencyTokens);
            total += Math.Max(flops / (hw.PeakBf16FlopsPerSec * computeEff), bytes / (hw.MemoryBandwidthBytesPerSec * eff.MemoryEfficiency)) + eff.KernelOverheadSec;
        }

        double b = s.DecodeSequences;
        if (b > 0)
        {
            double flops = 6.0 * b * op.Heads * dk * dv;
            double bytes = b * ((2.0 * state) + (op.Heads * 2.0 * ((2.0 * dk) + (2.0 * dv))));
            total += Math.Max(flops / (hw.PeakBf16FlopsPerSec * eff.DecodeAttentionEfficiency), bytes / (hw.MemoryBandwidthBytesPerSec * eff.MemoryEfficiency)) + eff.KernelOverheadSec;
        }

        return total;
    }

    /// <summary>Bandwidth term on NVLink or the network, plus the link's latency.</summary>
    public static double CommunicationSeconds(in Op op, double tokens, in HardwareParams hw, in EfficiencyParams eff)
    {
        if (tokens <= 0)
        {
            return 0;
        }

        bool network = op.OverNetwork != 0;
        double bw = (network ? hw.NetworkBandwidthBytesPerSec : hw.NvlinkBandwidthBytesPerSec) * eff.CommunicationEfficiency;
        double latency = network ? eff.NetworkLatencySec : eff.NvlinkLatencySec;
        if (op.Role == OpRole.AllToAll)
        {
            latency = Math.Max(latency, eff.AllToAllLatencySec);
        }

        if (op.Role == OpRole.AllReduce && !network)
        {
            return AllReduceNvlinkSeconds(tokens * op.ElementsPerToken * 2.0, op.Ranks, bw, op.LatencySec > 0 ? op.LatencySec : latency);
        }

        if (op.Role == OpRole.AllToAll && network && op.OverNetwork < 1)
        {
            // Only the remote share crosses the network; the local share moves over NVLink meanwhile.
            double bytes = tokens * op.BytesPerToken;
            double nvlink = hw.NvlinkBandwidthBytesPerSec * eff.CommunicationEfficiency;
            return Math.Max(bytes * op.OverNetwork / bw, bytes * (1 - op.OverNetwork) / nvlink) + latency;
        }

        return (tokens * op.BytesPerToken / bw) + latency;
    }

    /// <summary>
    /// An all-reduce of <paramref name="messageBytes"/> inside an NVLink domain as the frameworks' custom kernels run it:
    /// one-shot (every GPU reads the whole message from each of its n − 1 peers and reduces locally: (n − 1)·M over its
    /// links, one latency) for small messages, two-shot (reduce-scatter then all-gather: 2·(n − 1)/n·M, two latencies)
    /// for large ones, whichever is faster. aiconfigurator's measured custom all-reduce (TensorRT-LLM, H100, TP8) takes
    /// 20 µs at 64 tokens of 5120 and 40 µs at 256, twice what a ring's bandwidth term alone gives (`allreduce-study`).
    /// </summary>
    public static double AllReduceNvlinkSeconds(double messageBytes, double ranks, double linkBytesPerSec, double latencySec)
    {
        double oneShot = ((ranks - 1) * messageBytes / linkBytesPerSec) + latencySec;
        double twoShot = (2.0 * (ranks - 1) / ranks * messageBytes / linkBytesPerSec) + (2 * latencySec);
        return Math.Min(oneShot, twoShot);
    }
}
