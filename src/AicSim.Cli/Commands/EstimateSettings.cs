using System.ComponentModel;
using AicSim.Core.Specs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AicSim.Cli.Commands;

/// <summary>Flags of <c>aicsim estimate</c>. Defaults run Qwen3-32B on one H200 with TensorRT-LLM.</summary>
public sealed class EstimateSettings : CommandSettings, Infrastructure.ICheckedSettings
{
    [CommandOption("--model <MODEL>")]
    [Description("Bundled model id (e.g. Qwen/Qwen3-32B), or a path to a Hugging Face config.json or model folder.")]
    [DefaultValue("Qwen/Qwen3-32B")]
    public string Model { get; init; } = "Qwen/Qwen3-32B";

    [CommandOption("--system <SYSTEM>")]
    [Description("GPU system: h100_sxm, h200_sxm, b200_sxm, b300_sxm, gb200, gb300, a100_sxm.")]
    [DefaultValue("h200_sxm")]
    public string System { get; init; } = "h200_sxm";

    [CommandOption("--backend <BACKEND>")]
    [Description("Serving framework: trtllm, vllm or sglang.")]
    [DefaultValue("trtllm")]
    public string Backend { get; init; } = "trtllm";

    [CommandOption("--isl <TOKENS>")]
    [Description("Input tokens per request.")]
    [DefaultValue(4000)]
    public int Isl { get; init; } = 4000;

    [CommandOption("--osl <TOKENS>")]
    [Description("Output tokens per request.")]
    [DefaultValue(500)]
    public int Osl { get; init; } = 500;

    [CommandOption("--mode <MODE>")]
    [Description("agg (one engine does prefill and decode) or disagg (separate prefill and decode workers).")]
    [DefaultValue("agg")]
    public string Mode { get; init; } = "agg";

    [CommandOption("--batch-size|--concurrency <N>")]
    [Description("agg: requests in flight (AIPerf's --concurrency).")]
    [DefaultValue(1)]
    public int BatchSize { get; init; } = 1;

    [CommandOption("--client-connections <N>")]
    [Description(SharedOptions.ClientConnections)]
    public int? ClientConnections { get; init; }

    [CommandOption("--tp <N>")]
    [Description("Tensor-parallel size of attention and dense layers.")]
    [DefaultValue(1)]
    public int Tp { get; init; } = 1;

    [CommandOption("--pp <N>")]
    [Description("Pipeline-parallel stages.")]
    [DefaultValue(1)]
    public int Pp { get; init; } = 1;

    [CommandOption("--attention-dp <N>")]
    [Description("Attention data-parallel ranks (DEP).")]
    [DefaultValue(1)]
    public int AttentionDp { get; init; } = 1;

    [CommandOption("--moe-tp <N>")]
    [Description("Tensor split of each expert (default: follows the attention split).")]
    public int? MoeTp { get; init; }

    [CommandOption("--moe-ep <N>")]
    [Description("Expert-parallel size (default: follows the attention split).")]
    public int? MoeEp { get; init; }

    [CommandOption("--gemm-quant <MODE>")]
    [Description(SharedOptions.GemmQuant)]
    public string? GemmQuant { get; init; }

    [CommandOption("--moe-quant <MODE>")]
    [Description(SharedOptions.MoeQuant)]
    public string? MoeQuant { get; init; }

    [CommandOption("--kv-quant <MODE>")]
    [Description(SharedOptions.KvQuant)]
    public string? KvQuant { get; init; }

    [CommandOption("--mtp <N>")]
    [Description("Speculative decoding: N tokens drafted per decode step by a one-layer draft (DeepSeek's MTP) and verified together (default: off).")]
    public int? Mtp { get; init; }

    [CommandOption("--mtp-acceptance <P>")]
    [Description("With --mtp: the chance each draft token is accepted, given the ones before it were (0 to 1; 0.85, DeepSeek-V3's for its one MTP draft).")]
    [DefaultValue(0.85)]
    public double MtpAcceptance { get; init; } = SpeculativeDecoding.DefaultAcceptance;

