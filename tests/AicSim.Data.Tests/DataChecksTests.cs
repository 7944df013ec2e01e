using AicSim.Core.Calibration;
using AicSim.Data.Calibration;
using AicSim.Data.Models;
using AicSim.Data.Systems;
using AicSim.Tests;

namespace AicSim.Data.Tests;

public sealed class DataChecksTests
{
    private static readonly SiliconRowMapper Mapper = new(ModelCatalog.Load(), SystemCatalog.Load());

    private static RowOutcome Row(string id, int tp, int dp, int ep, double ttft, double tpot, int clients = 32, int osl = 1024) =>
        new(new SiliconRow
        {
            Line = 2, Id = id, Source = $"silicon_concurrency={clients}", Backend = "vllm", Model = "moonshotai/Kimi-K2.5", System = "b200_sxm",
            Mode = "agg", Isl = 1024, Osl = osl, BatchSize = clients / dp, Agg = new RowParallel(tp, 1, dp, 1, ep),
            MeasuredTtftMs = ttft, MeasuredTpotMs = tpot,
        }, null, new Prediction(id, null, null, "ok", string.Empty), true, string.Empty);

    private static RowOutcome Load(string id, int clients, double ttft, double tpot, double predictedTtft, int osl = 1024) =>
        Row(id, 8, 1, 1, ttft, tpot, clients, osl) with { Prediction = new Prediction(id, predictedTtft, tpot, "ok", string.Empty) };

    [Fact]
    public void Clients_in_flight_follow_littles_law_on_ttft_and_tpot()
    {
        // Hand calculation: 100 clients, 100 tokens at 10 ms each = 1000 ms decoding after a 1000 ms TTFT, so each
        // client has a request decoding half its time: 50 in flight. With no TTFT, all 100.
        Approx.AssertClose(50, DataChecks.InFlight(100, 100, 1000, 10), 1e-12);
        Approx.AssertClose(100, DataChecks.InFlight(100, 100, 0, 10), 1e-12);
    }

    [Fact]
    public void A_ttft_that_jumps_past_its_sweep_while_tpot_and_the_prediction_do_not_is_named_at_every_load_it_lasts()
    {
        // Hand-made sweep: 16 → 32 clients, TTFT ×12 (a burst at most doubles) with TPOT ×1.14 and the prediction ×1.3:
        // named; 64 clients, TTFT 13× the last unnamed load at 4× the clients (over 2 × 4): named too; 128 clients
        // back to 1.5 s, 3× the baseline at 8× the clients: not named.
        var stalled = new[]
        {
            Load("c16", 16, 500, 20, 400),
            Load("c32", 32, 6000, 22.8, 520),
            Load("c64", 64, 6500, 25, 700),
            Load("c128", 128, 1500, 29, 1100),
        };
        var found = DataChecks.Find(stalled).Where(f => f.Check == DataChecks.TtftStall).ToList();
        Assert.Equal(["c32", "c64"], found.Select(f => f.Id));
        Assert.StartsWith("measures TTFT 6000 ms at 32 clients, 12.0× the 500 ms of c16 at 16, while its TPOT rose 1.14×", found[0].Message, StringComparison.Ordinal);

        // The same jump where AicSim predicts a queue too (KV cache full: ×2.5 at double the clients), or where TPOT grew
        // with it (×1.6: the batch grew), or a burst's doubling (×1.9): none is named.
        // (Each its own sweep: another osl.)
        var explained = new[] { Load("a16", 16, 500, 20, 400, 2000), Load("a32", 32, 6000, 22, 1000, 2000) };
        var batchGrew = new[] { Load("b16", 16, 500, 20, 400, 3000), Load("b32", 32, 6000, 32, 500, 3000) };
        var burst = new[] { Load("d16", 16, 500, 20, 400, 4000), Load("d32", 32, 950, 23, 700, 4000) };
        Assert.DoesNotContain(DataChecks.Find([.. explained, .. batchGrew, .. burst]), f => f.Check == DataChecks.TtftStall);
        // The control: the explained sweep's measurements with a flat prediction are named.
        Assert.Single(DataChecks.Find([Load("e16", 16, 500, 20, 400, 5000), Load("e32", 32, 6000, 22, 500, 5000)]), f => f.Check == DataChecks.TtftStall);
    }

