using AicSim.Core.Estimation;
using AicSim.Core.Ops;
using AicSim.Core.Specs;

namespace AicSim.Core.Tests;

public sealed class DecodeFloorTests
{
    [Fact]
    public void A_dense_model_reads_its_decode_weights_and_every_sequence_s_cache_by_hand()
    {
        // Hand calculation from Llama-3.1-8B's config.json, BF16, one GPU. Per layer: qkv (32 + 2·8)·128 × 4096 =
        // 25,165,824; o 4096 × 4096 = 16,777,216; gate+up 2·14336 × 4096 = 117,440,512; down 58,720,256: 218,103,808,
        // × 32 layers = 6,979,321,856, plus the LM head 128,256 × 4096 = 525,336,576: 7,504,658,432 weights × 2 bytes.
        // KV: 32 layers × 2 (K, V) × 8 heads × 128 × 2 bytes = 131,072 bytes a token; 10 sequences × 1000 tokens.
        var ops = OpTableCompiler.Compile(Fixtures.Llama31_8B, ParallelConfig.TensorParallel(1), QuantConfig.Bf16, Fixtures.H100);
        var bytes = DecodeFloor.BytesPerGpu(ops.Ops, 10, 1000);
        Assert.Equal(15_009_316_864.0, bytes.Weights, 1e-6);
        Assert.Equal(1_310_720_000.0, bytes.Cache, 1e-6);

        // At H100's 3.35 TB/s: 16,320,036,864 / 3.35e12 = 4.87165 ms.
        Assert.Equal(4.87165, bytes.Ms(Fixtures.H100.MemoryBandwidthBytesPerSec), 5);

        // TP2 halves both: half the heads, FFN and LM head, and 4 of the 8 KV heads a GPU.
        var tp2 = OpTableCompiler.Compile(Fixtures.Llama31_8B, ParallelConfig.TensorParallel(2), QuantConfig.Bf16, Fixtures.H100);
        Assert.Equal(bytes.Total / 2, DecodeFloor.BytesPerGpu(tp2.Ops, 10, 1000).Total, 1e-3);
    }

    [Fact]
    public void Of_the_routed_experts_only_the_k_a_token_picks_count_spread_over_the_expert_parallel_gpus()
    {
        // Hand calculation from Qwen3-30B-A3B's config.json, BF16. An expert: 3 × 768 × 2048 = 4,718,592 weights; 48
        // layers. One GPU reads the k = 8 a token picks: 8 × 4,718,592 × 48 × 2 bytes = 3,623,878,656. Besides them, per
        // layer qkv (32 + 2·4)·128 × 2048 = 10,485,760, o 2048 × 4096 = 8,388,608, router 128 × 2048 = 262,144
        // (19,136,512 × 48 = 918,552,576), and the LM head 151,936 × 2048 = 311,164,928: 1,229,717,504 × 2 bytes.
        var one = OpTableCompiler.Compile(Fixtures.Qwen3_30B_A3B, ParallelConfig.TensorParallel(1), QuantConfig.Bf16, Fixtures.H100);
        Assert.Equal(2_459_435_008.0 + 3_623_878_656.0, DecodeFloor.BytesPerGpu(one.Ops, 0, 0).Weights, 1e-6);

        // TEP8: each GPU owns 16 experts, and the slowest reads at least the average, 8 / 8 = 1 expert a layer:
        // 4,718,592 × 48 × 2 = 452,984,832. Per layer qkv (4 + 2·1)·128 × 2048 = 1,572,864 (4 KV heads over 8 GPUs: one
        // each, replicated), o 2048 × 512 = 1,048,576, router 262,144 (2,883,584 × 48 = 138,412,032), LM head 151,936 / 8
        // × 2048 = 38,895,616: 177,307,648 × 2 bytes.
        var tep8 = OpTableCompiler.Compile(Fixtures.Qwen3_30B_A3B, ParallelConfig.TensorExpertParallel(8), QuantConfig.Bf16, Fixtures.H100);
        Assert.Equal(354_615_296.0 + 452_984_832.0, DecodeFloor.BytesPerGpu(tep8.Ops, 0, 0).Weights, 1e-6);
    }