    [CommandOption("--prefill-tp <N>")]
    [Description("disagg: the prefill workers' tensor-parallel size.")]
    [DefaultValue(1)]
    public int PrefillTp { get; init; } = 1;

    [CommandOption("--prefill-pp <N>")]
    [Description("disagg: the prefill workers' pipeline-parallel stages.")]
    [DefaultValue(1)]
    public int PrefillPp { get; init; } = 1;

    [CommandOption("--prefill-attention-dp <N>")]
    [Description("disagg: the prefill workers' attention data-parallel ranks (DEP).")]
    [DefaultValue(1)]
    public int PrefillAttentionDp { get; init; } = 1;

    [CommandOption("--prefill-moe-tp <N>")]
    [Description("disagg: the prefill workers' tensor split of each expert (default: follows their attention split).")]
    public int? PrefillMoeTp { get; init; }

    [CommandOption("--prefill-moe-ep <N>")]
    [Description("disagg: the prefill workers' expert-parallel size (default: follows their attention split).")]
    public int? PrefillMoeEp { get; init; }

    [CommandOption("--prefill-batch-size <N>")]
    [Description("disagg: prompts per prefill step, per attention rank (a worker with a queue packs more, up to its rank's token budget: max_num_tokens, divided among the ranks in SGLang).")]
    [DefaultValue(1)]
    public int PrefillBatchSize { get; init; } = 1;

    [CommandOption("--prefill-workers <N>")]
    [Description("disagg: how many prefill workers serve the load together.")]
    [DefaultValue(1)]
    public int PrefillWorkers { get; init; } = 1;

    [CommandOption("--decode-tp <N>")]
    [Description("disagg: the decode workers' tensor-parallel size.")]
    [DefaultValue(1)]
    public int DecodeTp { get; init; } = 1;

    [CommandOption("--decode-pp <N>")]
    [Description("disagg: the decode workers' pipeline-parallel stages.")]
    [DefaultValue(1)]
    public int DecodePp { get; init; } = 1;

    [CommandOption("--decode-attention-dp <N>")]
    [Description("disagg: the decode workers' attention data-parallel ranks (DEP).")]
    [DefaultValue(1)]
    public int DecodeAttentionDp { get; init; } = 1;

    [CommandOption("--decode-moe-tp <N>")]
    [Description("disagg: the decode workers' tensor split of each expert (default: follows their attention split).")]
    public int? DecodeMoeTp { get; init; }

    [CommandOption("--decode-moe-ep <N>")]
    [Description("disagg: the decode workers' expert-parallel size (default: follows their attention split).")]
    public int? DecodeMoeEp { get; init; }

    [CommandOption("--decode-batch-size <N>")]
    [Description("disagg: requests decoding per attention rank of one decode worker.")]
    [DefaultValue(1)]
    public int DecodeBatchSize { get; init; } = 1;

    [CommandOption("--decode-workers <N>")]
    [Description("disagg: how many decode workers serve the load together.")]
    [DefaultValue(1)]
    public int DecodeWorkers { get; init; } = 1;

    [CommandOption("--model-configs <DIR>")]
    [Description(SharedOptions.ModelConfigs)]
    public string[]? ModelConfigs { get; init; }

    [CommandOption("--perf-source <SOURCE>")]
    [Description("roofline, tables (measured kernels, roofline where they do not reach; also the PyTorch-measured ones in systems-data/<system>/pytorch/) or auto (a framework's own tables where present: --perf-db or systems-data/<system>/<backend>/).")]
    [DefaultValue("auto")]
    public string PerfSource { get; init; } = "auto";

    [CommandOption("--perf-db <DIR>")]
    [Description("aiconfigurator's measured kernel database (its systems/data folder, or one system's folder).")]
    public string? PerfDb { get; init; }

