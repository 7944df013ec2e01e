using AicSim.Core.Engine;
using AicSim.Core.Errors;
using AicSim.Core.Estimate;
using AicSim.Core.Specs;
using AicSim.Data.Calibration;
using AicSim.Data.Models;
using AicSim.Data.Systems;
using AicSim.Tests;

namespace AicSim.Data.Tests;

public sealed class SiliconCsvTests
{
    private const string Header = "id,silicon_data_source,backend,backend_version,model_path,system,precision,mode,isl,osl,gemm_quant_mode,moe_quant_mode,batch_size,tp_size,pp_size,attention_dp_size,moe_tp_size,moe_ep_size,prefill_batch_size,prefill_num_workers,prefill_tp_size,prefill_pp_size,prefill_attention_dp_size,prefill_moe_tp_size,prefill_moe_ep_size,decode_batch_size,decode_num_workers,decode_tp_size,decode_pp_size,decode_attention_dp_size,decode_moe_tp_size,decode_moe_ep_size,silicon_ttft_ms,silicon_tpot_ms";

    private static readonly SiliconRowMapper Mapper = new(ModelCatalog.Load(), SystemCatalog.Load());

    private static IReadOnlyList<SiliconRow> Parse(params string[] lines) =>
        SiliconCsv.Read(new StringReader(string.Join('\n', lines)), "rows.csv");

    [Fact]
    public void The_calibration_file_reads_whole()
    {
        // Oracle: ../shared/data/silicon_calibration.csv has 3343 data rows (wc -l minus the header).
        var rows = SiliconCsv.Read(SharedData.CalibrationCsv);
        Assert.Equal(3343, rows.Count);
        Assert.Equal(2218, rows.Count(r => r.Mode == "agg"));
        Assert.All(rows, r => Assert.NotNull(r.MeasuredTpotMs));
    }

