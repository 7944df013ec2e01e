using System.Globalization;
using System.Text.RegularExpressions;
using AicSim.Core.Engine;
using AicSim.Core.Errors;
using AicSim.Core.Estimate;
using AicSim.Core.Serving;
using AicSim.Core.Specs;
using AicSim.Data.Models;
using AicSim.Data.Systems;

namespace AicSim.Data.Calibration;

/// <summary>
/// Turns a <see cref="SiliconRow"/> into an <see cref="EstimateRequest"/>, reading the file's known quirks
/// (SOURCES.md) the documented way and recording each reading on the request.
/// </summary>
/// <remarks>
/// Readings:
/// <list type="bullet">
/// <item>0 or empty in a parallel field is missing (1), never a divisor.</item>
/// <item>When tp = moe_tp × moe_ep with both above 1 (e.g. tp 64 with moe 8×8 on an 8-GPU system), the worker's GPU
/// count N is the id's <c>tpN</c> (else moe_tp, when tp exceeds the NVLink domain): tp = N, experts split moe_ep ways.</item>
/// <item>Likewise when attention_dp = moe_tp × moe_ep with tp 1: a DEP worker of the id's <c>tpN</c> GPUs.</item>
/// <item>When moe_tp × moe_ep exceeds tp (tp 1 with moe_tp 2), the attention runs data-parallel over the experts' GPUs.</item>
/// <item>Otherwise, when the expert split disagrees with the attention GPUs, moe_ep is kept and moe_tp = GPUs / moe_ep.</item>
/// <item>Agg concurrency is batch_size, except in attention-DP rows whose silicon_concurrency is batch_size × attention_dp:
/// there batch_size is per rank and the concurrency is the clients'.</item>
/// <item>An agg tp_size that no single engine can use (above 8, breaking the heads rule or splitting every weight) is
/// the disaggregated run of its sweep (<see cref="AssumedDeployments.DisaggregatedRun"/>): both roles run the smallest power-of-two
/// engine, dividing tp_size, with its weights in half its memory, and tp_size counts the decode GPUs.</item>
/// <item>gpt-oss rows labelled nvfp4 are MXFP4 checkpoints.</item>
/// <item>Quantised rows (fp8, nvfp4, mxfp4) use an FP8 KV cache; others use the checkpoint's KV dtype.</item>
/// <item>Builds and runs measured with speculative decoding (<see cref="SpeculativeRun.Known"/>) decode with it.</item>
/// <item>Disaggregated rows without batch sizes: the client concurrency in silicon_data_source, and the deployment a
/// planner would size for it (<see cref="AssumedDeployments.Disaggregated"/>), where the tp_size quirk makes tp_size
/// count the decode GPUs.</item>
/// </list>
/// </remarks>
public sealed partial class SiliconRowMapper(ModelCatalog models, SystemCatalog systems)
{
    /// <summary>
    /// The row with its labels as AicSim names them, so that a file spelling them otherwise groups, scores and fits alike:
    /// a known system by its catalog name (gb200_sxm → gb200, H100-SXM → h100_sxm), a known backend by its own
    /// (TensorRT-LLM → trtllm), and the mode as agg or disagg (aggregated and disaggregated too). Unknown labels stay as
    /// given, for the row's status to name.
    /// </summary>
    public SiliconRow Canonical(SiliconRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        string system = systems.TryGet(row.System, out var spec) && spec is not null ? spec.Name : row.System;
        string backend = Backends.TryParse(row.Backend, out var known) ? Backends.Name(known) : row.Backend;
        string mode = row.Mode.Trim().ToLowerInvariant() switch
        {
            "agg" or "aggregated" => "agg",
            "disagg" or "disaggregated" => "disagg",
            _ => row.Mode,
        };
        return system == row.System && backend == row.Backend && mode == row.Mode ? row : row with { System = system, Backend = backend, Mode = mode };
    }