    [Fact]
    public void Rows_of_two_mappings_that_measure_the_same_are_named_and_others_are_not()
    {
        // Hand-made: a and b agree within 1% TPOT and 2% TTFT under different mappings; c differs by 3% in TPOT; d has
        // a's labels, so it is the same configuration and not compared.
        var rows = new[]
        {
            Row("a", 4, 1, 4, 208.3, 18.51),
            Row("b", 4, 4, 16, 206.0, 18.40),
            Row("c", 8, 1, 1, 208.0, 19.06),
            Row("d", 4, 1, 4, 207.9, 18.52),
        };
        var found = DataChecks.Find(rows).Where(f => f.Check == DataChecks.SameAsOtherMapping).Select(f => f.Id).Order().ToArray();
        Assert.Equal(["a", "b", "d"], found);
    }

    [Fact]
    public void An_aggregated_row_that_measures_what_a_disaggregated_one_does_is_named_alone()
    {
        // Hand-made: agg a and disagg b agree within 1% TPOT (16.61 against 16.64: 0.18%) and 2% TTFT (1988 against 1979:
        // 0.45%) at 564 clients; agg c is 3% off in TPOT; agg d agrees but at another client count. Only a is named: the
        // disaggregated label is the one that says more.
        static RowOutcome Disagg(string id, int clients, double ttft, double tpot) =>
            new(new SiliconRow
            {
                Line = 3, Id = id, Source = $"silicon_concurrency={clients}", Backend = "vllm", Model = "moonshotai/Kimi-K2.5", System = "b200_sxm",
                Mode = "disagg", Isl = 1024, Osl = 1024, Prefill = new RowParallel(4), Decode = new RowParallel(8), PrefillWorkers = 2,
                MeasuredTtftMs = ttft, MeasuredTpotMs = tpot,
            }, null, new Prediction(id, null, null, "ok", string.Empty), true, string.Empty);
        var rows = new[]
        {
            Row("a", 36, 1, 1, 1988, 16.61, clients: 564),
            Disagg("b", 564, 1979, 16.64),
            Row("c", 36, 1, 1, 1988, 17.15, clients: 564),
            Row("d", 36, 1, 1, 1988, 16.61, clients: 512),
        };
        var found = DataChecks.Find(rows).Where(f => f.Check == DataChecks.SameAsDisaggregated).ToList();
        var one = Assert.Single(found);
        Assert.Equal("a", one.Id);
        Assert.Contains("as the disaggregated row b (prefill tp 4 × 2 workers, decode tp 8 × ?)", one.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Littles_law_names_rows_whose_clients_mostly_waited_outside_the_engine()
    {
        // Hand calculation: 512 clients, OSL 1024, TPOT 5.33 ms, TTFT 22,295 ms: in flight = 512 · 5458 / (22295 + 5458)
        // = 100.7, under a quarter of 512. With TTFT 2000 ms and TPOT 20 ms over 1024 tokens: 512 · 20480 / 22480 = 466.
        var capped = Row("capped", 8, 1, 1, 22295, 5.33, clients: 512);
        var busy = Row("busy", 8, 1, 1, 2000, 20, clients: 512);
        var found = DataChecks.Find([capped, busy]).Where(f => f.Check == DataChecks.FewInFlight).ToList();
        var one = Assert.Single(found);
        Assert.Equal("capped", one.Id);
        Assert.Contains("kept 101 of its 512 clients", one.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rows_that_kept_about_a_hundred_clients_in_flight_are_named_as_a_client_connection_limit()
    {
        // Hand calculation, OSL 1024 and TPOT 10 ms (10,240 ms decoding): 128 clients with TTFT 2867.2 ms kept
        // 128 · 10240 / 13107.2 = 100.0 in flight, and the prediction (TTFT 500 ms, TPOT 10 ms) keeps
        // 128 · 10240 / 10740 = 122.0, over 110: named. The same measurement where the prediction is the measurement
        // (the engine's own queue explains it) keeps 100 predicted: not named. Measured TTFT 500 ms keeps 122: not
        // named. 100 clients with TTFT 1800 ms kept 100 · 10240 / 12040 = 85.0, in the band but under the 120 clients
        // where a cap shows: not named. A disaggregated row of 512 clients, OSL 1024, TPOT 16.64 ms (17,039.4 ms
        // decoding) and TTFT 70,000 ms kept 512 · 17039.4 / 87039.4 = 100.2, predicted (TTFT 2000 ms) 458: named, since
        // the limit is the client's, whatever the mode.
        static RowOutcome Predicted(RowOutcome o, double ttft, double tpot) => o with { Prediction = new Prediction(o.Row.Id, ttft, tpot, "ok", string.Empty) };
        var capped = Predicted(Row("capped", 8, 1, 1, 2867.2, 10, clients: 128), 500, 10);
        var engineBound = Predicted(Row("engine-bound", 8, 1, 1, 2867.2, 10, clients: 128), 2867.2, 10);
        var busy = Predicted(Row("busy", 8, 1, 1, 500, 10, clients: 128), 500, 10);
        var few = Predicted(Row("few", 8, 1, 1, 1800, 10, clients: 100), 500, 10);
        var disagg = new RowOutcome(new SiliconRow
        {
            Line = 3, Id = "disagg", Source = "silicon_concurrency=512", Backend = "vllm", Model = "moonshotai/Kimi-K2.5", System = "b200_sxm",
            Mode = "disagg", Isl = 1024, Osl = 1024, Prefill = new RowParallel(4), Decode = new RowParallel(8), PrefillWorkers = 2,
            MeasuredTtftMs = 70000, MeasuredTpotMs = 16.64,
        }, null, new Prediction("disagg", 2000, 16.64, "ok", string.Empty), true, string.Empty);
        var found = DataChecks.Find([capped, engineBound, busy, few, disagg]).Where(f => f.Check == DataChecks.ClientCap).ToList();
        Assert.Equal(["capped", "disagg"], found.Select(f => f.Id));
        Assert.StartsWith("by Little's law on its own TTFT and TPOT it kept 100 of its 128 clients in flight", found[0].Message, StringComparison.Ordinal);
        Assert.Contains("kept 100 of its 512 clients", found[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tpot_shorter_than_the_memory_reads_of_its_decode_step_is_named()
    {
        // Hand calculation from Qwen3-32B's config.json, BF16 on one H200 (4.8 TB/s): weights per layer qkv (64 + 2·8)·128
        // × 5120 + o 5120 × 8192 + gate/up/down 3 × 25600 × 5120 = 487,587,840, × 64 layers, plus the LM head 151,936 ×
        // 5120: 31,983,534,080 × 2 bytes = 63.97 GB. KV 64 × 2 × 8 × 128 × 2 = 262,144 bytes a token at the mean context
        // 1000 + 1000/2 = 1500. 64 clients, TTFT 1000 ms, TPOT 10 ms: 64 · 10,000 / 11,000 = 58.2 decoding, 22.88 GB of
        // cache, 86.85 GB in all: 18.09 ms > 10 ms, named. With TPOT 20 ms: 64 · 20,000 / 21,000 = 61.0 decoding, 23.97 GB,
        // 18.32 ms < 20 ms, not named.
        static RowOutcome Qwen(string id, double tpot)
        {
            var row = new SiliconRow
            {
                Line = 2, Id = id, Source = "silicon_concurrency=64", Backend = "vllm", Model = "Qwen/Qwen3-32B", System = "h200_sxm",
                Mode = "agg", Isl = 1000, Osl = 1000, BatchSize = 64, Agg = new RowParallel(1, 1, 1, 1, 1),
                MeasuredTtftMs = 1000, MeasuredTpotMs = tpot,
            };
            return new(row, Mapper.Map(row), new Prediction(id, null, null, "ok", string.Empty), true, string.Empty);
        }

        var named = DataChecks.FloorFinding(Qwen("fast", 10));
        Assert.NotNull(named);
        Assert.Equal(DataChecks.BelowMemoryFloor, named.Check);
        Assert.Contains("86.8 GB a GPU (64.0 GB of weights, 22.9 GB of KV cache for the 58 requests", named.Message, StringComparison.Ordinal);
        Assert.Contains("18.09 ms at the GPU's peak 4.80 TB/s", named.Message, StringComparison.Ordinal);
        Assert.Null(DataChecks.FloorFinding(Qwen("slow", 20)));
        Assert.Contains(DataChecks.Find([Qwen("fast", 10)]), f => f.Check == DataChecks.BelowMemoryFloor);
    }

    [Fact]
    public void The_calibration_file_s_known_cases_are_found()
    {
        // Oracle: silicon_calibration.csv read off by hand — MiniMax-M2.5 on B300 vLLM, FP8 TP4 (cfg733) and FP4 TP2 (cfg724)
        // at 256 clients measure 371.35 / 25.654 ms and 371.17 / 25.822 ms (0.05% and 0.65% apart); the H100 vLLM
        // gpt-oss-120b rows at 512 clients kept 96–106 in flight. Rows whose labels differ only by the export quirks read
        // as one configuration and are not named: Qwen3.5 on B200 SGLang, tp 16 = moe_tp 4 × moe_ep 4 against tp4 ep4, and
        // Kimi-K2.5 on B200 vLLM labelled tp4 dp4 ep16, read as the TEP4 it measures (c32: 18.51 ms TPOT, 208.3 ms TTFT,
        // as the tp4 ep4 row does).
        var rows = SiliconCsv.Read(SharedData.CalibrationCsv, "--silicon");
        var predictor = new RowPredictor(new SiliconRowMapper(ModelCatalog.Load(), SystemCatalog.Load()), CalibrationSet.None, "roofline");
        var found = DataChecks.Find(Validation.Predict(predictor, rows));
        Assert.Contains(found, f => f.Check == DataChecks.SameAsOtherMapping && f.Id == "minimaxm2_5_b300_vllm_fp8_agg_1024x1024_c256_cfg733");
        Assert.Contains(found, f => f.Check == DataChecks.SameAsOtherMapping && f.Id == "minimaxm2_5_b300_vllm_fp4_agg_1024x1024_c256_cfg724");
        Assert.DoesNotContain(found, f => f.Id == "kimik2_5_b200_vllm_fp4_agg_1024x1024_c32_cfg635");
        var fewInFlight = found.Where(f => f.Check == DataChecks.FewInFlight && f.Id.Contains("gpt_oss_120b_h100_sxm_vllm", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, fewInFlight.Count);
        Assert.Equal(6, found.Count(f => f.Check == DataChecks.ClientCap && f.Id.Contains("gpt_oss_120b_h100_sxm_vllm", StringComparison.Ordinal)));

        // H100 TensorRT-LLM Llama-3.1-8B TP2 at 1024/256 and 128 clients measures TTFT 1025.8 ms and TPOT 13.339 ms:
        // 128 · 3414.9 / 4440.7 = 98 in flight, about aiohttp's 100 connections, where AicSim's prediction keeps ~120.
        // B200 vLLM MiniMax-M2.5 TP2 at 8192/1024 and 128 clients kept 103, but AicSim reads that engine as holding 97
        // such requests: its own cache, not a client, held the rest, so it is not named.
        Assert.Contains(found, f => f.Check == DataChecks.ClientCap && f.Id == "meta_llama_llama_3_1_8b_instruct_meta_llama_llama_3_1_8b_instruct_h100_sxm_trtllm_agg_1024x256_c128_tp2_epnone_80" && f.Message.Contains("kept 98 of its 128 clients", StringComparison.Ordinal));
        Assert.DoesNotContain(found, f => f.Check == DataChecks.ClientCap && f.Id == "2026_04_06_minimax_m2_5_b200_sxm_vllm_fp8_agg_8192x1024_c128_tp2_ep1_1394");
        Assert.DoesNotContain(found, f => f.Id == "qwen3_5_b200_sglang_fp8_agg_8192x1024_c64_cfg615");

        // GB200 TensorRT-LLM DeepSeek-R1 labelled agg tp36 at 564 clients measures 1988 ms / 16.61 ms, the disaggregated
        // row of the same source and load 1979 ms / 16.64 ms (read off the file).
        Assert.Contains(found, f => f.Check == DataChecks.SameAsDisaggregated && f.Id.StartsWith("2026_04_06_deepseek_r1_gb200_trtllm_fp4_agg_1024x1024_c564_tp36", StringComparison.Ordinal));

        // The README's H100 vLLM Qwen3-32B disaggregated row: two TP4 decode workers at batch 224 measure TPOT 8.75 ms,
        // where reading the FP8 weights (8.2 GB a GPU) and the FP8 cache of its 215 decoding requests at 4500 tokens
        // (31.7 GB) takes 11.9 ms at 3.35 TB/s.
        Assert.Contains(found, f => f.Check == DataChecks.BelowMemoryFloor && f.Id == "qwen3_32b_qwen3_32b_h100_sxm_vllm_disagg_4000x1000_c_tp_epnone_2");
    }
}

public sealed class RepeatFloorTests
{
    private static readonly SiliconRowMapper Mapper = new(ModelCatalog.Load(), SystemCatalog.Load());

    private static RowOutcome Row(string id, int tp, double ttft, double tpot)
    {
        var row = new SiliconRow
        {
            Line = 2, Id = id, Source = "silicon_concurrency=16", Backend = "vllm", Model = "Qwen/Qwen3-32B", System = "h200_sxm",
            Mode = "agg", Isl = 1024, Osl = 1024, BatchSize = 16, Agg = new RowParallel(tp, 1, 1, 1, 1),
            MeasuredTtftMs = ttft, MeasuredTpotMs = tpot,
        };
        return new(row, Mapper.Map(row), new Prediction(id, null, null, "ok", string.Empty), true, string.Empty);
    }

    [Fact]
    public void The_best_single_prediction_is_the_weighted_median_by_hand()
    {
        // Hand calculation for 100, 100, 200: weights 1/x are 0.01, 0.01, 0.005 (half of the total: 0.0125), reached at
        // the second 100, so c = 100 and the errors are 0, 0, 50% (sum 50). Any other c does worse: c = 150 gives
        // 50 + 50 + 25 = 125; c = 200 gives 200.
        Assert.Equal(50, RepeatFloor.LeastAbsolutePercentErrors([100, 200, 100]), 12);
        Assert.Equal(0, RepeatFloor.LeastAbsolutePercentErrors([42, 42]), 12);
    }

    [Fact]
    public void Only_rows_read_as_one_configuration_that_measure_differently_count()
    {
        // Three TP2 rows of one configuration (TTFT 100, 100, 200; TPOT 10, 10, 10) and one TP4 row alone. Hand
        // calculation: one configuration of 3 rows; TTFT repeat MAPE 50 / 3 = 16.67%, TPOT 0; over all 4 rows the TTFT
        // floor is 50 / 4 = 12.5%.
        var floor = RepeatFloor.Of([Row("a", 2, 100, 10), Row("b", 2, 100, 10), Row("c", 2, 200, 10), Row("d", 4, 300, 7)], targetOnly: true);
        Assert.Equal(1, floor.Configurations);
        Assert.Equal(3, floor.Rows);
        Assert.Equal(4, floor.Scored);
        Assert.Equal(50.0 / 3, floor.TtftRepeatMape, 12);
        Assert.Equal(0, floor.TpotRepeatMape, 12);
        Assert.Equal(12.5, floor.TtftFloor, 12);
    }
}
