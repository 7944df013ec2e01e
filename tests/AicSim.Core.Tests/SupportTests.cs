using AicSim.Core.Accuracy;
using AicSim.Core.Errors;
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
    public void Quant_modes_parse_and_size(string name, QuantMode mode, double bytes)
    {
        Assert.Equal(mode, QuantModes.Parse(name, "--gemm-quant"));
        Assert.Equal(bytes, QuantModes.BytesPerElement(mode));
        Assert.Equal(name, QuantModes.Name(mode));
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
}