    public EstimateRequest Map(SiliconRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var readings = new List<string>();
        var model = ResolveModel(row.Model, readings);
        if (!systems.TryGet(row.System, out var system) || system is null)
        {
            throw new UnsupportedException(
                $"system '{row.System}' is not modelled; AicSim has {string.Join(", ", systems.Systems.Select(s => s.Name))}.");
        }

        var backend = Backends.Parse(row.Backend, "backend");
        var quant = Quant(row, model, readings);
        var workload = new Workload(row.Isl, row.Osl);
        if ((long)row.Isl + row.Osl > model.MaxContextLength)
        {
            throw new UnsupportedException(string.Create(CultureInfo.InvariantCulture,
                $"isl {row.Isl} + osl {row.Osl} tokens is beyond {model.ShortName}'s context of {model.MaxContextLength} (max_position_embeddings), so no engine of it serves this row as read."));
        }

        if (row.RepeatsRun is { } repeated)
        {
            readings.Add(string.Create(CultureInfo.InvariantCulture, $"dated {repeated.Day:yyyy-MM-dd} as another export of {repeated.Id}, whose TTFT and TPOT it repeats"));
        }

        var profile = BackendProfile.For(backend);
        if (SpeculativeRun.Of(row, backend) is { } run)
        {
            profile = profile with { Speculative = run.Decoding };
            int draft = run.Decoding.DraftTokens;
            string which = run.MeasuredOn is { } day ? $"{row.Backend} {row.BackendVersion}'s run of {day:yyyy-MM-dd}" : $"{row.Backend} {row.BackendVersion}";
            readings.Add($"read {which} as decoding with MTP: {draft} draft token{(draft == 1 ? string.Empty : "s")} a step, accepted at {run.Decoding.Acceptance.ToString(CultureInfo.InvariantCulture)} ({run.Evidence})");
        }

        bool isAgg = row.Mode.Equals("agg", StringComparison.OrdinalIgnoreCase);
        if (!isAgg && !row.Mode.Equals("disagg", StringComparison.OrdinalIgnoreCase))
        {
            throw new AicSimException($"mode '{row.Mode}': use agg or disagg.");
        }

        var common = new EstimateRequest
        {
            Model = model,
            System = system,
            Backend = profile,
            Quant = quant,
            Workload = workload,
            Mode = isAgg ? ServingMode.Aggregated : ServingMode.Disaggregated,
            Parallel = Parallel(isAgg ? row.Agg : row.Prefill, model, system, row.Id, isAgg ? "agg" : "prefill", readings),
            Readings = readings,
        };

        if (isAgg)
        {
            var aggRequest = common with { Concurrency = AggConcurrency(row, readings) };
            return AssumedDeployments.DisaggregatedRun(aggRequest, readings) ?? aggRequest;
        }

        if (row.PrefillBatchSize is not > 0 || row.DecodeBatchSize is not > 0)
        {
            int concurrency = row.Concurrency
                ?? throw new UnsupportedException("disagg row without prefill/decode batch sizes or a client concurrency to assume them from (a concurrency column, or silicon_concurrency=N in silicon_data_source).");
            return AssumedDeployments.Disaggregated(row.Decode, row.Id, common, concurrency, readings);
        }

        var decode = Parallel(row.Decode, model, system, row.Id, "decode", readings);
        var deployment = new DisaggregatedDeployment(row.PrefillWorkers is > 0 ? row.PrefillWorkers.Value : 1, row.PrefillBatchSize.Value, row.DecodeWorkers is > 0 ? row.DecodeWorkers.Value : 1, row.DecodeBatchSize.Value);
        return common with { DecodeParallel = decode, Deployment = deployment };
    }

    /// <summary>
    /// The clients an aggregated row's engine holds. batch_size is the concurrency, except in attention-DP rows, where it
    /// is per rank: their source names the client concurrency, batch_size × attention_dp (c256 with DEP8 has batch_size
    /// 32). Rows of other mappings whose source names more clients than batch_size ran several replicas; batch_size is
    /// what one engine sees. A file measured elsewhere may give only the benchmark's clients: all of them on the engine.
    /// </summary>
    private static int AggConcurrency(SiliconRow row, List<string> readings)
    {
        if (row.BatchSize is not > 0)
        {
            int stated = row.Concurrency is > 0 ? row.Concurrency.Value
                : throw new UnsupportedException("agg row without batch_size or a client concurrency (a concurrency column) to take it from.");
            readings.Add($"no batch_size: the {stated} clients of its concurrency on one engine");
            return stated;
        }

        int concurrency = row.BatchSize.Value;
        int dp = row.Agg.AttentionDp is > 1 ? row.Agg.AttentionDp.Value : 1;
        if (dp > 1 && row.Concurrency is int clients && clients == concurrency * dp)
        {
            readings.Add($"concurrency {clients} from silicon_concurrency (batch_size {concurrency} is per attention-DP rank)");
            concurrency = clients;
        }

        return concurrency;
    }

