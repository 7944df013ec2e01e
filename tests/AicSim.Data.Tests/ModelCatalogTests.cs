using AicSim.Core.Errors;
using AicSim.Core.Specs;
using AicSim.Data.Models;
using AicSim.Tests;

namespace AicSim.Data.Tests;

public sealed class ModelCatalogTests
{
    private static readonly ModelCatalog Catalog = ModelCatalog.Load();

    /// <summary>
    /// Every reference config.json AicSim can read is bundled, by its id or an alias, as read: a model added to
    /// ../shared/data/hf-configs (the oracle) that the catalog lacks or describes differently fails here.
    /// </summary>
    [Fact]
    public void Every_readable_reference_config_is_bundled_as_read()
    {
        var missing = new List<string>();
        int compared = 0;
        foreach (var file in Directory.EnumerateFiles(SharedData.Path("hf-configs"), "*_config.json").Where(f => !f.EndsWith("_hf_quant_config.json", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            ModelSpec parsed;
            try
            {
                parsed = HfConfigParser.ParseFile(file);
            }
            catch (UnsupportedException)
            {
                continue;
            }

            compared++;
            try
            {
                var bundled = Catalog.Resolve(parsed.Id);
                if (bundled != parsed with { Id = bundled.Id })
                {
                    missing.Add($"{parsed.Id}: bundled as {bundled}, read as {parsed}");
                }
            }
            catch (AicSimException)
            {
                missing.Add($"{parsed.Id}: not bundled");
            }
        }

        Assert.Empty(missing);

        // All 86 reference configs are of architectures and formats AicSim reads (counted from the listing of
        // hf-configs): fewer compared means the parser began refusing one.
        Assert.Equal(86, compared);
    }

    [Theory]
    [InlineData("Qwen/Qwen3-32B")]
    [InlineData("qwen3-32b")]
    [InlineData("Qwen3-32B")]
    public void Ids_resolve_case_insensitively_and_by_short_name(string name)
    {
        Assert.Equal("Qwen/Qwen3-32B", Catalog.Resolve(name).Id);
    }

    [Theory]
    [InlineData("meta-llama/Llama-3.1-8B-Instruct", "meta-llama/Llama-3.1-8B")]
    [InlineData("zhipuai/GLM-5", "zai-org/GLM-5")]
    [InlineData("MiniMaxAI/MiniMax-M2", "MiniMaxAI/MiniMax-M2.5")]
    [InlineData("MiniMaxAI/MiniMax-M2.1", "MiniMaxAI/MiniMax-M2.5")]
    public void Aliases_resolve_to_their_model(string alias, string id)
    {
        Assert.Equal(id, Catalog.Resolve(alias).Id);
    }

    [Theory]
    [InlineData("nvidia/Llama-3.1-8B-Instruct-FP8", QuantMode.Fp8, QuantMode.Fp8)]
    [InlineData("nvidia/Qwen3-32B-NVFP4", QuantMode.Nvfp4, QuantMode.Fp8)]
    [InlineData("nvidia/DeepSeek-R1-NVFP4", QuantMode.Nvfp4, QuantMode.Fp8)]
    [InlineData("nvidia/DeepSeek-V3.1-NVFP4", QuantMode.Nvfp4, QuantMode.Fp8)]
    [InlineData("Qwen/Qwen3-235B-A22B-FP8", QuantMode.Fp8Block, QuantMode.Bf16)]
    public void Calibration_variants_carry_their_quantisation(string id, QuantMode gemm, QuantMode kv)
    {
        var m = Catalog.Resolve(id);
        Assert.Equal(gemm, m.DefaultQuant.Gemm);
        Assert.Equal(kv, m.DefaultQuant.KvCache);
    }

    [Fact]
    public void Variants_share_their_base_shape()
    {
        var baseModel = Catalog.Resolve("Qwen/Qwen3-32B");
        var variant = Catalog.Resolve("nvidia/Qwen3-32B-NVFP4");
        Assert.Equal(baseModel with { Id = variant.Id, DefaultQuant = variant.DefaultQuant }, variant);
    }

    /// <summary>
    /// DeepSeek-V3.1 has no config of its own in the reference files; NVIDIA's NVFP4 release of it does (the oracle for
    /// its shape). The dated re-releases of V3 and R1 resolve to their models.
    /// </summary>
    [Fact]
    public void DeepSeek_re_releases_resolve_to_the_shape_their_configs_state()
    {
        var v31 = Catalog.Resolve("deepseek-ai/DeepSeek-V3.1-Terminus");
        var nvfp4 = HfConfigParser.ParseFile(SharedData.HfConfig("nvidia--DeepSeek-V3.1-NVFP4"));
        Assert.Equal(nvfp4 with { Id = v31.Id, DefaultQuant = v31.DefaultQuant }, v31);
        Assert.Equal(new QuantConfig(QuantMode.Fp8Block, QuantMode.Fp8Block, QuantMode.Bf16), v31.DefaultQuant);
        Assert.Equal("deepseek-ai/DeepSeek-R1", Catalog.Resolve("deepseek-ai/DeepSeek-R1-0528").Id);
        Assert.Equal("deepseek-ai/DeepSeek-V3", Catalog.Resolve("deepseek-ai/DeepSeek-V3-0324").Id);
    }

    [Theory]
    // Oracle: each config.json's own keys: num_nextn_predict_layers (DeepSeek, GLM, Kimi's 0), mtp_num_hidden_layers in
    // Qwen3.5's text_config, num_mtp_modules with use_mtp (MiniMax), none at all (gpt-oss, Llama).
    [InlineData("deepseek-ai--DeepSeek-V3", 1)]
    [InlineData("zai-org--GLM-5", 1)]
    [InlineData("moonshotai--Kimi-K2.5", 0)]
    [InlineData("Qwen--Qwen3.5-397B-A17B", 1)]
    [InlineData("MiniMaxAI--MiniMax-M2.5", 3)]
    [InlineData("openai--gpt-oss-120b", 0)]
    [InlineData("meta-llama--Meta-Llama-3.1-8B", 0)]
    public void Mtp_modules_are_read_from_each_families_own_key(string stem, int modules) =>
        Assert.Equal(modules, HfConfigParser.ParseFile(SharedData.HfConfig(stem)).MtpLayers);

    [Fact]
    public void Kimi_k2_5_is_read_through_its_text_config_as_mla_with_int4_experts()
    {
        var m = HfConfigParser.ParseFile(SharedData.HfConfig("moonshotai--Kimi-K2.5"));
        Assert.Equal(ArchitectureFamily.MlaMoe, m.Family);
        Assert.Equal(384, m.NumExperts);
        Assert.Equal(QuantMode.Int4WeightOnly, m.DefaultQuant.Moe);
    }

    [Fact]
    public void Qwen3_5_counts_its_gated_deltanet_layers_from_layer_types()
    {
        // Oracle: config.json's layer_types lists 45 "linear_attention" and 15 "full_attention" layers (full_attention_interval 4).
        var m = Catalog.Resolve("Qwen/Qwen3.5-397B-A17B");
        Assert.Equal(45, m.LinearAttentionLayers);
        Assert.Equal(15, m.FullAttentionLayers);
        Assert.Equal(64, m.LinearValueHeads);
        Assert.True(m.AttentionOutputGate);
        Assert.Equal(1024, m.SharedExpertIntermediateSize);
    }

    [Fact]
    public void Gpt_oss_has_sliding_window_layers_and_mxfp4_experts()
    {
        var m = Catalog.Resolve("openai/gpt-oss-120b");
        Assert.Equal(18, m.SlidingWindowLayers);
        Assert.Equal(128, m.SlidingWindow);
        Assert.Equal(QuantMode.Mxfp4, m.DefaultQuant.Moe);
    }

    [Fact]
    public void An_unsupported_architecture_is_named_with_what_is_supported()
    {
        // Every reference config is read now, so a made-up architecture stands in for the next one that is not.
        string path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "config.json");
        File.WriteAllText(path, """{"architectures": ["FutureNetForCausalLM"], "num_hidden_layers": 2, "hidden_size": 1024, "num_attention_heads": 8, "vocab_size": 1000}""");
        var e = Assert.Throws<UnsupportedException>(() => HfConfigParser.ParseFile(path, "acme/future-net"));
        Assert.Contains("FutureNetForCausalLM", e.Message, StringComparison.Ordinal);
        Assert.Contains("DeepseekV3ForCausalLM", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Llama-3.1-8B", "config.json", "Llama-3.1-8B")]
    [InlineData("downloads", "llama-8b.json", "llama-8b")]
    [InlineData("downloads", "meta-llama--Meta-Llama-3.1-8B_config.json", "meta-llama/Meta-Llama-3.1-8B")]
    public void A_config_file_is_named_by_its_folder_or_by_itself(string folder, string file, string expected)
    {
        string dir = Path.Combine(Directory.CreateTempSubdirectory().FullName, folder);
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, file);
        File.Copy(SharedData.HfConfig("meta-llama--Meta-Llama-3.1-8B"), path);
        var e = HfConfigParser.ParseFile(path);
        Assert.Equal(expected, e.Id);
    }

    [Fact]
    public void A_config_with_a_wrong_kind_of_value_names_the_field_and_the_value()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "config.json");
        File.WriteAllText(path, """{"architectures": ["LlamaForCausalLM"], "num_hidden_layers": 32.5, "hidden_size": "4096", "num_attention_heads": 0}""");
        var e = Assert.Throws<AicSimException>(() => HfConfigParser.ParseFile(path, "my/model"));
        Assert.Equal(
        [
            "my/model: config.json's 'num_hidden_layers' is 32.5; it must be a positive whole number.",
            "my/model: config.json's 'hidden_size' is \"4096\"; it must be a positive whole number.",
            "my/model: config.json's 'num_attention_heads' is 0; it must be a positive whole number.",
            "my/model: config.json lacks 'vocab_size'.",
        ], e.Problems);
    }