    [CommandOption("--backend-version <VERSION>")]
    [Description("Backend version whose tables to use; the nearest measured version is taken (default: newest).")]
    public string? BackendVersion { get; init; }

    [CommandOption("--calibration <FILE>")]
    [Description("Fitted constants to use: a calibration file, or 'none' for the built-in defaults. Default: systems-data/calibration/default.yaml when present.")]
    public string? Calibration { get; init; }

    [CommandOption("--breakdown")]
    [Description("Also print the time of each op in one decode step and one prefill chunk, and where the TTFT goes: request overhead, steps of the running engine, prefill, admission, balancing and queue waits, hand-off.")]
    public bool Breakdown { get; init; }

    [CommandOption("--json")]
    [Description("Print the result as JSON instead of a table.")]
    public bool Json { get; init; }

    [CommandOption("--compare <AIPERF_EXPORT>")]
    [Description("Hold the estimate against an AIPerf run of the same deployment: its profile_export_aiperf.json or .csv (streaming), or the artifact folder holding it. Prints measured against predicted TTFT, TPOT and throughput, and says where the run's load differs from the flags.")]
    public string? Compare { get; init; }

    [CommandOption("--input <CSV>")]
    [Description("Batch mode: rows in the column layout of silicon_calibration.csv.")]
    public string? Input { get; init; }

    [CommandOption("--output <CSV>")]
    [Description("Batch mode: where to write id,predicted_ttft_ms,predicted_tpot_ms,status,message.")]
    public string? Output { get; init; }

    public ValidationResult Check()
    {
        var problems = new List<string>();
        if (Compare is not null && Input is not null)
        {
            problems.Add("--compare holds one estimate against one AIPerf run; batch mode (--input) compares with the rows' own measurements (aicsim validate). Use one of them.");
        }

        foreach (var (name, value) in new[]
        {
            ("--isl", Isl), ("--osl", Osl), ("--batch-size (--concurrency)", BatchSize), ("--tp", Tp), ("--pp", Pp), ("--attention-dp", AttentionDp),
            ("--prefill-tp", PrefillTp), ("--prefill-pp", PrefillPp), ("--prefill-attention-dp", PrefillAttentionDp), ("--prefill-batch-size", PrefillBatchSize), ("--prefill-workers", PrefillWorkers),
            ("--decode-tp", DecodeTp), ("--decode-pp", DecodePp), ("--decode-attention-dp", DecodeAttentionDp), ("--decode-batch-size", DecodeBatchSize), ("--decode-workers", DecodeWorkers),
        })
        {
            if (value < 1)
            {
                problems.Add($"{name} is {value}; it must be 1 or more.");
            }
        }

        if (ClientConnections is < 1)
        {
            problems.Add($"--client-connections is {ClientConnections}; it must be 1 or more, or left out for a client that sends every request at once.");
        }

        if (Mtp is < 1 or > SpeculativeDecoding.MaxDraftTokens)
        {
            problems.Add($"--mtp is {Mtp}; draft 1 to {SpeculativeDecoding.MaxDraftTokens} tokens per step, or leave it out for plain decoding.");
        }

        if (MtpAcceptance is < 0 or > 1 || double.IsNaN(MtpAcceptance))
        {
            problems.Add($"--mtp-acceptance is {MtpAcceptance.ToString(global::System.Globalization.CultureInfo.InvariantCulture)}; it is a probability, from 0 to 1 (0.85 by default).");
        }

        if (Input is not null && Output is null)
        {
            problems.Add("--input needs --output: where to write the predictions.");
        }

        if (Output is not null && Input is null)
        {
            problems.Add("--output is for batch mode and needs --input.");
        }

        if (Mode is not ("agg" or "disagg"))
        {
            problems.Add($"--mode '{Mode}': use agg or disagg.");
        }

        return problems.Count == 0 ? ValidationResult.Success() : ValidationResult.Error(string.Join(" ", problems));
    }
}