    /// <summary>The row's model, or a release of a bundled one (its format comes from the row's quant columns anyway).</summary>
    private ModelSpec ResolveModel(string name, List<string> readings)
    {
        try
        {
            var spec = models.Resolve(name);
            if (models.ConfigFolderPathOf(name) is string config)
            {
                readings.Add($"read {name}, which is not bundled, from {config}");
            }

            return spec;
        }
        catch (AicSimException) when (models.TryResolveRelease(name, out var release, out string? shapeOf))
        {
            readings.Add($"read {name}, which is not bundled, as a release of {shapeOf}: the same shape, its format from its name unless the row gives one");
            return release;
        }
    }

    private static QuantConfig Quant(SiliconRow row, ModelSpec model, List<string> readings)
    {
        var d = model.DefaultQuant;

        // Without quant columns, the precision column says what the row ran (a file measured elsewhere may give only it);
        // without either, the model's own checkpoint.
        QuantMode? stated = row.Precision.Length > 0 && row.GemmQuant.Length == 0 && row.MoeQuant.Length == 0
            ? QuantModes.Parse(row.Precision, "precision")
            : null;
        if (stated is { } p && (p != d.Gemm || (model.IsMoe && p != d.Moe)))
        {
            readings.Add($"precision {row.Precision} read as the GEMMs' and experts' format (the quant columns are empty)");
        }

        var gemm = row.GemmQuant.Length > 0 ? QuantModes.Parse(row.GemmQuant, "gemm_quant_mode") : stated ?? d.Gemm;
        var moe = row.MoeQuant.Length > 0 ? QuantModes.Parse(row.MoeQuant, "moe_quant_mode") : stated ?? d.Moe;
        if (model.Architecture == "GptOssForCausalLM" && moe == QuantMode.Nvfp4)
        {
            moe = QuantMode.Mxfp4;
            gemm = gemm == QuantMode.Nvfp4 ? QuantMode.Bf16 : gemm;
            readings.Add("read gpt-oss 'nvfp4' as its MXFP4 checkpoint (experts MXFP4, attention bf16)");
        }

        // "fp8" names the precision, not the scaling: where the model's own checkpoint is block-scaled FP8 (DeepSeek-R1
        // and V3, MiniMax-M2.5, Qwen3-235B-A22B-FP8: weight_block_size [128, 128] in their config.json), the row runs it.
        if (gemm == QuantMode.Fp8 && d.Gemm == QuantMode.Fp8Block)
        {
            gemm = QuantMode.Fp8Block;
            readings.Add("read gemm fp8 as the checkpoint's block-scaled fp8 (fp8_block)");
        }

        // Quantised rows are read with an fp8 KV cache: the serving recipes set it, and the measurements need it — at high
        // concurrency TTFT shows where the cache fills, and with bf16 KV that comes at about half the concurrency measured
        // (MiniMax-M2.5 fp8, TP2 B200, 8192+1024: about 105 resident requests measured, 59 fit in bf16, 96 in fp8).
        var kv = d.KvCache;
        if (kv == QuantMode.Bf16 && (IsQuantised(gemm) || IsQuantised(moe)))
        {
            kv = QuantMode.Fp8;
            readings.Add("read the KV cache as fp8 (a quantised row)");
        }

        // A row's gemm_quant_mode covers the attention projections too; without one they keep the checkpoint's format.
        return new QuantConfig(gemm, moe, kv) { AttentionOverride = row.GemmQuant.Length > 0 ? null : d.AttentionOverride };
    }

    private static bool IsQuantised(QuantMode mode) => mode is QuantMode.Fp8 or QuantMode.Fp8Block or QuantMode.Nvfp4 or QuantMode.Mxfp4 or QuantMode.W4Afp8;