    /// <summary>
    /// A four-layer ModelOpt checkpoint and its exclusion list, written by hand (the oracle): NVFP4 experts always; the
    /// other GEMMs stay BF16 only where at least half the layers keep their attention projections out of quantisation.
    /// </summary>
    [Theory]
    [InlineData("""["lm_head", "model.layers.0.self_attn*", "model.layers.1.self_attn*"]""", QuantMode.Bf16)]
    [InlineData("""["model.layers.0.self_attn.o_proj", "model.layers.1.self_attn.o_proj", "model.layers.2.self_attn.o_proj"]""", QuantMode.Bf16)]
    [InlineData("""["model.layers.0*", "model.layers.1.*", "model.layers.2.linear_attn*"]""", QuantMode.Bf16)]
    [InlineData("""["*.attn.*", "head"]""", QuantMode.Bf16)]
    [InlineData("""[7, null, "model.layers.99999999999.self_attn*", "model.layers.0.self_attn*", "model.layers.1.self_attn*"]""", QuantMode.Bf16)]
    [InlineData("""["lm_head", "model.layers.0.self_attn*"]""", QuantMode.Nvfp4)]
    [InlineData("""["model.layers.0.self_attn.kv_b_proj", "model.layers.1.self_attn.q_a_proj", "model.layers.2.self_attn.kv_a_proj_with_mqa", "model.layers.3.self_attn.q_b_proj"]""", QuantMode.Nvfp4)]
    [InlineData("""["model.layers.0.mlp.gate", "model.layers.1.mlp.gate", "model.layers.2.mlp.gate", "model.layers.3.mlp.gate"]""", QuantMode.Nvfp4)]
    public void A_modelopt_checkpoint_keeps_attention_gemms_in_bf16_only_where_most_layers_exclude_them(string excluded, QuantMode gemm)
    {
        string dir = Directory.CreateTempSubdirectory().FullName;
        string path = Path.Combine(dir, "config.json");
        File.WriteAllText(path, """{"architectures": ["Qwen3MoeForCausalLM"], "num_hidden_layers": 4, "hidden_size": 2048, "num_attention_heads": 32, "vocab_size": 1000, "num_experts": 8, "num_experts_per_tok": 2, "moe_intermediate_size": 512}""");
        File.WriteAllText(Path.Combine(dir, "hf_quant_config.json"), $$$"""{"quantization": {"quant_algo": "NVFP4", "kv_cache_quant_algo": "FP8", "exclude_modules": {{{excluded}}}}}""");
        var q = HfConfigParser.ParseFile(path, "my/model").DefaultQuant;
        Assert.Equal(new QuantConfig(gemm, QuantMode.Nvfp4, QuantMode.Fp8), q);
    }