    [Fact]
    public void A_sliding_window_caps_the_context_a_layer_reads()
    {
        // With every layer windowed at 128 tokens, a 100-token context reads 100 tokens and a 4000-token one 128.
        var windowed = Fixtures.Llama31_8B with { SlidingWindow = 128, SlidingWindowLayers = 32 };
        var ops = OpTableCompiler.Compile(windowed, ParallelConfig.TensorParallel(1), QuantConfig.Bf16, Fixtures.H100);
        Assert.Equal(131_072.0 * 100, DecodeFloor.BytesPerGpu(ops.Ops, 1, 100).Cache, 1e-6);
        Assert.Equal(131_072.0 * 128, DecodeFloor.BytesPerGpu(ops.Ops, 1, 4000).Cache, 1e-6);
    }

    [Fact]
    public void The_floor_is_below_the_roofline_s_own_decode_step()
    {
        // A bound must not exceed what the model predicts with its efficiencies below 1 and its overheads, at any batch.
        var ops = OpTableCompiler.Compile(Fixtures.DeepSeekV3, ParallelConfig.TensorExpertParallel(8), new QuantConfig(QuantMode.Fp8Block, QuantMode.Fp8Block, QuantMode.Fp8), Fixtures.H200);
        var hw = HardwareParams.From(Fixtures.H200);
        foreach (double batch in new[] { 1.0, 8, 64, 512 })
        {
            double predicted = StepLatency.RooflineSeconds(ops.Ops, StepShape.Decode(batch, 2048), hw, EfficiencyParams.Default) * 1000;
            double floor = DecodeFloor.BytesPerGpu(ops.Ops, batch, 2048).Ms(hw.MemoryBandwidthBytesPerSec);
            Assert.InRange(floor, double.Epsilon, predicted);
        }
    }
}

public sealed class MeasuredFloorTests
{
    private static Estimate.EstimateRequest Llama(Specs.SpeculativeDecoding? mtp = null) => new()
    {
        Model = Fixtures.Llama31_8B,
        System = Fixtures.H100,
        Backend = Fixtures.TrtLlm with { Speculative = mtp },
        Quant = QuantConfig.Bf16,
        Workload = new Serving.Workload(1000, 1000),
        Mode = Estimate.ServingMode.Aggregated,
        Parallel = ParallelConfig.TensorParallel(1),
        Concurrency = 10,
    };

    [Fact]
    public void Littles_law_on_the_measured_latencies_sets_the_requests_decoding_at_once()
    {
        // Hand calculation (weights and KV per token as in DecodeFloorTests): with TTFT 0 all 10 clients decode, at the
        // mean context 1000 + 1000/2 = 1500: 15,009,316,864 + 10 · 1500 · 131,072 = 16,975,396,864 bytes, 5.0673 ms at
        // 3.35 TB/s. With TTFT equal to the answer's 1000 × 1 ms, half of each request's life decodes: 5 at once.
        var all = Estimate.MeasuredFloor.Of(Llama(), ttftMs: 0, tpotMs: 1)!;
        Assert.Equal(10, all.Sequences, 9);
        Assert.Equal(5.0673, all.FloorMs, 4);
        Assert.Equal(5, Estimate.MeasuredFloor.Of(Llama(), ttftMs: 1000, tpotMs: 1)!.Sequences, 9);

        // Without the run's lengths only the weights count: 15,009,316,864 / 3.35e12 = 4.4804 ms.
        Assert.Equal(4.4804, Estimate.MeasuredFloor.Of(Llama(), 0, 1, lengthsKnown: false)!.FloorMs, 4);
    }

    [Fact]
    public void Speculative_decoding_divides_the_floor_by_the_most_tokens_a_step_keeps()
    {
        // One draft token: a step keeps at most 2 tokens, so the floor per token is half the step's.
        var plain = Estimate.MeasuredFloor.Of(Llama(), 0, 1)!;
        var mtp = Estimate.MeasuredFloor.Of(Llama(new Specs.SpeculativeDecoding(1, 0.85)), 0, 1)!;
        Assert.Equal(2, mtp.TokensPerStep);
        Assert.Equal(plain.FloorMs / 2, mtp.FloorMs, 9);
    }
}
