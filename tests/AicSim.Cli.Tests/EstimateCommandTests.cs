using System.Text.Json;
using AicSim.Tests;

namespace AicSim.Cli.Tests;

/// <summary>The CLI run in-process against a capturing console.</summary>
public sealed class EstimateCommandTests
{
    private static (int Exit, string Output) Run(params string[] args) => Cli.Run(args);

    [Fact]
    public void Estimate_runs_on_built_in_defaults()
    {
        var (exit, output) = Run("estimate");
        Assert.Equal(0, exit);
        Assert.Contains("Qwen/Qwen3-32B", output, StringComparison.Ordinal);
        Assert.Contains("TTFT (ms)", output, StringComparison.Ordinal);
        Assert.Contains("max KV tokens", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_output_parses_and_carries_the_numbers()
    {
        var (exit, output) = Run("estimate", "--model", "meta-llama/Llama-3.1-8B", "--system", "h100_sxm", "--tp", "2", "--batch-size", "16", "--isl", "2000", "--osl", "200", "--json");
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal("h100_sxm", root.GetProperty("system").GetString());
        Assert.True(root.GetProperty("ttft_ms").GetDouble() > 0);
        Assert.True(root.GetProperty("tpot_ms").GetDouble() > 0);
        Assert.Equal(2, root.GetProperty("gpus").GetInt32());
        Assert.Equal("TP2", root.GetProperty("engines")[0].GetProperty("mapping").GetString());

        // Oracle: 131,072 bytes per token at TP1 (hand calculation); TP2 halves the KV heads per GPU.
        Assert.Equal(65_536, root.GetProperty("engines")[0].GetProperty("kv_bytes_per_token").GetDouble());
    }

    [Fact]
    public void The_breakdown_tells_where_the_ttft_and_the_tpot_go_and_the_json_carries_the_same_parts()
    {
        // Oracle: arithmetic on the command's own headline and hand counts. Each metric's parts add up to what it printed.
        // TTFT: the request overhead's kernel count is Llama-3.1-8B's hand count at TP2 without its two all-reduces a layer
        // (8 a layer × 32, EngineModelTests).
        // TPOT: the prompts a request decodes beside are c·(1 − s/2) = 16 × (1 − 0.3/2) = 13.6 with TensorRT-LLM's built-in
        // synchronisation (--calibration none), and their launches 16 × 0.85 × (15 µs × 320 kernels) / 200 tokens =
        // 0.3264 ms at the built-in interference of 1.
        string[] args = ["estimate", "--model", "meta-llama/Llama-3.1-8B", "--system", "h100_sxm", "--tp", "2", "--batch-size", "16", "--isl", "2000", "--osl", "200", "--calibration", "none"];
        var (exit, table) = Run([.. args, "--breakdown"]);
        Assert.Equal(0, exit);
        foreach (string line in (string[])["TTFT part", "request overhead (256 prefill kernels, collectives aside)", "steps of the running engine", "TPOT part", "decode step, per token", "13.6 prompts a request decodes beside", "launches outside the CUDA graphs"])
        {
            Assert.Contains(line, table, StringComparison.Ordinal);
        }

        var (_, json) = Run([.. args, "--json"]);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var ttft = PartsAddingUpTo(root, "ttft");
        Assert.Equal(256, ttft.GetProperty("overhead_kernels").GetDouble());
        Assert.True(ttft.GetProperty("prefill_ms").GetDouble() > 0);
        var tpot = PartsAddingUpTo(root, "tpot");
        Approx.AssertClose(13.6, tpot.GetProperty("prompts_beside").GetDouble(), 1e-12);
        Approx.AssertClose(0.3264, tpot.GetProperty("prompt_launches_ms").GetDouble(), 1e-9);
        Assert.True(tpot.GetProperty("prefill_kernels_ms").GetDouble() > 0);

        // Disaggregated, the decode worker runs no prefill: its TPOT is all decode step.
        var (_, disagg) = Run("estimate", "--mode", "disagg", "--decode-batch-size", "8", "--json");
        using var d = JsonDocument.Parse(disagg);
        var decodeOnly = PartsAddingUpTo(d.RootElement, "tpot");
        Assert.Equal(0, decodeOnly.GetProperty("prefill_kernels_ms").GetDouble());
        Assert.Equal(0, decodeOnly.GetProperty("prompt_launches_ms").GetDouble());
    }

    /// <summary>The metric's <c>_parts</c> object, after checking that its <c>_ms</c> parts add up to the metric.</summary>
    private static JsonElement PartsAddingUpTo(JsonElement root, string metric)
    {
        var parts = root.GetProperty(metric + "_parts");
        double sum = parts.EnumerateObject().Where(p => p.Name.EndsWith("_ms", StringComparison.Ordinal)).Sum(p => p.Value.GetDouble());
        Approx.AssertClose(root.GetProperty(metric + "_ms").GetDouble(), sum, 1e-9);
        return parts;
    }

    [Fact]
    public void An_estimate_says_how_accurate_its_group_was_and_the_range_that_makes_here()
    {
        // Oracle: the bundled accuracy file's own ratios times this estimate's predictions (arithmetic on the file, which
        // AccuracyFileTests ties to the bundled calibration and ../shared/data).
        // At 16 clients the card of the 1–16 band speaks.
        var card = Data.Calibration.AccuracyFile.LoadDefault()!.Find("h200_sxm", "vllm", "agg", 16)!;
        Assert.Equal(new Core.Accuracy.ClientBand(1, 16), card.Clients);
        var (exit, output) = Run("estimate", "--backend", "vllm", "--tp", "2", "--batch-size", "16", "--json");
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        var accuracy = root.GetProperty("accuracy");
        Assert.Equal("h200_sxm/vllm/agg", accuracy.GetProperty("group").GetString());
        Assert.Equal(1, accuracy.GetProperty("clients_min").GetInt32());
        Assert.Equal(16, accuracy.GetProperty("clients_max").GetInt32());
        Assert.Equal(card.Rows, accuracy.GetProperty("measured_runs").GetInt32());
        double ttft = root.GetProperty("ttft_ms").GetDouble();
        Assert.Equal(ttft * card.Ttft.LowRatio, accuracy.GetProperty("ttft").GetProperty("likely_ms")[0].GetDouble(), 9);
        Assert.Equal(ttft * card.Ttft.HighRatio, accuracy.GetProperty("ttft").GetProperty("likely_ms")[1].GetDouble(), 9);
        Assert.Equal(card.Tpot.MapePercent, accuracy.GetProperty("tpot").GetProperty("mape_pct").GetDouble());

        var (_, table) = Run("estimate", "--backend", "vllm", "--tp", "2", "--batch-size", "16");
        Assert.Contains("accuracy: h200_sxm/vllm/agg at 1–16 clients, 5-fold cross-validation", table.ReplaceLineEndings(" "), StringComparison.Ordinal);

        // Built-in constants are not what the cards measured: no card, and the reason.
        var (_, uncalibrated) = Run("estimate", "--calibration", "none", "--json");
        using var none = JsonDocument.Parse(uncalibrated);
        Assert.False(none.RootElement.TryGetProperty("accuracy", out _));
        Assert.Contains("--calibration none", none.RootElement.GetProperty("accuracy_note").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Disaggregated_flags_give_two_engines()
    {
        var (exit, output) = Run("estimate", "--model", "deepseek-ai/DeepSeek-V3", "--system", "gb200", "--mode", "disagg", "--gemm-quant", "nvfp4", "--moe-quant", "nvfp4", "--kv-quant", "fp8",
            "--prefill-tp", "4", "--prefill-moe-ep", "4", "--decode-attention-dp", "16", "--decode-moe-ep", "16", "--decode-batch-size", "32", "--prefill-workers", "2", "--json");
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(output);
        var engines = doc.RootElement.GetProperty("engines");
        Assert.Equal("TEP4", engines[0].GetProperty("mapping").GetString());
        Assert.Equal("DEP16", engines[1].GetProperty("mapping").GetString());
        Assert.Equal(2 * 4 + 16, doc.RootElement.GetProperty("gpus").GetInt32());
    }

    [Theory]
    [InlineData("--model", "Qwen/Qwen3-33B", "Did you mean")]
    [InlineData("--system", "h300", "unknown system 'h300'")]
    [InlineData("--backend", "tensorrt", "unknown backend 'tensorrt'")]
    [InlineData("--gemm-quant", "int3", "--gemm-quant: unknown quantisation 'int3'")]
    public void Unknown_names_exit_1_with_a_clear_error(string flag, string value, string expected)
    {
        var (exit, output) = Run("estimate", flag, value);
        Assert.Equal(1, exit);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    [Fact]
    public void Expert_splits_on_a_dense_model_are_refused_not_ignored()
    {
        var (exit, output) = Run("estimate", "--model", "Qwen/Qwen3-8B", "--tp", "2", "--moe-ep", "2");
        Assert.Equal(1, exit);
        Assert.Contains("--moe-ep: Qwen3-8B is dense", output, StringComparison.Ordinal);

        // A split of 1 says nothing and stays accepted, as calibration-style rows give it for dense models.
        Assert.Equal(0, Run("estimate", "--model", "Qwen/Qwen3-8B", "--tp", "2", "--moe-ep", "1").Exit);
    }

    [Fact]
    public void Every_bad_flag_is_reported_at_once()
    {
        var (exit, output) = Run("estimate", "--model", "nope", "--system", "nope", "--backend", "nope");
        Assert.Equal(1, exit);
        Assert.Contains("unknown model", output, StringComparison.Ordinal);
        Assert.Contains("unknown system", output, StringComparison.Ordinal);
        Assert.Contains("unknown backend", output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_impossible_mapping_exits_1_and_names_the_fix()
    {
        var (exit, output) = Run("estimate", "--model", "Qwen/Qwen3-0.6B", "--tp", "8");
        Assert.Equal(1, exit);
        Assert.Contains("16 attention heads; TP8 leaves 2 per GPU", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Fp8_on_a100_is_an_error()
    {
        var (exit, output) = Run("estimate", "--model", "meta-llama/Llama-3.1-8B", "--system", "a100_sxm", "--gemm-quant", "fp8");
        Assert.Equal(1, exit);
        Assert.Contains("no fp8 tensor cores", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_prompt_beyond_the_models_context_exits_1_naming_the_limit()
    {
        // Qwen3-32B's config.json: max_position_embeddings 40960.
        var (exit, output) = Run("estimate", "--isl", "40000", "--osl", "1000");
        Assert.Equal(1, exit);
        Assert.Contains("--isl 40000 + --osl 1000 tokens is beyond Qwen3-32B's context of 40960", output, StringComparison.Ordinal);
        Assert.DoesNotContain("TTFT (ms)", output, StringComparison.Ordinal);
        Assert.Equal(0, Run("estimate", "--isl", "39960", "--osl", "1000").Exit);
    }

    [Fact]
    public void An_engine_whose_kv_cache_cannot_hold_one_request_does_not_fit()
    {
        // The oracle is the capacity the same run reports: a request needs isl + osl = 101,000 tokens on its rank.
        static (int Exit, JsonElement Engine, string[] Notes) At(int tp)
        {
            var (exit, output) = Run("estimate", "--model", "meta-llama/Llama-3.1-70B", "--system", "h100_sxm", "--tp", tp.ToString(System.Globalization.CultureInfo.InvariantCulture), "--isl", "100000", "--osl", "1000", "--json");
            using var doc = JsonDocument.Parse(output);
            var root = doc.RootElement.Clone();
            return (exit, root.GetProperty("engines")[0], root.GetProperty("notes").EnumerateArray().Select(n => n.GetString()!).ToArray());
        }

        var tp2 = At(2);
        Assert.True(tp2.Engine.GetProperty("max_kv_tokens").GetInt64() < 101_000);
        Assert.Equal(2, tp2.Exit);
        Assert.False(tp2.Engine.GetProperty("fits").GetBoolean());
        Assert.Contains(tp2.Notes, n => n.Contains("does not fit one request", StringComparison.Ordinal) && n.Contains("a request needs 101,000", StringComparison.Ordinal));
        Assert.DoesNotContain(tp2.Notes, n => n.Contains("runs 0 requests", StringComparison.Ordinal));

        var tp4 = At(4);
        Assert.True(tp4.Engine.GetProperty("max_kv_tokens").GetInt64() >= 101_000);
        Assert.Equal(0, tp4.Exit);
        Assert.True(tp4.Engine.GetProperty("fits").GetBoolean());
    }

    [Fact]
    public void A_configuration_that_does_not_fit_exits_2_and_says_so()
    {
        var (exit, output) = Run("estimate", "--model", "meta-llama/Llama-3.1-405B", "--system", "h100_sxm");
        Assert.Equal(2, exit);
        Assert.Contains("OOM", output, StringComparison.Ordinal);
        Assert.Contains("does not fit", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Mtp_flags_speed_up_decoding_and_say_so()
    {
        string[] common = ["estimate", "--model", "deepseek-ai/DeepSeek-R1", "--system", "b200_sxm", "--tp", "8", "--batch-size", "4", "--json"];
        var (exit, plain) = Run(common);
        var (exitMtp, mtp) = Run([.. common, "--mtp", "3", "--mtp-acceptance", "0.5"]);
        Assert.Equal(0, exit);
        Assert.Equal(0, exitMtp);
        using var p = JsonDocument.Parse(plain);
        using var m = JsonDocument.Parse(mtp);
        Assert.False(p.RootElement.TryGetProperty("mtp", out _));

        // Oracle: 1 + 0.5 + 0.25 + 0.125 tokens a step (hand calculation); fewer, slightly longer steps: TPOT falls.
        Assert.Equal(1.875, m.RootElement.GetProperty("mtp").GetProperty("tokens_per_step").GetDouble(), 12);
        Assert.True(m.RootElement.GetProperty("tpot_ms").GetDouble() < p.RootElement.GetProperty("tpot_ms").GetDouble());

        var (_, table) = Run("estimate", "--model", "deepseek-ai/DeepSeek-R1", "--system", "b200_sxm", "--tp", "8", "--mtp", "2");
        Assert.Contains("MTP 2 draft tokens at acceptance 0.85", table, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--mtp", "0", "--mtp is 0")]
    [InlineData("--mtp-acceptance", "1.5", "--mtp-acceptance is 1.5")]
    public void Impossible_mtp_settings_exit_1_and_name_the_flag(string flag, string value, string expected)
    {
        var (exit, output) = Run("estimate", "--mtp", "3", flag, value);
        Assert.Equal(1, exit);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_holds_the_estimate_against_an_aiperf_run()
    {
        // Oracle: the fixture's own numbers (TTFT mean 150 ms, ITL 25 ms, 5388.8 output tokens/s, concurrency 128) and
        // the error arithmetic (predicted − measured) / measured on the estimate's own predictions.
        string run = SharedData.Path("aiperf", "fixture-release-layout-streaming.profile_export_aiperf.json");
        var (exit, json) = Run("estimate", "--model", "meta-llama/Llama-3.1-8B", "--system", "h100_sxm", "--batch-size", "128", "--compare", run, "--json");
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var measured = root.GetProperty("measured");
        Assert.Equal(150.0, measured.GetProperty("ttft_ms").GetDouble());
        Assert.Equal(25.0, measured.GetProperty("tpot_ms").GetDouble());
        Assert.Equal(128, measured.GetProperty("concurrency").GetInt32());
        Assert.Equal((root.GetProperty("ttft_ms").GetDouble() - 150) / 150 * 100, measured.GetProperty("ttft_error_pct").GetDouble(), 9);
        Assert.Equal((root.GetProperty("tpot_ms").GetDouble() - 25) / 25 * 100, measured.GetProperty("tpot_error_pct").GetDouble(), 9);
        double tps = root.GetProperty("tokens_per_sec_per_gpu").GetDouble() * root.GetProperty("gpus").GetInt32();
        Assert.Equal((tps - 5388.8) / 5388.8 * 100, measured.GetProperty("throughput_error_pct").GetDouble(), 9);
        Assert.Equal(0, measured.GetProperty("mismatches").GetArrayLength());

        // Against the accuracy card of its group and load (h100_sxm/trtllm/agg at 128 clients): inside when measured / predicted lies between its
        // 10th and 90th percentiles (oracle: the bundled file's ratios and the two numbers above).
        var card = Data.Calibration.AccuracyFile.LoadDefault()!.Find("h100_sxm", "trtllm", "agg", 128)!;
        double ttftRatio = 150 / root.GetProperty("ttft_ms").GetDouble();
        double tpotRatio = 25 / root.GetProperty("tpot_ms").GetDouble();
        var within = measured.GetProperty("within_accuracy_range");
        Assert.Equal(ttftRatio >= card.Ttft.LowRatio && ttftRatio <= card.Ttft.HighRatio, within.GetProperty("ttft").GetBoolean());
        Assert.Equal(tpotRatio >= card.Tpot.LowRatio && tpotRatio <= card.Tpot.HighRatio, within.GetProperty("tpot").GetBoolean());
        var (_, text) = Run("estimate", "--model", "meta-llama/Llama-3.1-8B", "--system", "h100_sxm", "--batch-size", "128", "--compare", run);
        Assert.Contains($"validated runs of {card.Scope} fell in", text.ReplaceLineEndings(" "), StringComparison.Ordinal);

        // A run at another load is compared, and said to be another load, with the flag that matches it.
        var (exitOther, table) = Run("estimate", "--model", "meta-llama/Llama-3.1-8B", "--system", "h100_sxm", "--batch-size", "64", "--compare", run);
        Assert.Equal(0, exitOther);
        Assert.Contains("Against AIPerf", table, StringComparison.Ordinal);
        Assert.Contains("--batch-size 128", table.ReplaceLineEndings(" "), StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_says_when_a_run_decoded_faster_than_the_configuration_can()
    {
        // Hand calculation from Llama-3.1-70B's config.json: per layer qkv (64 + 2·8)·128 × 8192 = 83,886,080, o 8192 ×
        // 8192 = 67,108,864, FFN 3 × 28672 × 8192 = 704,643,072; × 80 layers, plus the LM head 128,256 × 8192:
        // 69,501,714,432 weights, 139.0 GB in BF16 on one GPU, 28.96 ms at H200's 4.8 TB/s before any KV cache (the
        // fixture does not record its lengths, so none is counted), so the fixture's 25 ms inter-token latency cannot have
        // come from it. The 8B at the same load (15.0 GB, 4.5 ms at H100's 3.35 TB/s) is not flagged (above).
        string run = SharedData.Path("aiperf", "fixture-release-layout-streaming.profile_export_aiperf.json");
        var (_, json) = Run("estimate", "--model", "meta-llama/Llama-3.1-70B", "--system", "h200_sxm", "--batch-size", "128", "--compare", run, "--json");
        using var doc = JsonDocument.Parse(json);
        var mismatch = Assert.Single(doc.RootElement.GetProperty("measured").GetProperty("mismatches").EnumerateArray(), m => m.GetString()!.Contains("shorter than any engine of this configuration can decode", StringComparison.Ordinal));
        Assert.Contains("139.0 GB a GPU of weights alone, 28.96 ms", mismatch.GetString(), StringComparison.Ordinal);
        Assert.Contains("--mtp N", mismatch.GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("real-run-nonstreaming.profile_export_aiperf.json", "only on streaming runs")]
    [InlineData("missing.json", "does not exist")]
    public void A_run_without_latencies_or_a_missing_one_exits_1(string file, string expected)
    {
        var (exit, output) = Run("estimate", "--compare", SharedData.Path("aiperf", file));
        Assert.Equal(1, exit);
        Assert.Contains(expected, output.ReplaceLineEndings(" "), StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_and_batch_mode_are_refused_together()
    {
        var (exit, output) = Run("estimate", "--input", SharedData.CalibrationCsv, "--compare", SharedData.Path("aiperf", "real-run-streaming.profile_export_aiperf.csv"));
        Assert.Equal(1, exit);
        Assert.Contains("Use one of them", output.ReplaceLineEndings(" "), StringComparison.Ordinal);
    }

    [Fact]
    public void Mtp_on_a_model_without_mtp_modules_exits_1_with_the_fix()
    {
        // Oracle: Qwen3-32B's config.json has no MTP keys (../shared/data/hf-configs).
        var (exit, output) = Run("estimate", "--model", "Qwen/Qwen3-32B", "--mtp", "1");
        Assert.Equal(1, exit);
        Assert.Contains("--mtp: Qwen/Qwen3-32B has no multi-token-prediction modules", output, StringComparison.Ordinal);
        Assert.Contains("Leave --mtp out", output.ReplaceLineEndings(" "), StringComparison.Ordinal);
    }

    [Fact]
    public void A_client_with_fewer_connections_than_clients_keeps_the_rest_waiting_and_says_so()
    {
        // Oracle: Little's law on the clients, against the command's own run at 100 clients. 512 clients behind 100
        // connections put 100 requests on the engine (its TPOT), and each waits (512 − 100)/100 of a request's time on
        // the server, TTFT₁₀₀ + osl·TPOT₁₀₀, in the client first.
        string[] args = ["estimate", "--model", "meta-llama/Llama-3.1-8B", "--system", "h100_sxm", "--isl", "1000", "--osl", "200", "--calibration", "none", "--json"];
        var (exit, capped) = Run([.. args, "--batch-size", "512", "--client-connections", "100"]);
        Assert.Equal(0, exit);
        var (_, hundred) = Run([.. args, "--batch-size", "100"]);
        using var c = JsonDocument.Parse(capped);
        using var h = JsonDocument.Parse(hundred);
        double ttft100 = h.RootElement.GetProperty("ttft_ms").GetDouble();
        double tpot100 = h.RootElement.GetProperty("tpot_ms").GetDouble();
        Approx.AssertClose(tpot100, c.RootElement.GetProperty("tpot_ms").GetDouble(), 1e-12);
        double wait = 412.0 / 100 * (ttft100 + (200 * tpot100));
        Approx.AssertClose(wait, PartsAddingUpTo(c.RootElement, "ttft").GetProperty("client_wait_ms").GetDouble(), 1e-9);
        Approx.AssertClose(ttft100 + wait, c.RootElement.GetProperty("ttft_ms").GetDouble(), 1e-9);

        var (_, table) = Run("estimate", "--batch-size", "512", "--client-connections", "100", "--breakdown");
        Assert.Contains("wait in the client for one of its connections", table, StringComparison.Ordinal);
        Assert.Contains("the client keeps 100 requests open at once", table.ReplaceLineEndings(" "), StringComparison.Ordinal);

        var (bad, error) = Run("estimate", "--client-connections", "0");
        Assert.Equal(1, bad);
        Assert.Contains("--client-connections is 0; it must be 1 or more", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_positive_sizes_are_rejected_before_anything_runs()
    {
        var (exit, output) = Run("estimate", "--isl", "0");
        Assert.Equal(1, exit);
        Assert.Contains("--isl is 0", output, StringComparison.Ordinal);

        // Typed as its alias, the flag is named both ways, so the user finds what they typed.
        var (aliasExit, aliasOutput) = Run("estimate", "--concurrency", "0");
        Assert.Equal(1, aliasExit);
        Assert.Contains("--batch-size (--concurrency) is 0", aliasOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Batch_mode_writes_a_status_for_every_row()
    {
        string dir = Directory.CreateTempSubdirectory().FullName;
        string input = Path.Combine(dir, "rows.csv");
        string output = Path.Combine(dir, "predictions.csv");
        File.WriteAllLines(input,
        [
            "id,backend,model_path,system,mode,isl,osl,batch_size,tp_size,silicon_ttft_ms,silicon_tpot_ms",
            "ok1,vllm,Qwen/Qwen3-32B,h200_sxm,agg,1000,500,8,2,100,10",
            "mi300x,vllm,Qwen/Qwen3-32B,mi300x,agg,1000,500,8,2,100,10",
            "heads,vllm,Qwen/Qwen3-0.6B,h200_sxm,agg,1000,500,8,8,100,10",
            "oom,vllm,meta-llama/Llama-3.1-405B,h100_sxm,agg,1000,500,8,1,100,10",
        ]);
        var (exit, text) = Run("estimate", "--input", input, "--output", output);
        Assert.Equal(0, exit);
        var lines = File.ReadAllLines(output);
        Assert.Equal("id,predicted_ttft_ms,predicted_tpot_ms,status,message", lines[0]);
        Assert.StartsWith("ok1,", lines[1], StringComparison.Ordinal);
        Assert.Contains(",ok,", lines[1], StringComparison.Ordinal);
        Assert.Contains(",unsupported,", lines[2], StringComparison.Ordinal);
        Assert.Contains(",unsupported,", lines[3], StringComparison.Ordinal);
        Assert.Contains(",error,", lines[4], StringComparison.Ordinal);
        Assert.Contains("1 ok, 2 unsupported, 1 error of 4 rows", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_missing_columns_exits_1_and_writes_nothing()
    {
        string dir = Directory.CreateTempSubdirectory().FullName;
        string input = Path.Combine(dir, "rows.csv");
        string output = Path.Combine(dir, "predictions.csv");
        File.WriteAllLines(input, ["id,model_path,system", "a,Qwen/Qwen3-32B,h200_sxm"]);
        var (exit, text) = Run("estimate", "--input", input, "--output", output);
        Assert.Equal(1, exit);
        Assert.Contains("missing column(s) backend, mode, isl, osl", text, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.Single(Directory.EnumerateFiles(dir));
    }

    [Fact]
    public void The_whole_calibration_file_is_estimated_without_a_crash()
    {
        string output = Path.Combine(Directory.CreateTempSubdirectory().FullName, "predictions.csv");
        var (exit, _) = Run("estimate", "--input", SharedData.CalibrationCsv, "--output", output);
        Assert.Equal(0, exit);
        var lines = File.ReadAllLines(output);
        Assert.Equal(3344, lines.Length);
        Assert.DoesNotContain(lines, l => l.Contains("internal error", StringComparison.Ordinal));
    }

    [Fact]
    public void Models_and_systems_are_listed()
    {
        Assert.Contains("deepseek-ai/DeepSeek-V3", Run("models").Output, StringComparison.Ordinal);
        Assert.Contains("gb200", Run("systems").Output, StringComparison.Ordinal);

        // The longest id whole on one line, so it can be copied into --model (it once folded at 32 characters).
        Assert.Contains("nvidia/NVIDIA-Nemotron-3.5-Lightning-30B-A3B-NVFP4", Run("models").Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Systems_say_which_backends_their_predictions_were_validated_for()
    {
        // Oracle: the bundled accuracy file's row counts; A100 has no measured runs.
        var cards = Data.Calibration.AccuracyFile.LoadDefault()!;
        var lines = Cli.Run("systems").Output.Split('\n');
        string h100 = lines.Single(l => l.Contains("h100_sxm", StringComparison.Ordinal));
        Assert.Contains($"trtllm {cards.Find("h100_sxm", "trtllm", "agg")!.Rows} agg", h100, StringComparison.Ordinal);
        Assert.Contains($"{cards.Find("h200_sxm", "trtllm", "disagg")!.Rows} disagg", lines.Single(l => l.Contains("h200_sxm", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("none", lines.Single(l => l.Contains("a100_sxm", StringComparison.Ordinal)), StringComparison.Ordinal);
    }
}

public sealed class PerfSourceCommandTests
{
    [Fact]
    public void Tables_without_any_tables_is_an_error_with_the_fix()
    {
        var (exit, output) = Cli.Run("estimate", "--perf-source", "tables", "--system", "a100_sxm", "--model", "meta-llama/Llama-3.1-8B");
        Assert.Equal(1, exit);
        Assert.Contains("no measured kernel tables for a100_sxm/trtllm", output, StringComparison.Ordinal);
        Assert.Contains("--perf-db", output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_perf_source_is_named()
    {
        var (exit, output) = Cli.Run("estimate", "--perf-source", "table");
        Assert.Equal(1, exit);
        Assert.Contains("Did you mean 'tables'", output, StringComparison.Ordinal);
    }

    [Fact]
    public void With_the_perf_db_the_estimate_says_which_ops_used_tables()
    {
        var (exit, output) = Cli.Run("estimate", "--perf-db", AicSim.Tests.SharedData.Path("aic-perf-db"), "--tp", "2", "--batch-size", "16", "--json");
        Assert.Equal(0, exit);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        Assert.StartsWith("measured tables", doc.RootElement.GetProperty("perf_source").GetString(), StringComparison.Ordinal);
        Assert.True(doc.RootElement.GetProperty("op_sources").GetProperty("decode").GetProperty("table").GetInt32() >= 4);
        Assert.True(doc.RootElement.GetProperty("op_sources").GetProperty("decode").GetProperty("roofline").GetInt32() >= 1);
    }
}