    /// <summary>The released checkpoints the rule was written for, read from their files.</summary>
    [Theory]
    [InlineData("nvidia--GLM-5-NVFP4", QuantMode.Nvfp4, QuantMode.Bf16)]          // every layer's o_proj and MLA projections excluded, no MLP
    [InlineData("nvidia--GLM-5.1-NVFP4", QuantMode.Bf16, QuantMode.Bf16)]         // self_attn* and mlp.shared_experts* of 75 layers, layer 0 whole
    [InlineData("nvidia--DeepSeek-V3.1-NVFP4", QuantMode.Nvfp4, QuantMode.Nvfp4)] // only the MLA down/up projections: o_proj quantised
    [InlineData("nvidia--Qwen3-235B-A22B-NVFP4", QuantMode.Nvfp4, QuantMode.Nvfp4)] // only the routers excluded
    [InlineData("nvidia--Qwen3.5-397B-A17B-NVFP4", QuantMode.Bf16, QuantMode.Bf16)] // linear_attn*, self_attn*, mlp.shared_expert*
    [InlineData("nvidia--Kimi-K2.5-NVFP4", QuantMode.Nvfp4, QuantMode.Bf16)]      // inline quantization_config: ignore self_attn* only, kv_cache_scheme 8-bit float
    public void Released_modelopt_checkpoints_read_as_their_exclusions_say(string stem, QuantMode gemm, QuantMode attention)
    {
        // Oracle: each file's exclusion list, read by hand (the comments).
        var q = HfConfigParser.ParseFile(SharedData.HfConfig(stem)).DefaultQuant;
        Assert.Equal((gemm, attention, QuantMode.Nvfp4, QuantMode.Fp8), (q.Gemm, q.Attention, q.Moe, q.KvCache));
    }

