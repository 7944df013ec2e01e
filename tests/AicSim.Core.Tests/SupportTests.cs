using AicSim.Core.Accuracy;
using AicSim.Core.Errors;
using AicSim.Core.Ops;
using AicSim.Core.Specs;
using AicSim.Tests;

namespace AicSim.Core.Tests;

public sealed class SupportTests
{
    [Fact]
    public void Mape_of_a_hand_made_set()
    {
        // Hand calculation: errors 10 %, 20 %, 50 %, 0 % → mean 20 %, median 15 %, within 10 %: 2 of 4, within 25 %: 3 of 4.
        var s = ErrorSummary.Of([(110, 100), (80, 100), (15, 10), (7, 7)]);
        Assert.Equal(4, s.Count);
        Approx.AssertClose(20, s.MeanApePercent, 1e-12);
        Approx.AssertClose(15, s.MedianApePercent, 1e-12);
        Assert.Equal(0.5, s.Within10Percent);
        Assert.Equal(0.75, s.Within25Percent);
    }

    [Fact]
    public void Unknown_names_get_close_suggestions()
    {
        Assert.Equal("h200_sxm", NameSuggester.Suggest("h200", ["a100_sxm", "h100_sxm", "h200_sxm", "b200_sxm", "gb200"])[0]);
        Assert.Contains("'trtllm'", NameSuggester.Hint("trtlm", Backends.Names), StringComparison.Ordinal);
        Assert.Empty(NameSuggester.Suggest("zzzzzzzzzzzz", ["vllm"]));
    }

    [Theory]
    [InlineData("bf16", QuantMode.Bf16, 2.0)]
    [InlineData("fp8", QuantMode.Fp8, 1.0)]
    [InlineData("fp8_block", QuantMode.Fp8Block, 1.0)]
    [InlineData("nvfp4", QuantMode.Nvfp4, 0.5625)]
    [InlineData("mxfp4", QuantMode.Mxfp4, 0.53125)]
    [InlineData("int4_wo", QuantMode.Int4WeightOnly, 0.515625)] // 4 bits + a bf16 scale per 128: 0.5 + 2/128
    [InlineData("int8_wo", QuantMode.Int8WeightOnly, 1.0)]
    [InlineData("w4afp8", QuantMode.W4Afp8, 0.515625)]
    [InlineData("w4a16_nvfp4", QuantMode.Nvfp4WeightOnly, 0.5625)] // NVFP4's storage: 4 bits + an fp8 scale per 16
    public void Quant_modes_parse_and_size(string name, QuantMode mode, double bytes)
    {
        Assert.Equal(mode, QuantModes.Parse(name, "--gemm-quant"));
        Assert.Equal(bytes, QuantModes.BytesPerElement(mode));
        Assert.Equal(name, QuantModes.Name(mode));
    }

    [Fact]
    public void The_attention_projections_can_keep_a_format_of_their_own()
    {
        // NVIDIA's GLM-5-NVFP4 (its exclusion list): attention projections BF16, shared experts and dense FFNs NVFP4.
        var quant = new QuantConfig(QuantMode.Nvfp4, QuantMode.Nvfp4, QuantMode.Fp8) { AttentionOverride = QuantMode.Bf16 };
        var ops = OpTableCompiler.Compile(Fixtures.DeepSeekV3, ParallelConfig.DataExpertParallel(8), quant, Fixtures.B200);
        string[] names = [.. ops.Names];
        QuantMode Of(string name) => ops.Ops[Array.IndexOf(names, name)].Quant;
        Assert.Equal((QuantMode.Bf16, QuantMode.Bf16, QuantMode.Nvfp4, QuantMode.Nvfp4), (Of("o proj"), Of("q/kv down proj"), Of("shared expert gate+up"), Of("ffn down")));
        Assert.Equal("gemm nvfp4, attention bf16, moe nvfp4, kv fp8", quant.ToString());

        // Without one, the attention runs at the gemm format, as before.
        Assert.Equal(QuantMode.Nvfp4, OpTableCompiler.Compile(Fixtures.DeepSeekV3, ParallelConfig.DataExpertParallel(8), quant with { AttentionOverride = null }, Fixtures.B200).Ops[Array.IndexOf(names, "o proj")].Quant);
    }

    [Theory]
    [InlineData("w4a16_mxfp4", QuantMode.Mxfp4)] // aiconfigurator's name of gpt-oss's experts
    [InlineData("fp8_static", QuantMode.Fp8)]
    [InlineData("float16", QuantMode.Bf16)]
    public void Aiconfigurator_s_quant_names_read_as_the_modes_they_are(string name, QuantMode mode)
    {
        Assert.Equal(mode, QuantModes.Parse(name, "gemm_quant_mode"));
    }

    [Theory]
    [InlineData(QuantMode.W4Afp8, ComputeType.Fp8)] // INT4 weights, FP8 activations: FP8 tensor cores
    [InlineData(QuantMode.Nvfp4WeightOnly, ComputeType.Bf16)] // weight-only: bf16 math, so it runs on Hopper too
    [InlineData(QuantMode.Int8WeightOnly, ComputeType.Bf16)]
    public void Weight_only_and_mixed_modes_run_at_their_activations_rate(QuantMode mode, ComputeType compute)
    {
        Assert.Equal(compute, QuantModes.ComputeOn(mode, Fixtures.H100));
    }

    [Fact]
    public void An_unknown_quant_mode_names_the_field_and_the_choices()
    {
        var e = Assert.Throws<AicSimException>(() => QuantModes.Parse("fp6", "--gemm-quant"));
        Assert.Contains("--gemm-quant", e.Message, StringComparison.Ordinal);
        Assert.Contains("nvfp4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_backend_gets_a_did_you_mean()
    {
        var e = Assert.Throws<AicSimException>(() => Backends.Parse("vlm"));
        Assert.Contains("'vllm'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TensorRT-LLM", Backend.TrtLlm)]
    [InlineData("trt_llm", Backend.TrtLlm)]
    [InlineData("tensorrt_llm", Backend.TrtLlm)]
    [InlineData(" TRT LLM ", Backend.TrtLlm)]
    [InlineData("vLLM", Backend.Vllm)]
    [InlineData("SGLang", Backend.Sglang)]
    [InlineData("dynamo-trtllm", Backend.TrtLlm)]
    [InlineData("Dynamo vLLM", Backend.Vllm)]
    public void Backends_read_in_any_case_with_or_without_separators(string name, Backend expected)
    {
        Assert.True(Backends.TryParse(name, out var backend));
        Assert.Equal(expected, backend);
        Assert.False(Backends.TryParse("tensorrt", out _));
    }
}