    [Fact]
    public void Missing_columns_are_named()
    {
        var e = Assert.Throws<AicSimException>(() => Parse("id,backend,model_path,system,isl", "a,vllm,Qwen/Qwen3-32B,h200_sxm,100"));
        Assert.Contains("missing column(s) mode, osl. ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_without_ids_or_parallel_columns_is_read_row_by_row()
    {
        // A file measured elsewhere may carry neither the calibration file's ids nor every parallel column: its rows are
        // named by their line, and a row without the sizes it needs is incomplete rather than the whole file refused.
        var rows = Parse(
            "model_path,system,backend,mode,isl,osl,silicon_tpot_ms",
            "Qwen/Qwen3-32B,h200_sxm,vllm,agg,1000,500,12.5",
            "Qwen/Qwen3-32B,h200_sxm,vllm,disagg,1000,500,");
        Assert.Equal(["line-2", "line-3"], rows.Select(r => r.Id));
        Assert.Null(rows[0].BatchSize);
        Assert.Null(rows[0].Agg.Tp);
        Assert.Equal(12.5, rows[0].MeasuredTpotMs);
        Assert.Null(rows[1].MeasuredTpotMs);
        Assert.Null(rows[1].MeasuredTtftMs);
        Assert.Throws<UnsupportedException>(() => Mapper.Map(rows[1]));
    }

    [Fact]
    public void Without_quant_columns_the_precision_column_names_the_format()
    {
        // Qwen3-32B's checkpoint is BF16; a row that says only "fp8" ran FP8 and must be read as the same row with its
        // quant columns filled (the oracle: the calibration file's own fp8 rows give both).
        const string Columns = "id,backend,model_path,system,precision,mode,isl,osl,gemm_quant_mode,moe_quant_mode,batch_size,tp_size";
        var withColumns = Mapper.Map(Parse(Columns, "a,vllm,Qwen/Qwen3-32B,h200_sxm,fp8,agg,1000,500,fp8,fp8,8,2")[0]);
        var precisionOnly = Mapper.Map(Parse(Columns, "a,vllm,Qwen/Qwen3-32B,h200_sxm,fp8,agg,1000,500,,,8,2")[0]);
        var neither = Mapper.Map(Parse(Columns, "a,vllm,Qwen/Qwen3-32B,h200_sxm,,agg,1000,500,,,8,2")[0]);
        Assert.Equal(QuantMode.Fp8, withColumns.Quant.Gemm);
        Assert.Equal(withColumns.Quant, precisionOnly.Quant);
        Assert.Contains(precisionOnly.Readings, r => r.StartsWith("precision fp8 read as", StringComparison.Ordinal));
        Assert.Equal(QuantMode.Bf16, neither.Quant.Gemm);

        // The export's own spelling of a weight-only checkpoint, and a precision nothing knows, named with its field.
        Assert.Equal(QuantMode.Int4WeightOnly, Mapper.Map(Parse(Columns, "a,vllm,Qwen/Qwen3-32B,h200_sxm,int4,agg,1000,500,,,8,2")[0]).Quant.Gemm);
        var e = Assert.ThrowsAny<AicSimException>(() => Mapper.Map(Parse(Columns, "a,vllm,Qwen/Qwen3-32B,h200_sxm,fp6,agg,1000,500,,,8,2")[0]));
        Assert.StartsWith("precision: unknown quantisation 'fp6'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Labels_spelt_otherwise_are_read_and_scored_as_the_calibration_file_spells_them()
    {
        // The same row twice, once as the calibration file spells it: a target row either way (h100_sxm is a target
        // system), with one prediction.
        const string Columns = "id,backend,model_path,system,mode,isl,osl,batch_size,tp_size,silicon_ttft_ms,silicon_tpot_ms";
        var rows = Parse(Columns, "a,trtllm,Qwen/Qwen3-32B,h100_sxm,agg,1000,500,8,2,120,9", "b,TensorRT-LLM,Qwen/Qwen3-32B,H100-SXM,Aggregated,1000,500,8,2,120,9");
        var predictor = new RowPredictor(Mapper, Core.Calibration.CalibrationSet.None, "roofline", null);
        var (a, b) = (predictor.Predict(rows[0]), predictor.Predict(rows[1]));
        Assert.Equal(("h100_sxm", "trtllm", "agg"), (b.Row.System, b.Row.Backend, b.Row.Mode));
        Assert.Equal(a.Prediction.TtftMs, b.Prediction.TtftMs);
        Assert.Equal(2, Validation.Scored(Validation.Predict(predictor, rows), targetOnly: true).Count);

        // An unknown label stays as given, and the row says why it is not predicted.
        var unknown = predictor.Predict(Parse(Columns, "c,trtllm,Qwen/Qwen3-32B,h20,agg,1000,500,8,2,120,9")[0]);
        Assert.Equal(("h20", "unsupported"), (unknown.Row.System, unknown.Prediction.Status));
    }

    [Fact]
    public void Headers_spelt_otherwise_and_common_names_for_the_measurements_read_as_the_layout_s_columns()
    {
        // Oracle: the same row in the calibration file's own header, which must read field for field alike.
        var own = Parse(
            "id,backend,model_path,system,mode,isl,osl,batch_size,tp_size,silicon_ttft_ms,silicon_tpot_ms",
            "a,vllm,Qwen/Qwen3-32B,h200_sxm,agg,1000,500,8,2,120,9.5")[0];
        var other = Parse(
            " ID ,Backend,Model,System,Mode,ISL,OSL,Batch-Size,TP Size,TTFT_ms,ITL_ms",
            "a,vllm,Qwen/Qwen3-32B,h200_sxm,agg,1000,500,8,2,120,9.5")[0];
        Assert.Equal(own with { Line = other.Line }, other);

        // The parallel sizes and batch as frameworks' flags name them, per role too.
        var flags = Parse("backend,model_path,system,mode,isl,osl,bs,TP,pp,dp,moe_tp,EP", "trtllm,deepseek-ai/DeepSeek-R1,b200_sxm,agg,1000,500,32,1,1,8,1,8")[0];
        Assert.Equal((32, new RowParallel(1, 1, 8, 1, 8)), (flags.BatchSize, flags.Agg));
        var roles = Parse(
            "backend,model_path,system,mode,isl,osl,prefill_tp,prefill_workers,prefill_bs,decode_dp,decode_ep,num_decode_workers,decode_bs",
            "trtllm,deepseek-ai/DeepSeek-R1,b200_sxm,disagg,1000,500,4,2,1,8,8,1,64")[0];
        Assert.Equal((4, 2, 1), (roles.Prefill.Tp, roles.PrefillWorkers, roles.PrefillBatchSize));
        Assert.Equal((8, 8, 1, 64), (roles.Decode.AttentionDp, roles.Decode.MoeEp, roles.DecodeWorkers, roles.DecodeBatchSize));

        var bare = Parse("backend,model,system,mode,isl,osl,batch_size,tp_size,TTFT,TPOT", "vllm,Qwen/Qwen3-32B,h200_sxm,agg,1000,500,8,2,120,9.5")[0];
        Assert.Equal((120.0, 9.5), (bare.MeasuredTtftMs, bare.MeasuredTpotMs));

        // The layout's own name wins over an alias beside it (here an aiconfigurator prediction in ttft_ms).
        var both = Parse("backend,model_path,system,mode,isl,osl,ttft_ms,silicon_ttft_ms", "vllm,Qwen/Qwen3-32B,h200_sxm,agg,1000,500,80,120")[0];
        Assert.Equal(120, both.MeasuredTtftMs);
    }

    [Theory]
    [InlineData("backend,model_path,system,mode,isl,ISL,osl", "'isl' and 'ISL', which read as one column (isl)")]
    [InlineData("backend,model_path,system,mode,isl,osl,tpot_ms,itl_ms", "'tpot_ms' and 'itl_ms', each read as silicon_tpot_ms")]
    public void Two_headers_that_could_be_the_same_column_are_refused_by_name(string header, string expected)
    {
        var e = Assert.Throws<AicSimException>(() => Parse(header, string.Join(',', header.Split(',').Select(_ => "1"))));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_measured_column_dates_a_row_as_the_source_s_measured_does()
    {
        var rows = Parse(
            "silicon_data_source,backend,model_path,system,mode,isl,osl,measured",
            "measured=2026-03-24T00:00:00.000Z,vllm,Qwen/Qwen3-32B,h200_sxm,agg,1000,500,",
            ",vllm,Qwen/Qwen3-32B,h200_sxm,agg,1000,500,2026-03-25T16:34:14Z",
            ",vllm,Qwen/Qwen3-32B,h200_sxm,agg,1000,500,");
        Assert.Equal([new DateOnly(2026, 3, 24), new DateOnly(2026, 3, 25), null], rows.Select(r => r.MeasuredOn));
        var e = Assert.Throws<AicSimException>(() => Parse("backend,model_path,system,mode,isl,osl,measured", "vllm,Qwen/Qwen3-32B,h200_sxm,agg,1000,500,last tuesday"));
        Assert.Contains("measured 'last tuesday' is not a date", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_concurrency_column_stands_in_for_the_source_s_silicon_concurrency()
    {
        // The calibration file keeps a disaggregated row's clients in silicon_data_source; a file with a concurrency
        // column says the same thing plainly, and the row is read alike either way.
        const string Columns = "id,silicon_data_source,backend,model_path,system,mode,isl,osl,prefill_tp_size,prefill_num_workers,decode_tp_size,decode_num_workers";
        var inSource = Parse(Columns, "a,silicon_concurrency=64,trtllm,deepseek-ai/DeepSeek-R1,b200_sxm,disagg,1024,1024,4,1,8,1")[0];
        var inColumn = Parse(Columns + ",concurrency", "a,,trtllm,deepseek-ai/DeepSeek-R1,b200_sxm,disagg,1024,1024,4,1,8,1,64")[0];
        Assert.Equal(64, inSource.Concurrency);
        Assert.Equal(64, inColumn.Concurrency);
        var (a, b) = (Mapper.Map(inSource), Mapper.Map(inColumn));
        Assert.NotNull(a.Deployment);
        Assert.Equal(a.Deployment, b.Deployment);
        Assert.Equal(a.DecodeParallel, b.DecodeParallel);
        Assert.Equal(a.Readings, b.Readings);
    }

    [Fact]
    public void An_agg_row_with_only_its_clients_is_the_row_with_that_batch_size()
    {
        // Oracle: the calibration layout, where an aggregated row's batch_size is its clients on the one engine.
        var withBatch = Parse("backend,model_path,system,mode,isl,osl,tp_size,batch_size", "vllm,Qwen/Qwen3-32B,h200_sxm,agg,1000,500,2,8")[0];
        var withClients = Parse("backend,model_path,system,mode,isl,osl,tp_size,concurrency", "vllm,Qwen/Qwen3-32B,h200_sxm,agg,1000,500,2,8")[0];
        var (a, b) = (Mapper.Map(withBatch), Mapper.Map(withClients));
        Assert.Equal(a.Concurrency, b.Concurrency);
        Assert.Equal(a.Parallel, b.Parallel);
        Assert.Contains("no batch_size: the 8 clients of its concurrency on one engine", b.Readings);
        Assert.True(Validation.IsCompleteRow(withClients));

        // Neither: unsupported, saying what would do; without tp_size the row is read as TP1, says so, and is incomplete.
        var neither = Parse("backend,model_path,system,mode,isl,osl,tp_size", "vllm,Qwen/Qwen3-32B,h200_sxm,agg,1000,500,2")[0];
        Assert.Contains("a concurrency column", Assert.Throws<UnsupportedException>(() => Mapper.Map(neither)).Message, StringComparison.Ordinal);
        var noTp = Parse("backend,model_path,system,mode,isl,osl,concurrency", "vllm,Qwen/Qwen3-32B,h200_sxm,agg,1000,500,8")[0];
        Assert.Contains("agg: no tp_size; read as 1", Mapper.Map(noTp).Readings);
        Assert.False(Validation.IsCompleteRow(noTp));
    }

    [Fact]
    public void A_malformed_number_is_reported_with_its_line_and_every_bad_row_at_once()
    {
        var e = Assert.Throws<AicSimException>(() => Parse(
            "id,backend,model_path,system,mode,isl,osl,batch_size,tp_size",
            "a,vllm,Qwen/Qwen3-32B,h200_sxm,agg,1000,500,8,1",
            "b,vllm,Qwen/Qwen3-32B,h200_sxm,agg,lots,500,8,1",
            "c,vllm,Qwen/Qwen3-32B,h200_sxm,agg,1000,500,8,1.5"));
        Assert.Equal(2, e.Problems.Count);
        Assert.Contains("line 3", e.Problems[0], StringComparison.Ordinal);
        Assert.Contains("isl 'lots'", e.Problems[0], StringComparison.Ordinal);
        Assert.Contains("line 4", e.Problems[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_row_with_too_many_fields_is_malformed()
    {
        var e = Assert.Throws<AicSimException>(() => Parse(
            "id,backend,model_path,system,mode,isl,osl,batch_size,tp_size",
            "a,vllm,Qwen/Qwen3-32B,h200_sxm,agg,1000,500,8,1,extra"));
        Assert.Contains("malformed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_build_measured_with_speculative_decoding_decodes_with_it()
    {
        // SpeculativeRun.Known: TensorRT-LLM 1.2.0rc6.post3's rows measure as multi-token prediction does;
        // the same configuration on 1.2.0rc6.post2 decodes plainly.
        string Row(string version) => $"r,silicon_concurrency=4,trtllm,{version},deepseek-ai/DeepSeek-R1,b200_sxm,fp8,agg,1024,1024,fp8,fp8,4,8,1,1,8,1,,,,,,,,,,,,,,,195,5.38";
        var mtp = Mapper.Map(Parse(Header, Row("1.2.0rc6.post3"))[0]);
        Assert.Equal(new SpeculativeDecoding(1, 0.85), mtp.Backend.Speculative);
        Assert.Contains(mtp.Readings, r => r.Contains("MTP: 1 draft token a step, accepted at 0.85", StringComparison.Ordinal));
        Assert.DoesNotContain(mtp.Readings, r => r.StartsWith("assumed", StringComparison.Ordinal));

        var plain = Mapper.Map(Parse(Header, Row("1.2.0rc6.post2"))[0]);
        Assert.Null(plain.Backend.Speculative);

        // The reading lowers TPOT toward what was measured (5.38 ms against 10.3 ms on post2, hand-picked pair).
        var predictor = new RowPredictor(Mapper, Core.Calibration.CalibrationSet.None, "roofline", null);
        double withMtp = predictor.Predict(Parse(Header, Row("1.2.0rc6.post3"))[0]).Prediction.TpotMs!.Value;
        double without = predictor.Predict(Parse(Header, Row("1.2.0rc6.post2"))[0]).Prediction.TpotMs!.Value;
        Assert.InRange(withMtp / without, 0.4, 0.75);
    }

    [Theory]
    [InlineData("1.1.0rc2.post2", "deepseek-ai/DeepSeek-R1", "2026-01-14", true)]
    [InlineData("1.1.0rc2.post2", "deepseek-ai/DeepSeek-V3", "2025-12-15", false)] // the same build's plain run
    [InlineData("1.1.0rc2.post2", "deepseek-ai/DeepSeek-R1", "2025-12-15", false)] // the same model another day
    [InlineData("1.1.0rc2.post2", "deepseek-ai/DeepSeek-V3", "2026-01-14", false)] // another model that day
    [InlineData("1.1.0rc2.post1", "deepseek-ai/DeepSeek-R1", "2026-01-14", false)] // another build
    public void A_run_measured_with_speculative_decoding_is_read_by_build_model_and_day(string version, string model, string day, bool mtp)
    {
        // SpeculativeRun.Known: TensorRT-LLM 1.1.0rc2.post2's DeepSeek-R1 run of 2026-01-14 decodes at 0.62–0.68× the
        // TPOT of the same build's DeepSeek-V3 run of 2025-12-15 at the same configurations; only that run drafts.
        string row = $"r,measured={day}T00:00:00Z; silicon_concurrency=4,trtllm,{version},{model},h200_sxm,fp8,agg,1024,1024,fp8,fp8,4,8,1,1,1,8,,,,,,,,,,,,,,,494,8.58";
        var request = Mapper.Map(Parse(Header, row)[0]);
        Assert.Equal(mtp ? new SpeculativeDecoding(1, 0.85) : null, request.Backend.Speculative);
        Assert.Equal(mtp, request.Readings.Any(r => r.Contains($"run of {day} as decoding with MTP", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_qwen35_run_whose_tp4_decodes_faster_than_tp8_is_read_as_speculative()
    {
        // SGLang 0.5.9, Qwen3.5-397B-A17B on B200: the TP4 run of 2026-03-20 measures 6.3 ms TPOT at 4 clients, the TP8
        // run of 2026-03-24 8.3 ms, though TP4 reads twice the weights a GPU. Read plainly, AicSim's own prediction
        // orders them the other way (TP4 slower than TP8, the roofline's oracle); read as MTP, TP4 comes out faster.
        string Row(string day, int tp, double tpot) => $"r,measured={day}; silicon_concurrency=4,sglang,0.5.9,Qwen/Qwen3.5-397B-A17B,b200_sxm,fp8,agg,1024,1024,fp8,fp8,4,{tp},1,1,{tp},1,,,,,,,,,,,,,,,338,{tpot.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        var predictor = new RowPredictor(Mapper, Core.Calibration.CalibrationSet.None, "roofline", null);
        var tp4 = predictor.Predict(Parse(Header, Row("2026-03-20", 4, 6.33))[0]);
        var tp4OtherDay = predictor.Predict(Parse(Header, Row("2026-03-24", 4, 6.33))[0]);
        var tp8 = predictor.Predict(Parse(Header, Row("2026-03-24", 8, 8.33))[0]);
        Assert.True(tp4OtherDay.Prediction.TpotMs > tp8.Prediction.TpotMs);
        Assert.True(tp4.Prediction.TpotMs < tp8.Prediction.TpotMs);
    }

    [Theory]
    [InlineData(4, 1, true)]   // that day's plain TP4: decodes faster than its TP8 (6.87 against 9.31 ms at 8 clients)
    [InlineData(4, 4, false)]  // that day's TEP4 on the same four GPUs decodes as predicted
    [InlineData(8, 1, false)]  // that day's TP8
    public void The_b300_qwen35_run_reads_as_speculative_for_its_plain_tp4_rows_alone(int tp, int ep, bool mtp)
    {
        // SpeculativeRun.Known, read off silicon_calibration.csv: SGLang 0.5.9's Qwen3.5-397B-A17B rows of 2026-04-03 on
        // B300, labelled tp 4 / moe_ep 1 (TP4), tp 4 / moe_ep 4 (TEP4) and tp 8 / moe_ep 1 (TP8).
        string row = $"r,measured=2026-04-03T00:00:00Z; silicon_concurrency=8,sglang,0.5.9,Qwen/Qwen3.5-397B-A17B,b300_sxm,fp8,agg,1024,1024,fp8,fp8,8,{tp},1,1,{tp / ep},{ep},,,,,,,,,,,,,,,217,6.87";
        var request = Mapper.Map(Parse(Header, row)[0]);
        Assert.Equal(mtp ? new SpeculativeDecoding(1, 0.85) : null, request.Backend.Speculative);
    }

    [Fact]
    public void An_undated_export_of_a_dated_run_takes_its_day_and_what_is_known_of_it()
    {
        // Hand-made after the calibration file's two exports of SGLang 0.5.9's Qwen3.5 TP4 run of 2026-03-20 at 4 clients:
        // 338.3364 / 6.3327 ms dated, 338.34 / 6.33 undated (0.001% and 0.04% apart, under 0.5%). The undated copy takes
        // 2026-03-20, and with it the run's MTP reading; a row 2% off in TPOT is another run and stays undated; a row
        // that repeats runs of two days is ambiguous and stays undated; another load is not compared.
        string Row(string id, string dated, int clients, double ttft, double tpot) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{id},{dated}silicon_concurrency={clients},sglang,0.5.9,Qwen/Qwen3.5-397B-A17B,b200_sxm,fp8,agg,1024,1024,fp8,fp8,{clients},4,1,1,4,1,,,,,,,,,,,,,,,{ttft},{tpot}");
        var rows = Parse(Header,
            Row("dated", "measured=2026-03-20T22:08:23Z; ", 4, 338.3364, 6.3327),
            Row("copy", string.Empty, 4, 338.34, 6.33),
            Row("other-run", string.Empty, 4, 338.34, 6.46),
            Row("other-load", string.Empty, 8, 338.34, 6.33),
            Row("dated-8a", "measured=2026-03-20T00:00:00Z; ", 8, 400, 8),
            Row("dated-8b", "measured=2026-03-24T00:00:00Z; ", 8, 400.5, 8.01),
            Row("ambiguous", string.Empty, 8, 400.2, 8.005));
        var byId = rows.ToDictionary(r => r.Id);
        Assert.Equal(("dated", new DateOnly(2026, 3, 20)), byId["copy"].RepeatsRun);
        Assert.Equal(new DateOnly(2026, 3, 20), byId["copy"].MeasuredOn);
        Assert.Null(byId["other-run"].MeasuredOn);
        Assert.Null(byId["other-load"].MeasuredOn);
        Assert.Null(byId["ambiguous"].MeasuredOn);

        var copy = Mapper.Map(byId["copy"]);
        Assert.Equal(new SpeculativeDecoding(1, 0.85), copy.Backend.Speculative);
        Assert.Contains(copy.Readings, r => r == "dated 2026-03-20 as another export of dated, whose TTFT and TPOT it repeats");
        Assert.Null(Mapper.Map(byId["other-run"]).Backend.Speculative);
    }

    [Fact]
    public void The_calibration_file_s_undated_exports_of_dated_runs_are_found()
    {
        // Read off the file: the gap-analysis sheet's B200 SGLang Qwen3.5 TP4 row at 4 clients (338.34 / 6.33 ms) repeats
        // the run of 2026-03-20 (338.3364 / 6.3327 ms). 82 undated rows repeat a dated one: 54 SGLang Qwen3.5 and 28 vLLM Kimi-K2.5, on B200 and H200.
        var rows = SiliconCsv.Read(SharedData.CalibrationCsv, "--silicon");
        var copy = rows.Single(r => r.Id.EndsWith("_sglang_fp8_agg_1024x1024_c4_tp4_ep1_16", StringComparison.Ordinal) && r.Model.Contains("Qwen3.5", StringComparison.Ordinal));
        Assert.Equal(new DateOnly(2026, 3, 20), copy.MeasuredOn);
        Assert.Equal(new SpeculativeDecoding(1, 0.85), Mapper.Map(copy).Backend.Speculative);
        Assert.Equal(82, rows.Count(r => r.RepeatsRun is not null));
    }

    [Fact]
    public void The_tp_equals_moe_product_quirk_reads_the_worker_from_the_id()
    {
        // SOURCES.md: tp_size 64 with moe_tp 8 × moe_ep 8 on an 8-GPU system is an 8-GPU TEP worker (the id says tp8_ep8).
        var row = Parse(Header, "2026_04_06_deepseek_r1_h200_sxm_trtllm_fp8_agg_1024x1024_c32_tp8_ep8_922,src,trtllm,1.0,deepseek-ai/DeepSeek-R1,h200_sxm,fp8,agg,1024,1024,fp8,fp8_block,32,64,1,1,8,8,,,,,,,,,,,,,,,100,20")[0];
        var request = Mapper.Map(row);
        Assert.Equal("TEP8", request.Parallel.Name);
        Assert.Contains(request.Readings, r => r.Contains("8-GPU worker", StringComparison.Ordinal));
    }

    [Fact]
    public void The_dp_equals_moe_product_quirk_reads_a_dep_worker_from_the_id()
    {
        // Oracle: the id (c256, tp8_ep8) and silicon_concurrency=256 = batch_size 4 × attention_dp 64; an 8-GPU B200 runs DEP8.
        var row = Parse(Header, "2026_04_06_deepseek_r1_b200_sxm_trtllm_fp4_agg_1024x8192_c256_tp8_ep8_980,model=DeepSeek-R1; silicon_concurrency=256,trtllm,1.0,deepseek-ai/DeepSeek-R1,b200_sxm,fp4,agg,1024,8192,nvfp4,nvfp4,4,1,1,64,8,8,,,,,,,,,,,,,,,2409,13.0")[0];
        var request = Mapper.Map(row);
        Assert.Equal("DEP8", request.Parallel.Name);
        Assert.Equal(256, request.Concurrency);
    }

    // Sweep rows without batch sizes whose decode tp_size counts the decode GPUs: the export quirk (tp = moe_tp × moe_ep,
    // the id's tpN being the prefill's), or a tp no engine can use. Oracles, by hand:
    // - GB200, 6144 clients, decode tp 16 = 4 × 4: a TEP4 GPU keeps a quarter of NVFP4 DeepSeek-R1's ~380 GB of weights
    //   (~95 GB of its 186), a DEP16 GPU a sixteenth (~24 GB), so DEP16's caches hold several times the requests; the run
    //   kept ~5970 decoding (Little's law on its TTFT 4.0 s and TPOT 17.0 ms × 8192), which four TEP4 workers cannot hold.
    //   One DEP16 engine, 6144 / 16 = 384 requests a rank.
    // - GB200, 12 clients, decode tp 8 = 2 × 4: both readings hold everyone; two TEP4 workers at 6 requests each skip the
    //   DEP8 engine's all-to-all and decode faster, as the low-latency recipes run them.
    // - GB300, 4096 clients, decode tp 24 = 3 × 8: 256 experts do not split 24 ways, so three TEP8 workers, ⌈4096 / 3⌉ = 1366.
    // - GB300, 8192 clients of 1024 + 8192 tokens on 8 decode GPUs (tp 8 = 2 × 4) of FP8 DeepSeek-R1 (~670 GB): neither
    //   reading holds them; a TEP4 GPU keeps ~168 GB of weights of its 288, a DEP8 GPU ~84 GB, so DEP8 holds more.
    //   8192 / 8 = 1024 a rank.
    // - GB200, 2 clients on 32 decode GPUs (tp 32 = 8 × 4): two clients cannot fill DEP32's ranks, and of the eight TEP4
    //   workers only two have a client: two workers at batch 1.
    // - GB200, tp 36 in both roles for 128 heads: no engine. NVFP4 DeepSeek-R1 (~380 GB) fits in half the memory of 4
    //   GB200s (4 × 185 GiB / 2 ≈ 397 GB) and 4 divides 36: the decode's 36 GPUs are 9 TP4 workers, ⌈564 / 9⌉ = 63 each.
    [Theory]
    [InlineData("2026_03_25_deepseek_r1_gb200_trtllm_fp4_disagg_1024x8192_c6144_tp4_0_ep4_0_361,model=DeepSeek-R1; silicon_concurrency=6144,trtllm,0.8.1.post2,deepseek-ai/DeepSeek-R1,gb200,fp4,disagg,1024,8192,nvfp4,nvfp4,,,,,,,,,4,1,1,1,4,,,16,1,1,4,4,4011,17.0",
        "DEP16", 1, 384, "counts the decode GPUs; read as one DEP16 engine rather than 4 TEP4 workers, the one whose KV caches hold its 6144 clients")]
    [InlineData("2026_03_25_deepseek_r1_gb200_trtllm_fp4_disagg_8192x1024_c12_tp4_0_ep4_0_380,model=DeepSeek-R1; silicon_concurrency=12,trtllm,0.8.1.post2,deepseek-ai/DeepSeek-R1,gb200,fp4,disagg,8192,1024,nvfp4,nvfp4,,,,,,,,,4,1,1,1,4,,,8,1,1,2,4,503,7.18",
        "TEP4", 2, 6, "read as 2 TEP4 workers rather than one DEP8 engine, the faster decode for 12 clients")]
    [InlineData("2026_03_25_deepseek_r1_gb300_sglang_fp8_disagg_8192x1024_c4096_tp8_0_ep8_0_814,model=DeepSeek-R1; silicon_concurrency=4096,sglang,0.5.8.post1,deepseek-ai/DeepSeek-R1,gb300,fp8,disagg,8192,1024,fp8,fp8_block,,,,,,,,,8,1,1,1,8,,,24,1,1,3,8,24448,30.1",
        "TEP8", 3, 1366, "read as 3 TEP8 workers (DEP24 would split 256 experts unevenly)")]
    [InlineData("2026_03_25_deepseek_r1_gb300_trtllm_fp8_disagg_1024x8192_c8192_tp4_0_ep4_0_929,model=DeepSeek-R1; silicon_concurrency=8192,trtllm,0.8.1.post2,deepseek-ai/DeepSeek-R1,gb300,fp8,disagg,1024,8192,fp8,fp8,,,,,,,,,4,1,1,1,4,,,8,1,1,2,4,9141,36.2",
        "DEP8", 1, 1024, "read as one DEP8 engine rather than 2 TEP4 workers, the one whose KV caches hold more of its 8192 clients")]
    [InlineData("2026_03_25_deepseek_r1_gb200_trtllm_fp4_disagg_1024x1024_c2_tp4_0_ep4_0_1,model=DeepSeek-R1; silicon_concurrency=2,trtllm,0.8.1.post2,deepseek-ai/DeepSeek-R1,gb200,fp4,disagg,1024,1024,nvfp4,nvfp4,,,,,,,,,4,1,1,1,4,,,32,1,1,8,4,200,3.0",
        "TEP4", 2, 1, "read as 2 TEP4 workers (2 clients cannot fill DEP32's 32 ranks)")]
    [InlineData("2026_04_06_deepseek_r1_gb200_trtllm_fp4_disagg_1024x1024_c564_tp36_ep1_1088,model=DeepSeek-R1; silicon_concurrency=564,trtllm,,deepseek-ai/DeepSeek-R1,gb200,fp4,disagg,1024,1024,nvfp4,nvfp4,,,,,,,,,36,1,1,36,1,,,36,1,1,36,1,1979,16.6",
        "TP4", 9, 63, "decode: tp_size 36 is no single engine's TP (128 heads); read as its GPUs in 9 workers of TP4")]
    public void Decode_gpus_a_row_without_batch_sizes_states_are_read_as_the_recipe_that_serves_its_clients(string line, string decode, int workers, int batch, string reading)
    {
        var request = Mapper.Map(Parse(Header, line)[0]);
        Assert.Equal(decode, request.DecodeParallel!.Name);
        Assert.Equal(workers, request.Deployment!.DecodeWorkers);
        Assert.Equal(batch, request.Deployment.DecodeBatch);
        Assert.Contains(request.Readings, r => r.Contains(reading, StringComparison.Ordinal));
    }

    [Fact]
    public void An_assumed_dep_decode_with_fewer_clients_than_ranks_keeps_the_clients_load()
    {
        // A DEP8 decode (attention DP 8) for 4 clients: one worker, ⌈4 / 8⌉ = 1 request a rank, yet 4 in all, not the 8
        // that batch × workers × ranks would give.
        var row = Parse(Header, "dep,silicon_concurrency=4,sglang,0.5.9,deepseek-ai/DeepSeek-R1,b200_sxm,fp8,disagg,1024,1024,fp8,fp8_block,,,,,,,,,8,1,1,1,8,,,1,1,8,1,8,300,10")[0];
        var request = Mapper.Map(row);
        Assert.Equal("DEP8", request.DecodeParallel!.Name);
        Assert.Equal(1, request.Deployment!.DecodeWorkers);
        Assert.Equal(1, request.Deployment.DecodeBatch);
        Assert.Equal(4, request.Deployment.Clients);
        Assert.Contains(request.Readings, r => r.Contains("4 clients on the decode's 8 attention-DP ranks", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("fp8", "fp8", "fp8_block", 2048, 72, "TP8", 9, 228, "no single engine's TP")]
    [InlineData("fp4", "nvfp4", "nvfp4", 564, 36, "TP4", 9, 63, "no single engine's TP")]
    [InlineData("fp4", "nvfp4", "nvfp4", 2150, 32, "TP4", 8, 269, "more than 8 GPUs")]
    public void An_agg_tp_size_no_engine_can_use_is_read_as_the_disaggregated_run_of_its_sweep(string precision, string gemm, string moe, int clients, int tp, string worker, int decodeWorkers, int batch, string reading)
    {
        // 128 heads cannot split 72 or 36 ways; 32 they can, but with the experts split 32 ways too no recipe runs it.
        // FP8 DeepSeek-R1 (673 GB) needs 8 GB200s to keep its weights in half their memory (8 × 185 GiB / 2 = 795 GB),
        // NVFP4 (~390 GB) needs 4. Both roles run that worker, and tp_size counts the decode GPUs: 72/8 = 9 workers
        // decode 2048 clients, ⌈2048/9⌉ = 228 each; 36/4 = 9 decode 564, ⌈564/9⌉ = 63; 32/4 = 8 decode 2150, ⌈2150/8⌉ = 269.
        var row = Parse(Header, $"r,src,sglang,1.0,deepseek-ai/DeepSeek-R1,gb200,{precision},agg,1024,1024,{gemm},{moe},{clients},{tp},1,1,{tp},1,,,,,,,,,,,,,,,3000,30")[0];
        var request = Mapper.Map(row);
        Assert.Equal(ServingMode.Disaggregated, request.Mode);
        Assert.Equal(worker, request.Parallel.Name);
        Assert.Equal(worker, request.DecodeParallel!.Name);
        Assert.Equal(decodeWorkers, request.Deployment!.DecodeWorkers);
        Assert.Equal(batch, request.Deployment.DecodeBatch);
        Assert.Equal(clients, request.Deployment.Clients);
        Assert.Contains(request.Readings, r => r.Contains(reading, StringComparison.Ordinal) && r.Contains("read as the disaggregated run of its sweep", StringComparison.Ordinal));
    }

    [Fact]
    public void A_wide_engine_with_expert_parallelism_stays_one_engine()
    {
        // With the experts split by expert parallelism (tp 16 = moe_tp 2 × moe_ep 8), a wide engine is not read as replicas.
        var wide = Parse(Header, "w,src,trtllm,1.0,deepseek-ai/DeepSeek-R1,gb200,fp4,agg,1024,1024,nvfp4,nvfp4,64,16,1,1,2,8,,,,,,,,,,,,,,,300,20")[0];
        Assert.Equal(16, Mapper.Map(wide).Parallel.Gpus);
    }

    [Fact]
    public void More_expert_gpus_than_attention_gpus_read_as_attention_dp()
    {
        // tp 1 with moe_tp 2: Qwen3-235B in fp8 (235 GB) cannot sit on one H200; the experts' two GPUs are the engine's,
        // with the attention data-parallel over them.
        var row = Parse(Header, "q,src,vllm,0.1,Qwen/Qwen3-235B-A22B-FP8,h200_sxm,fp8,agg,1000,100,fp8,fp8_block,8,1,1,,2,1,,,,,,,,,,,,,,,357,55")[0];
        var request = Mapper.Map(row);
        Assert.Equal(2, request.Parallel.Gpus);
        Assert.Equal(2, request.Parallel.AttentionDp);
        Assert.Contains(request.Readings, r => r.Contains("attention DP 2", StringComparison.Ordinal));
    }

    [Fact]
    public void A_vllm_tp_by_dp_label_is_read_as_the_tep_engine_its_sweep_measures()
    {
        // Oracle: silicon_calibration.csv. Kimi-K2.5 on B200 vLLM labelled tp 4, attention_dp 4, moe_ep 16 (cfg635) measures
        // at 32 clients TPOT 18.51 ms and TTFT 208.3 ms, as the row labelled tp 4, moe_ep 4 does: a TEP4 engine holding
        // all 32 clients (silicon_concurrency 32 = batch_size 8 × 4), not 16 GPUs in four attention ranks of 8.
        var row = Parse(Header, "kimik2_5_b200_vllm_fp4_agg_1024x1024_c32_cfg635,db-dump/2026-04-27; config_id=635; silicon_concurrency=32,vllm,0.17.0,moonshotai/Kimi-K2.5,b200_sxm,fp4,agg,1024,1024,nvfp4,nvfp4,8,4,1,4,1,16,,,,,,,,,,,,,,,208.3,18.51")[0];
        var request = Mapper.Map(row);
        Assert.Equal("TEP4", request.Parallel.Name);
        Assert.Equal(4, request.Parallel.Gpus);
        Assert.Equal(32, request.Concurrency);
        Assert.Contains(request.Readings, r => r.Contains("moe_ep 16 = tp × dp; read as TEP4", StringComparison.Ordinal));

        // A DEP label (tp 1) is left as it is: DEP8 on eight GPUs.
        var dep = Parse(Header, "d,src,trtllm,1.0,deepseek-ai/DeepSeek-R1,b200_sxm,fp4,agg,1024,1024,nvfp4,nvfp4,64,1,1,8,1,8,,,,,,,,,,,,,,,100,20")[0];
        Assert.Equal("DEP8", Mapper.Map(dep).Parallel.Name);
    }

    [Fact]
    public void Dep_rows_with_attention_dp_map_to_dep()
    {
        var row = Parse(Header, "x_tp8_0_ep8_0_1,src,trtllm,1.0,deepseek-ai/DeepSeek-R1,b200_sxm,fp4,agg,1024,1024,nvfp4,nvfp4,64,1,1,8,1,8,,,,,,,,,,,,,,,100,20")[0];
        var request = Mapper.Map(row);
        Assert.Equal("DEP8", request.Parallel.Name);
        Assert.Equal(Core.Specs.QuantMode.Fp8, request.Quant.KvCache);
    }

    [Fact]
    public void Fp8_rows_are_read_with_an_fp8_kv_cache_and_say_so()
    {
        var row = Parse(Header, "k,src,vllm,0.1,MiniMaxAI/MiniMax-M2.5,b200_sxm,fp8,agg,8192,1024,fp8,fp8,64,2,1,1,2,1,,,,,,,,,,,,,,,900,30")[0];
        var request = Mapper.Map(row);
        Assert.Equal(Core.Specs.QuantMode.Fp8, request.Quant.KvCache);
        Assert.Contains(request.Readings, r => r.Contains("KV cache as fp8", StringComparison.Ordinal));

        var bf16 = Parse(Header, "b,src,vllm,0.1,Qwen/Qwen3-32B,h200_sxm,bf16,agg,1024,1024,,,8,2,1,1,1,1,,,,,,,,,,,,,,,100,20")[0];
        Assert.Equal(Core.Specs.QuantMode.Bf16, Mapper.Map(bf16).Quant.KvCache);
    }

    [Fact]
    public void Attention_dp_rows_count_batch_size_per_rank_when_the_source_says_so()
    {
        // The row's own fields are the oracle: id c256, DEP8, batch_size 32, silicon_concurrency=256 = 32 × 8.
        var row = Parse(Header, "2026_03_25_deepseek_r1_b200_sxm_trtllm_fp4_agg_1024x1024_c256_tp8_0_ep8_0_1084,model=DeepSeek-R1; silicon_concurrency=256,trtllm,1.0,deepseek-ai/DeepSeek-R1,b200_sxm,fp4,agg,1024,1024,nvfp4,nvfp4,32,1,1,8,1,8,,,,,,,,,,,,,,,791,23.9")[0];
        var request = Mapper.Map(row);
        Assert.Equal(256, request.Concurrency);
        Assert.Contains(request.Readings, r => r.Contains("per attention-DP rank", StringComparison.Ordinal));

        // Without attention DP, batch_size stays what one engine sees even when the source names more clients (replicas).
        var replicas = Parse(Header, "q,silicon_concurrency=288,trtllm,1.0,Qwen/Qwen3-32B,gb200,,agg,2000,500,,,144,2,1,1,1,1,,,,,,,,,,,,,,,800,40")[0];
        Assert.Equal(144, Mapper.Map(replicas).Concurrency);
    }

    [Fact]
    public void Client_concurrency_is_what_the_source_names_else_what_the_row_gives()
    {
        // The rows' own fields are the oracle: silicon_concurrency=256 on a DEP8 row with batch_size 32; an agg row with no
        // source concurrency at batch_size 16; a disagg row at decode batch 8 per rank × 2 workers × DEP4 = 64.
        var rows = Parse(Header,
            "a,model=DeepSeek-R1; silicon_concurrency=256,trtllm,1.0,deepseek-ai/DeepSeek-R1,b200_sxm,fp4,agg,1024,1024,nvfp4,nvfp4,32,1,1,8,1,8,,,,,,,,,,,,,,,791,23.9",
            "b,src,vllm,0.1,Qwen/Qwen3-32B,h200_sxm,,agg,1024,1024,,,16,2,1,,,,,,,,,,,,,,,,,,100,20",
            "c,src,trtllm,1.0,deepseek-ai/DeepSeek-R1,gb200,fp4,disagg,1024,1024,nvfp4,nvfp4,,,,,,,1,2,4,1,1,1,4,8,2,1,1,4,1,4,300,10");
        var predictor = new RowPredictor(Mapper, Core.Calibration.CalibrationSet.None, "auto", null);
        var outcomes = Validation.Predict(predictor, rows);
        Assert.Equal([256, 16, 64], outcomes.Select(Validation.ClientConcurrency));
        Assert.Equal([256, 16, 64], Validation.Scored(outcomes, targetOnly: false).Select(r => r.Concurrency));
    }

    [Fact]
    public void Each_scored_row_carries_the_mapping_family_it_was_read_as()
    {
        // The rows' parallel columns are the oracle: tp 1 × attention_dp 8 with moe_ep 8 is DEP; tp 2 of a dense model TP;
        // a disaggregated row of prefill tp 4 with moe_ep 4 (TEP) and decode attention_dp 4 with moe_ep 4 (DEP) is
        // "TEP / DEP"; attention_dp 2 beside moe_tp 2 is DP. A row that cannot be read has no family.
        var rows = Parse(Header,
            "a,model=DeepSeek-R1; silicon_concurrency=256,trtllm,1.0,deepseek-ai/DeepSeek-R1,b200_sxm,fp4,agg,1024,1024,nvfp4,nvfp4,32,1,1,8,1,8,,,,,,,,,,,,,,,791,23.9",
            "b,src,vllm,0.1,Qwen/Qwen3-32B,h200_sxm,,agg,1024,1024,,,16,2,1,,,,,,,,,,,,,,,,,,100,20",
            "c,src,trtllm,1.0,deepseek-ai/DeepSeek-R1,gb200,fp4,disagg,1024,1024,nvfp4,nvfp4,,,,,,,1,2,4,1,1,1,4,8,2,1,1,4,1,4,300,10",
            "d,src,vllm,0.12.0,Qwen/Qwen3-235B-A22B-FP8,h200_sxm,fp8,agg,2000,100,fp8,fp8,5,1,1,2,2,1,,,,,,,,,,,,,,,450,57",
            "e,src,vllm,0.1,Qwen/Qwen3-32B,mi300x,,agg,1024,1024,,,16,2,1,,,,,,,,,,,,,,,,,,100,20");
        var outcomes = Validation.Predict(new RowPredictor(Mapper, Core.Calibration.CalibrationSet.None, "roofline", null), rows);
        Assert.Equal(["DEP", "TP", "TEP / DEP", "DP", ""], outcomes.Select(Validation.MappingFamily));
        Assert.Equal(["DEP", "TP", "TEP / DEP", "DP", ""], Validation.Scored(outcomes, targetOnly: false).Select(r => r.Mapping));
    }

    [Fact]
    public void Fp8_rows_of_a_block_scaled_checkpoint_run_its_block_scaled_gemms()
    {
        // DeepSeek-R1's checkpoint is block-scaled FP8 (config.json: weight_block_size [128, 128]); "fp8" in the row names
        // the precision. NVIDIA's Llama-3.1-8B-Instruct-FP8 is per-tensor FP8 and stays so.
        var r1 = Parse(Header, "d,src,trtllm,1.0,deepseek-ai/DeepSeek-R1,b200_sxm,fp8,agg,1024,1024,fp8,fp8,4,8,1,1,1,8,,,,,,,,,,,,,,,200,8")[0];
        var request = Mapper.Map(r1);
        Assert.Equal(QuantMode.Fp8Block, request.Quant.Gemm);
        Assert.Contains(request.Readings, r => r.Contains("block-scaled", StringComparison.Ordinal));
        var llama = Parse(Header, "l,src,vllm,0.1,nvidia/Llama-3.1-8B-Instruct-FP8,h200_sxm,fp8,agg,1024,1024,fp8,fp8,4,1,1,,,,,,,,,,,,,,,,,,50,5")[0];
        Assert.Equal(QuantMode.Fp8, Mapper.Map(llama).Quant.Gemm);
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("nan", null)] // pandas writes a missing value so
    [InlineData("0", null)] // a TPOT where every answer is one token
    [InlineData("12.5", 12.5)]
    public void A_measurement_not_taken_is_left_unscored(string tpot, double? read)
    {
        var row = Parse(Header, $"m,src,vllm,0.1,Qwen/Qwen3-32B,h200_sxm,,agg,1024,1024,,,8,2,1,,,,,,,,,,,,,,,,,,100,{tpot}")[0];
        Assert.Equal(read, row.MeasuredTpotMs);
    }

    [Theory]
    [InlineData("NaN")] // pandas' float blank
    [InlineData("None")] // Python's str(None)
    [InlineData("<NA>")] // pandas' nullable-integer blank
    public void Python_s_blanks_in_a_size_or_format_column_are_values_not_given(string blank)
    {
        // Oracle: the same row with the field empty.
        var empty = Parse(Header, "m,src,vllm,0.1,Qwen/Qwen3-32B,h200_sxm,,agg,1024,1024,,,8,2,1,,,,,,,,,,,,,,,,,,100,10")[0];
        var python = Parse(Header, $"m,src,vllm,0.1,Qwen/Qwen3-32B,h200_sxm,{blank},agg,1024,1024,{blank},{blank},8,2,1,{blank},{blank},{blank},,,,,,,,,,,,,,,100,10")[0];
        Assert.Equal(empty, python);
        Assert.Null(python.Agg.AttentionDp);
    }

    [Theory]
    [InlineData("-5")]
    [InlineData("Infinity")]
    public void A_negative_or_infinite_time_is_refused_with_its_column(string ttft)
    {
        var e = Assert.Throws<AicSimException>(() => Parse(Header, $"m,src,vllm,0.1,Qwen/Qwen3-32B,h200_sxm,,agg,1024,1024,,,8,2,1,,,,,,,,,,,,,,,,,,{ttft},20"));
        Assert.Contains($"silicon_ttft_ms '{ttft}' must be a positive time", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_row_longer_than_the_model_s_context_is_unsupported_not_priced()
    {
        // Oracle: Qwen3-32B's config.json, max_position_embeddings 40960.
        var fits = Parse(Header, "c,src,vllm,0.1,Qwen/Qwen3-32B,h200_sxm,,agg,32768,8192,,,8,2,1,,,,,,,,,,,,,,,,,,100,20")[0];
        Assert.Equal("TP2", Mapper.Map(fits).Parallel.Name);
        var beyond = Parse(Header, "c,src,vllm,0.1,Qwen/Qwen3-32B,h200_sxm,,agg,32768,8193,,,8,2,1,,,,,,,,,,,,,,,,,,100,20")[0];
        var e = Assert.Throws<UnsupportedException>(() => Mapper.Map(beyond));
        Assert.Contains("context of 40960", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zero_parallel_fields_are_missing_not_divisors()
    {
        var row = Parse(Header, "z,src,vllm,0.1,Qwen/Qwen3-32B,h200_sxm,,agg,1024,1024,,,8,2,1,0,0,0,,,,,,,,,,,,,,,100,20")[0];
        Assert.Equal("TP2", Mapper.Map(row).Parallel.Name);
    }

    [Fact]
    public void Disagg_rows_without_batch_sizes_assume_them_from_the_concurrency()
    {
        var row = Parse(Header, "d,silicon_concurrency=64,trtllm,1.0,deepseek-ai/DeepSeek-R1,gb200,fp4,disagg,1024,1024,nvfp4,nvfp4,,,,,,,,,4,1,1,1,4,,,1,1,16,1,16,300,10")[0];
        var request = Mapper.Map(row);
        Assert.Equal(ServingMode.Disaggregated, request.Mode);
        Assert.Equal("TEP4", request.Parallel.Name);
        Assert.Equal("DEP16", request.DecodeParallel!.Name);
        Assert.Equal(4, request.Deployment!.DecodeBatch);
        Assert.Contains(request.Readings, r => r.Contains("assumed", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_batch_sizes_the_decode_workers_are_the_fewest_that_hold_every_client_and_prefill_keeps_up()
    {
        // Qwen3-32B in FP8 on H100 TP2, 4000 + 1000 tokens, 600 clients: one decode engine's cache holds far fewer. The
        // oracle is the engines' own memory and speed, priced independently here: the workers must hold the clients,
        // one fewer must not, and the prefill pool must finish prompts at least as fast as decode finishes requests.
        var row = Parse(Header, "d,silicon_concurrency=600,vllm,0.1,Qwen/Qwen3-32B,h100_sxm,fp8,disagg,4000,1000,fp8,fp8,,,,,,,,,2,1,1,1,1,,,2,1,1,1,1,300,10")[0];
        var request = Mapper.Map(row);
        var d = request.Deployment!;
        var decode = EngineModel.Create(new EngineConfig(request.Model, request.System, request.DecodeParallel!, request.Quant, request.Backend));
        var prefill = EngineModel.Create(new EngineConfig(request.Model, request.System, request.Parallel, request.Quant, request.Backend));
        long holds = decode.MaxResidentRequests(4000, 1000);
        Assert.InRange(holds, 1, 599);
        Assert.True(d.DecodeWorkers * holds >= 600);
        Assert.True((d.DecodeWorkers - 1) * holds < 600);
        Assert.True(d.DecodeWorkers * d.DecodeBatch >= 600);

        double finished = 600 / (1000 * decode.DecodeTokenMs(d.DecodeBatch, 4500));
        double prompts = 1 / prefill.PrefillMs(4000, 1);
        Assert.True(d.PrefillWorkers * prompts >= finished);
        Assert.True((d.PrefillWorkers - 1) * prompts < finished);
        Assert.Contains(request.Readings, r => r.Contains($"{d.DecodeWorkers} decode workers", StringComparison.Ordinal));
    }

    [Fact]
    public void Gpt_oss_nvfp4_rows_are_read_as_mxfp4()
    {
        var row = Parse(Header, "g,src,trtllm,1.0,openai/gpt-oss-120b,h200_sxm,fp4,agg,1024,1024,nvfp4,nvfp4,8,4,1,1,4,1,,,,,,,,,,,,,,,100,5")[0];
        var request = Mapper.Map(row);
        Assert.Equal(Core.Specs.QuantMode.Mxfp4, request.Quant.Moe);
    }

    [Fact]
    public void A_row_naming_an_unbundled_release_of_a_bundled_model_is_read_as_it_and_says_so()
    {
        // NVIDIA's FP4 release of Llama-3.1-70B-Instruct is not bundled; the row's own quant columns say fp4.
        var row = Parse(Header, "r1,src,trtllm,1.0,nvidia/Llama-3.1-70B-Instruct-FP4,b200_sxm,fp4,agg,1024,1024,nvfp4,,8,2,1,1,1,1,,,,,,,,,,,,,,,100,20")[0];
        var request = Mapper.Map(row);
        Assert.Equal(80, request.Model.NumLayers);
        Assert.Equal(Core.Specs.QuantMode.Nvfp4, request.Quant.Gemm);
        Assert.Contains(request.Readings, r => r.Contains("as a release of meta-llama/Llama-3.1-70B", StringComparison.Ordinal));

        // A name whose end is not a release tag is still unknown.
        var other = Parse(Header, "r2,src,trtllm,1.0,Qwen/Qwen3-Coder-30B-A3B-Instruct,b200_sxm,,agg,1024,1024,,,8,1,1,1,1,1,,,,,,,,,,,,,,,100,20")[0];
        Assert.ThrowsAny<AicSimException>(() => Mapper.Map(other));
    }

    [Fact]
    public void Systems_outside_the_set_are_unsupported()
    {
        var row = Parse(Header, "m3,src,vllm,0.1,Qwen/Qwen3-32B,mi300x,,agg,1024,1024,,,8,2,1,1,1,1,,,,,,,,,,,,,,,100,20")[0];
        var e = Assert.Throws<UnsupportedException>(() => Mapper.Map(row));
        Assert.Contains("mi300x", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Predictions_are_written_whole_with_the_contract_header()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "p.csv");
        PredictionCsv.Write(path, [new Prediction("a", 12.5, 3.25, "ok", ""), new Prediction("b,c", null, null, "unsupported", "why, exactly")]);
        var lines = File.ReadAllLines(path);
        Assert.Equal("id,predicted_ttft_ms,predicted_tpot_ms,status,message", lines[0]);
        Assert.Equal("a,12.5,3.25,ok,", lines[1]);
        Assert.Equal("\"b,c\",,,unsupported,\"why, exactly\"", lines[2]);
        Assert.Single(Directory.EnumerateFiles(Path.GetDirectoryName(path)!));
    }
}