    [Theory]
    [InlineData("nvidia--Qwen3.6-27B-NVFP4", "gemm w4a16_nvfp4, attention fp8, moe w4a16_nvfp4, kv fp8")]         // 64 MLPs W4A16_NVFP4; self_attn and linear_attn FP8
    [InlineData("nvidia--Qwen3.6-35B-A3B-NVFP4", "gemm w4a16_nvfp4, attention fp8, moe w4a16_nvfp4, kv fp8")]     // experts and shared experts W4A16_NVFP4
    [InlineData("nvidia--NVIDIA-Nemotron-3.5-Lightning-30B-A3B-NVFP4", "gemm w4a16_nvfp4, attention fp8, moe w4a16_nvfp4, kv fp8")] // Mamba in/out FP8
    public void A_per_module_mixed_precision_checkpoint_reads_each_class_in_its_listed_format(string stem, string expected)
    {
        // Oracle: the classes of quantized_layers in each hf_quant_config.json, counted by hand (the comments); KV FP8.
        Assert.Equal(expected, HfConfigParser.ParseFile(SharedData.HfConfig(stem)).DefaultQuant.ToString());
    }

    [Theory]
    [InlineData("""{"q.layers.0.mlp.down_proj": {"quant_algo": "W2A16"}}""", "runs ffn modules as W2A16")]
    [InlineData("null", "lists no quantized_layers")]
    public void A_mixed_precision_checkpoint_AicSim_cannot_read_says_why(string layers, string expected)
    {
        string dir = Directory.CreateTempSubdirectory().FullName;
        string path = Path.Combine(dir, "config.json");
        File.WriteAllText(path, """{"architectures": ["Qwen3ForCausalLM"], "num_hidden_layers": 4, "hidden_size": 2048, "num_attention_heads": 32, "vocab_size": 1000}""");
        File.WriteAllText(Path.Combine(dir, "hf_quant_config.json"), $$$"""{"quantization": {"quant_algo": "MIXED_PRECISION", "quantized_layers": {{{layers}}}}}""");
        var e = Assert.ThrowsAny<AicSimException>(() => HfConfigParser.ParseFile(path, "my/model"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_nemotron_h_config_that_lists_block_types_reads_as_its_pattern()
    {
        // Nemotron-3-Ultra's config.json has no hybrid_override_pattern or num_hidden_layers, only layers_block_type:
        // 108 names, counted off the file as 48 mamba, 12 attention and 48 moe.
        var m = HfConfigParser.ParseFile(SharedData.HfConfig("nvidia--NVIDIA-Nemotron-3-Ultra-550B-A55B-BF16"));
        Assert.Equal((108, 48, 12, 48, 2048, false), (m.NumLayers, m.MambaLayers, m.FullAttentionLayers, m.MoeLayers, m.MoeLatentSize, m.GatedFfn));
        Assert.StartsWith("MEMEMEM*E", m.BlockPattern, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"hybrid_override_pattern\": \"M*X\", \"num_hidden_layers\": 3", "holds 'X'")]
    [InlineData("\"hybrid_override_pattern\": \"M*-\", \"num_hidden_layers\": 4", "names 3 layers but num_hidden_layers is 4")]
    [InlineData("\"num_hidden_layers\": 3", "needs hybrid_override_pattern or layers_block_type")]
    [InlineData("\"layers_block_type\": [\"mamba\", \"conv\"]", "layers_block_type holds 'conv'")]
    public void A_nemotron_h_config_with_a_bad_block_pattern_says_what_is_wrong(string layers, string expected)
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "config.json");
        File.WriteAllText(path, "{\"architectures\": [\"NemotronHForCausalLM\"], \"hidden_size\": 1024, \"num_attention_heads\": 8, \"vocab_size\": 1000, " + layers + "}");
        var e = Assert.ThrowsAny<AicSimException>(() => HfConfigParser.ParseFile(path));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bundled_block_pattern_or_compress_ratio_list_must_have_an_entry_per_layer()
    {
        string dir = Directory.CreateTempSubdirectory().FullName;
        File.WriteAllText(Path.Combine(dir, "bad.yaml"), """
            id: test/bad-hybrid
            architecture: NemotronHForCausalLM
            family: dense_gqa
            num_layers: 4
            hidden_size: 1024
            num_attention_heads: 8
            num_key_value_heads: 8
            head_dim: 128
            intermediate_size: 4096
            vocab_size: 1000
            block_pattern: "M*-"
            gated_ffn: false
            """);
        File.WriteAllText(Path.Combine(dir, "bad-ratios.yaml"), """
            id: test/bad-compressed
            architecture: DeepseekV4ForCausalLM
            family: mla_moe
            num_layers: 3
            hidden_size: 1024
            num_attention_heads: 8
            num_key_value_heads: 1
            head_dim: 512
            vocab_size: 1000
            compress_ratios: "0,4"
            """);
        var e = Assert.ThrowsAny<AicSimException>(() => ModelCatalog.Load(dir));
        Assert.Contains("block_pattern of num_layers (4) characters", e.Message, StringComparison.Ordinal);
        Assert.Contains("mamba_heads (needed with Mamba layers", e.Message, StringComparison.Ordinal);
        Assert.Contains("compress_ratios as num_layers (3) whole numbers", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Qwen3_vl_235b_reads_as_the_qwen3_235b_language_model_it_is_built_on()
    {
        // Oracle: Qwen's model card, whose language model is Qwen3-235B-A22B; the VL's text_config gives its longer context.
        var vl = Catalog.Resolve("Qwen/Qwen3-VL-235B-A22B-Instruct");
        var text = Catalog.Resolve("Qwen/Qwen3-235B-A22B");
        Assert.Equal(text with { Id = vl.Id, Architecture = vl.Architecture, MaxContextLength = 262144 }, vl);
    }

    [Fact]
    public void Dense_layers_between_moe_layers_are_refused_not_read_as_moe()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "config.json");
        File.WriteAllText(path, """{"architectures": ["Qwen3MoeForCausalLM"], "num_hidden_layers": 4, "hidden_size": 1024, "num_attention_heads": 8, "vocab_size": 1000, "num_experts": 8, "num_experts_per_tok": 2, "moe_intermediate_size": 256, "mlp_only_layers": [0, 2]}""");
        var e = Assert.Throws<UnsupportedException>(() => HfConfigParser.ParseFile(path));
        Assert.Contains("mlp_only_layers", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nvidia/DeepSeek-R1-FP4", "deepseek-ai/DeepSeek-R1", "gemm nvfp4, moe nvfp4, kv fp8")]
    [InlineData("deepseek-ai/DeepSeek-R1-0528-v2", "deepseek-ai/DeepSeek-R1", "gemm fp8_block, moe fp8_block, kv bf16")]
    [InlineData("RedHatAI/Llama-3.1-8B-Instruct-FP8-dynamic", "meta-llama/Llama-3.1-8B", "gemm fp8, moe fp8, kv bf16")]
    [InlineData("Qwen/Qwen3-235B-A22B-Instruct-2507", "Qwen/Qwen3-235B-A22B", "gemm bf16, moe bf16, kv bf16")]
    [InlineData("Qwen/Qwen3-235B-A22B-Thinking-2507-FP8", "Qwen/Qwen3-235B-A22B", "gemm fp8, moe fp8, kv bf16")]
    [InlineData("acme/gpt-oss-120b-MXFP4", "openai/gpt-oss-120b", "gemm bf16, moe mxfp4, kv bf16")]
    [InlineData("RedHatAI/Meta-Llama-3.1-70B-Instruct-FP8", "meta-llama/Llama-3.1-70B", "gemm fp8, moe fp8, kv bf16")]
    [InlineData("mistralai/Mixtral-8x7B-Instruct-v0.1", "mistralai/Mixtral-8x7B-v0.1", "gemm bf16, moe bf16, kv bf16")]
    [InlineData("deepseek-ai/DeepSeek-V3.2-Exp", "deepseek-ai/DeepSeek-V3.2", "gemm fp8_block, moe fp8_block, kv bf16")]
    [InlineData("Qwen/Qwen3-32B-AWQ", "Qwen/Qwen3-32B", "gemm int4_wo, moe int4_wo, kv bf16")]
    [InlineData("Qwen/Qwen3-8B-GPTQ-Int8", "Qwen/Qwen3-8B", "gemm int8_wo, moe int8_wo, kv bf16")]
    [InlineData("deepseek-ai/DeepSeek-V3.2-Speciale", "deepseek-ai/DeepSeek-V3.2", "gemm fp8_block, moe fp8_block, kv bf16")]
    [InlineData("nvidia/Llama-3_3-Nemotron-Super-49B-v1_5", "nvidia/Llama-3_3-Nemotron-Super-49B-v1", "gemm bf16, moe bf16, kv bf16")]
    public void A_release_of_a_bundled_model_reads_as_its_shape_in_the_format_its_name_gives(string name, string shapeOf, string quant)
    {
        // Oracle: the release names' conventions (a vendor's quantised or re-dated weights keep the base's config.json shape).
        Assert.True(Catalog.TryResolveRelease(name, out var spec, out string? of));
        Assert.Equal(shapeOf, of);
        Assert.Equal(Catalog.Resolve(shapeOf) with { Id = name, DefaultQuant = spec.DefaultQuant }, spec);
        Assert.Equal(quant, spec.DefaultQuant.ToString());
    }

    [Theory]
    [InlineData("Qwen/Qwen3-Coder-30B-A3B-Instruct")] // another model whose name starts like a bundled one
    [InlineData("deepseek-ai/DeepSeek-V2")] // the V names the model: another generation, not a revision of DeepSeek-V3
    [InlineData("XiaomiMiMo/MiMo-V3-Flash")]
    [InlineData("deepseek-ai/DeepSeek-R1-Distill-Llama-8B")]
    [InlineData("meta-llama/Llama-3.1-13B-Instruct")]
    public void A_name_that_only_looks_like_a_bundled_one_is_not_a_release_of_it(string name)
    {
        Assert.False(Catalog.TryResolveRelease(name, out _, out _));
    }

    [Fact]
    public void Bundled_models_that_read_as_one_release_share_one_shape()
    {
        // Release resolution picks any of the bundled models whose names differ only in release tags: they must agree.
        var clashes = Catalog.Models.GroupBy(m => ModelCatalog.ReleaseCore(m.Id).Core, StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Select(Shape).Distinct().Count() > 1)
            .Select(g => string.Join(", ", g.Select(m => $"{m.Id} ({m})")))
            .ToList();
        Assert.Empty(clashes);

        // What prices a model; an MLA model's head_dim is not read (GLM-5.1's releases state 64 and 96 for it), a
        // multimodal wrapper names another architecture for the same network, and a release may leave its MTP module out.
        static ModelSpec Shape(ModelSpec m) => m with
        {
            Id = string.Empty,
            Architecture = string.Empty,
            DefaultQuant = QuantConfig.Bf16,
            MaxContextLength = 0,
            MtpLayers = 0,
            HeadDim = m.Family == ArchitectureFamily.MlaMoe && !m.HasCompressedAttention ? 0 : m.HeadDim,
        };
    }

    [Fact]
    public void An_unknown_release_name_points_at_the_bundled_model_it_is_a_release_of()
    {
        var e = Assert.Throws<AicSimException>(() => Catalog.Resolve("nvidia/Llama-3.1-70B-Instruct-FP4"));
        Assert.Contains("release of meta-llama/Llama-3.1-70B: give --model meta-llama/Llama-3.1-70B", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"attention": {"n_heads_in_group": 8}, "ffn": {"ffn_mult": 1.0, "replace_with_linear": true}}""", "replace their ffn with a linear layer")]
    [InlineData("""{"attention": {"n_heads_in_group": 4}, "ffn": {"ffn_mult": 1.0}}""", "different group sizes (4, 8)")]
    [InlineData("""{"attention": {"n_heads_in_group": 8, "window_length": 4096}, "ffn": {"ffn_mult": 1.0}}""", "within a window")]
    [InlineData("""{"attention": {"n_heads_in_group": 8}, "ffn": {"no_op": false}}""", "needs a positive ffn_mult")]
    public void A_decilm_layer_AicSim_cannot_price_is_refused_by_name(string odd, string expected)
    {
        // Two layers: an ordinary one (8 heads a KV head, FFN 1.0× hidden) and the odd one.
        string path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "config.json");
        File.WriteAllText(path, $$$"""{"architectures": ["DeciLMForCausalLM"], "num_hidden_layers": 2, "hidden_size": 4096, "num_attention_heads": 32, "vocab_size": 1000, "block_configs": [{"attention": {"n_heads_in_group": 8}, "ffn": {"ffn_mult": 1.0}}, {{{odd}}}]}""");
        var e = Assert.ThrowsAny<AicSimException>(() => HfConfigParser.ParseFile(path, "my/nas"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Windowed_layers_with_query_heads_of_their_own_are_refused_by_name()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "config.json");
        File.WriteAllText(path, """{"architectures": ["MiMoV2FlashForCausalLM"], "num_hidden_layers": 2, "hidden_size": 4096, "num_attention_heads": 64, "vocab_size": 1000, "hybrid_layer_pattern": [0, 1], "sliding_window": 128, "swa_num_attention_heads": 32}""");
        var e = Assert.Throws<UnsupportedException>(() => HfConfigParser.ParseFile(path, "my/swa"));
        Assert.Contains("32 query heads against 64", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"hidden_size_per_layer_input\": 256", "per-layer input embeddings")]
    [InlineData("\"num_kv_shared_layers\": 20", "KV shared across layers")]
    [InlineData("\"use_double_wide_mlp\": true", "double-wide MLPs")]
    public void Gemma_4_options_AicSim_does_not_price_are_refused_by_name(string option, string expected)
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "config.json");
        File.WriteAllText(path, "{\"architectures\": [\"Gemma4ForConditionalGeneration\"], \"text_config\": {\"num_hidden_layers\": 2, \"hidden_size\": 1536, \"num_attention_heads\": 8, \"vocab_size\": 1000, " + option + "}}");
        var e = Assert.Throws<UnsupportedException>(() => HfConfigParser.ParseFile(path, "my/gemma"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_known_but_unsupported_id_says_why()
    {
        // The bundled list is empty today: a catalog folder of its own holds one entry.
        string dir = Directory.CreateTempSubdirectory().FullName;
        File.WriteAllText(Path.Combine(dir, "_unsupported.yaml"), """
            unsupported:
              - id: acme/Future-Net
                architecture: FutureNetForCausalLM
                reason: attention over a future AicSim does not model
            """);
        var e = Assert.Throws<UnsupportedException>(() => ModelCatalog.Load(dir).Resolve("acme/Future-Net"));
        Assert.Contains("FutureNetForCausalLM (attention over a future AicSim does not model)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_model_gets_a_did_you_mean()
    {
        var e = Assert.Throws<AicSimException>(() => Catalog.Resolve("Qwen/Qwen3-33B"));
        Assert.Contains("Did you mean", e.Message, StringComparison.Ordinal);
        Assert.Contains("Qwen/Qwen3-32B", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_folder_with_config_json_is_read()
    {
        string dir = Directory.CreateTempSubdirectory().FullName;
        File.Copy(SharedData.HfConfig("Qwen--Qwen3-8B"), Path.Combine(dir, "config.json"));
        var m = Catalog.Resolve(dir);
        Assert.Equal(36, m.NumLayers);
        Assert.Equal(ArchitectureFamily.DenseGqa, m.Family);
    }

    [Fact]
    public void Every_supported_architecture_in_the_reference_configs_parses()
    {
        int parsed = 0;
        foreach (var file in Directory.EnumerateFiles(SharedData.Path("hf-configs"), "*_config.json").Where(f => !f.EndsWith("_hf_quant_config.json", StringComparison.Ordinal)))
        {
            try
            {
                var m = HfConfigParser.ParseFile(file);
                Assert.True(m.NumLayers > 0 && m.HiddenSize > 0, file);
                parsed++;
            }
            catch (UnsupportedException)
            {
                // Other architectures are refused by name, which the test above checks.
            }
        }

        Assert.True(parsed >= 30, $"only {parsed} configs parsed");
    }
}