    internal static ParallelConfig Parallel(RowParallel p, ModelSpec model, SystemSpec system, string id, string role, List<string> readings)
    {
        static int Size(int? v) => v is > 0 ? v.Value : 1;
        if (p.Tp is not > 0)
        {
            readings.Add($"{role}: no tp_size; read as 1");
        }

        int tp = Size(p.Tp);
        int pp = Size(p.Pp);
        int dp = Size(p.AttentionDp);
        if (!model.IsMoe)
        {
            return ParallelConfig.FromSizes(tp, pp, dp, null, null, isMoe: false);
        }

        int gpus = tp * dp;
        if (p.MoeTp is not > 0 && p.MoeEp is not > 0)
        {
            return ParallelConfig.FromSizes(tp, pp, dp, null, null, isMoe: true);
        }

        int moeTp = Size(p.MoeTp);
        int moeEp = Size(p.MoeEp);

        // vLLM's sweeps (no other backend's) label some runs tp N, attention_dp N, moe_ep N·N: the N²-GPU engine
        // --tensor-parallel-size N --data-parallel-size N would build. 28 of them measure what a TEP N run of their sweep
        // measures at the same load (within 1% TPOT and 2% TTFT: the same-as-other-mapping check), and read as TEP N the
        // others predict as well as their sweeps' TEP runs do.
        if (tp > 1 && dp > 1 && moeTp == 1 && moeEp == tp * dp)
        {
            readings.Add($"{role}: tp_size {tp} with attention_dp {dp} and moe_ep {moeEp} = tp × dp; read as TEP{tp} (tp {tp}, experts split {tp} ways), as its sweep's TEP{tp} runs measure");
            return new ParallelConfig(tp, pp, 1, 1, tp);
        }

        // The export quirk: tp_size holds moe_tp × moe_ep. The id's tpN (else moe_tp on an HGX system the tp cannot fit) is the worker.
        if (tp == moeTp * moeEp && dp == 1 && moeTp > 1 && moeEp > 1)
        {
            var fromId = TpInId().Match(id);
            int? workerGpus = fromId.Success ? int.Parse(fromId.Groups[1].Value, CultureInfo.InvariantCulture)
                : tp > system.NvlinkDomainGpus ? moeTp : null;
            if (workerGpus is int n && n != tp && n % moeEp == 0)
            {
                readings.Add($"{role}: tp_size {tp} = moe_tp {moeTp} × moe_ep {moeEp}; read as a {n}-GPU worker (TEP: tp {n}, experts split {moeEp} ways)");
                return new ParallelConfig(n, pp, 1, n / moeEp, moeEp);
            }
        }

        // The same quirk under attention DP: attention_dp holds moe_tp × moe_ep (64 = 8 × 8 on an 8-GPU system); the id's
        // tpN (else moe_tp) is the worker, a DEP engine with one attention rank per GPU.
        if (dp == moeTp * moeEp && tp == 1 && moeTp > 1 && moeEp > 1)
        {
            var fromId = TpInId().Match(id);
            int n = fromId.Success ? int.Parse(fromId.Groups[1].Value, CultureInfo.InvariantCulture) : moeTp;
            if (n != dp && n % moeEp == 0)
            {
                readings.Add($"{role}: attention_dp {dp} = moe_tp {moeTp} × moe_ep {moeEp}; read as a {n}-GPU worker (DEP: attention DP {n}, experts split {moeEp} ways)");
                return new ParallelConfig(1, pp, n, n / moeEp, moeEp);
            }
        }

        if (moeTp * moeEp == gpus)
        {
            return new ParallelConfig(tp, pp, dp, moeTp, moeEp);
        }

        // More expert GPUs than attention GPUs (tp 1 with moe_tp 2): the experts' GPU count is the engine's, and the
        // attention runs data-parallel across it, as vLLM's --data-parallel-size does with experts sharded over all ranks.
        if (dp == 1 && moeTp * moeEp > gpus && moeTp * moeEp % tp == 0)
        {
            int ranks = moeTp * moeEp / tp;
            readings.Add($"{role}: moe_tp {moeTp} × moe_ep {moeEp} = {moeTp * moeEp} GPUs > tp {tp}; read as attention DP {ranks} over them");
            return new ParallelConfig(tp, pp, ranks, moeTp, moeEp);
        }

        if (gpus % moeEp == 0)
        {
            readings.Add($"{role}: moe_tp {moeTp} × moe_ep {moeEp} ≠ {gpus} GPUs; read as moe_ep {moeEp}, moe_tp {gpus / moeEp}");
            return new ParallelConfig(tp, pp, dp, gpus / moeEp, moeEp);
        }

        throw new UnsupportedException($"{role}: moe_tp {moeTp} × moe_ep {moeEp} does not match tp {tp} × attention_dp {dp} and cannot be read consistently.");
    }

    /// <summary>The client concurrency a row's source names (<c>silicon_concurrency=N</c>), or null.</summary>
    public static int? Concurrency(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var m = ConcurrencyInSource().Match(source);
        return m.Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>
    /// The day a row was measured, as its source names it (<c>measured=2026-03-27</c>, a time after the date ignored), or
    /// null when it names none or an impossible date.
    /// </summary>
    public static DateOnly? Measured(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var m = MeasuredInSource().Match(source);
        return m.Success && DateOnly.TryParseExact(m.Groups[1].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
    }

    [GeneratedRegex(@"_tp(\d+)_")]
    private static partial Regex TpInId();

    [GeneratedRegex(@"silicon_concurrency=(\d+)")]
    private static partial Regex ConcurrencyInSource();

    [GeneratedRegex(@"(?:^|;)\s*measured=(\d{4}-\d{2}-\d{2})")]
    private static partial Regex MeasuredInSource();
}
