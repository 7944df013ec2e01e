using System.Text.Json.Nodes;
using AicSim.Core.Errors;
using AicSim.Data.Dynamo;
using AicSim.Data.Models;
using AicSim.Data.Profiles;
using AicSim.Data.Systems;
using AicSim.Tests;

namespace AicSim.Data.Tests;

public sealed class DgdrReaderTests
{
    private static readonly Lazy<CrdValidator> Schema = new(() => CrdValidator.Load(SharedData.Path("dynamo", "main-4e6493a", "crds", "nvidia.com_dynamographdeploymentrequests.yaml")));

    private static string Sample(string name) => SharedData.Path("dynamo", "main-4e6493a", "dgdr-samples", name);

    private static JsonObject Doc(string yaml) => YamlNodes.ParseObject(yaml, "test.yaml");

    private const string Minimal = """
        apiVersion: nvidia.com/v1alpha1
        kind: DynamoGraphDeploymentRequest
        metadata:
          name: sla-test
          namespace: team
        spec:
          model: Qwen/Qwen3-32B
          backend: vllm
          useMocker: true
          profilingConfig:
            profilerImage: img
            config:
              sla: {isl: 2000, osl: 200, ttft: 300, itl: 25}
              hardware: {maxNumGpusPerEngine: 4}
              planner: {planner_adjustment_interval: 60, metricPullingPrometheusEndpoint: "http://prom:9090"}
          deploymentOverrides:
            workersImage: workers:1
        """;

    [Theory]
    [InlineData("profile_sla_aic_dgdr.yaml", "Qwen/Qwen3-32B", "trtllm")]
    [InlineData("profile_sla_dgdr.yaml", "Qwen/Qwen3-0.6B", "vllm")]
    [InlineData("profile_sla_moe_dgdr.yaml", "deepseek-ai/DeepSeek-R1", "sglang")]
    public void The_guides_samples_read_and_pass_the_crd_schema(string file, string model, string backend)
    {
        var dgdr = DgdrReader.Read(Sample(file), Schema.Value);
        Assert.Equal(model, dgdr.Options.Model);
        Assert.Equal(backend, dgdr.Options.Backend);
        Assert.Equal(3000, dgdr.Options.Isl);
        Assert.Equal(150, dgdr.Options.Osl);
        Assert.True(dgdr.AutoApply);
        Assert.NotNull(dgdr.WorkersImage);
    }

    [Fact]
    public void The_aic_sample_reads_its_snake_case_sweep()
    {
        var dgdr = DgdrReader.Read(Sample("profile_sla_aic_dgdr.yaml"));
        Assert.Equal("h200_sxm", dgdr.Options.System);
        Assert.Equal(500, dgdr.Options.Ttft);
        Assert.Equal(true, dgdr.Options.UseAiConfigurator);
        Assert.Equal("0.20.0", dgdr.Options.AicBackendVersion);
    }

    [Fact]
    public void Online_and_config_map_samples_warn_what_runs_offline()
    {
        var moe = DgdrReader.Read(Sample("profile_sla_moe_dgdr.yaml"));
        Assert.Contains(moe.Warnings, w => w.Contains("online path is not built", StringComparison.Ordinal));
        Assert.Contains(moe.Warnings, w => w.Contains("deepseek-r1-config/tep16p-dep16d-disagg.yaml", StringComparison.Ordinal));
    }

    [Fact]
    public void Camel_case_config_planner_pass_through_and_overrides_are_read()
    {
        var dgdr = DgdrReader.Parse(Doc(Minimal), "test.yaml", Schema.Value);
        Assert.Equal(4, dgdr.Options.MaxGpus);
        Assert.True(dgdr.UseMocker);
        Assert.Equal("workers:1", dgdr.WorkersImage);
        Assert.Equal("team", dgdr.Namespace);
        Assert.Equal([("adjustment-interval", "60"), ("metric-pulling-prometheus-endpoint", "http://prom:9090")], dgdr.Options.PlannerArgs);
    }

    [Fact]
    public void A_missing_model_and_an_unknown_backend_are_both_named()
    {
        var doc = Doc(Minimal);
        doc["spec"]!.AsObject().Remove("model");
        doc["spec"]!["backend"] = "tensorrt";
        var e = Assert.Throws<AicSimException>(() => DgdrReader.Parse(doc, "test.yaml"));
        Assert.Contains(e.Problems, p => p.Contains("spec.model is required", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("spec.backend 'tensorrt'", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_model_in_a_dgdr_is_named_by_its_field()
    {
        var doc = Doc(Minimal);
        doc["spec"]!["model"] = "Qwen/Qwen3-33B";
        var options = DgdrReader.Parse(doc, "test.yaml").Options;
        var e = Assert.Throws<AicSimException>(() => new ProfileJob(ModelCatalog.Load(), SystemCatalog.Load()).Resolve(ProfileJob.Defaults.Merge(options)));
        Assert.Contains(e.Problems, p => p.StartsWith("test.yaml: spec.model: unknown model 'Qwen/Qwen3-33B'", StringComparison.Ordinal));
    }

    [Fact]
    public void The_crd_schema_catches_a_wrong_type()
    {
        var doc = Doc(Minimal);
        doc["spec"]!["useMocker"] = "yes";
        var e = Assert.Throws<AicSimException>(() => DgdrReader.Parse(doc, "test.yaml", Schema.Value));
        Assert.Contains(e.Problems, p => p.Contains("/spec/useMocker", StringComparison.Ordinal) && p.Contains("CRD schema", StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_config_keys_are_named_with_a_suggestion()
    {
        var doc = Doc(Minimal.Replace("itl: 25", "itll: 25", StringComparison.Ordinal));
        var e = Assert.Throws<AicSimException>(() => DgdrReader.Parse(doc, "test.yaml"));
        Assert.Contains(e.Problems, p => p.Contains("sla.itll: unknown key", StringComparison.Ordinal) && p.Contains("'itl'", StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_spec_fields_are_named()
    {
        var doc = Doc(Minimal);
        doc["spec"]!["autoapply"] = true;
        var e = Assert.Throws<AicSimException>(() => DgdrReader.Parse(doc, "test.yaml"));
        Assert.Contains(e.Problems, p => p.Contains("spec.autoapply: unknown field", StringComparison.Ordinal) && p.Contains("'autoApply'", StringComparison.Ordinal));
    }

    [Fact]
    public void Operator_owned_config_fields_that_disagree_are_errors()
    {
        var doc = Doc(Minimal);
        doc["spec"]!["profilingConfig"]!["config"]!["deployment"] = new JsonObject { ["model"] = "meta-llama/Llama-3.1-8B" };
        doc["spec"]!["profilingConfig"]!["config"]!["engine"] = new JsonObject { ["backend"] = "sglang" };
        var e = Assert.Throws<AicSimException>(() => DgdrReader.Parse(doc, "test.yaml"));
        Assert.Contains(e.Problems, p => p.Contains("deployment.model", StringComparison.Ordinal) && p.Contains("spec.model", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("engine.backend", StringComparison.Ordinal));
    }

    [Fact]
    public void A_dgdr_past_pending_is_immutable()
    {
        var doc = Doc(Minimal);
        doc["status"] = new JsonObject { ["state"] = "Ready" };
        var e = Assert.Throws<AicSimException>(() => DgdrReader.Parse(doc, "test.yaml"));
        Assert.Contains("immutable", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Profile_config_files_take_snake_or_camel_case_alike()
    {
        var snake = ProfileConfigReader.ReadJson("""{"sla": {"isl": 100, "osl": 10, "ttft": 50, "itl": 5}, "sweep": {"prefill_interpolation_granularity": 8}}""", "a.json");
        var camel = ProfileConfigReader.ReadJson("""{"sla": {"isl": 100, "osl": 10, "ttft": 50, "itl": 5}, "sweep": {"prefillInterpolationGranularity": 8}}""", "b.json");
        // PlannerArgs is a list (reference equality); compare the records without it.
        Assert.Equal(snake with { PlannerArgs = [] }, camel with { PlannerArgs = [] });
        Assert.Equal(8, camel.PrefillGranularity);
    }

    [Fact]
    public void An_unknown_system_model_or_backend_from_a_file_is_named_by_its_field_and_a_flag_by_itself()
    {
        var job = new ProfileJob(ModelCatalog.Load(), SystemCatalog.Load());
        var file = ProfileConfigReader.ReadJson("""{"hardware": {"gpuType": "h900_sxm"}, "engine": {"backend": "vlm"}, "sweep": {"aicHfId": "Qwen/Qwen3-33B"}}""", "c.json");
        var e = Assert.Throws<AicSimException>(() => job.Resolve(ProfileJob.Defaults.Merge(file)));
        Assert.Contains(e.Problems, p => p.StartsWith("c.json: hardware.gpuType: unknown system 'h900_sxm'", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("c.json: engine.backend: unknown backend 'vlm'", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("c.json: sweep.aicHfId: unknown model 'Qwen/Qwen3-33B'", StringComparison.Ordinal));

        // A flag given over the file wins, and an error about its value names the flag.
        var flags = new ProfileOptions { System = "h800_sxm" };
        e = Assert.Throws<AicSimException>(() => job.Resolve(ProfileJob.Defaults.Merge(file).Merge(flags)));
        Assert.Contains(e.Problems, p => p.StartsWith("--system: unknown system 'h800_sxm'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_wrongly_typed_config_value_names_its_key()
    {
        var e = Assert.Throws<AicSimException>(() => ProfileConfigReader.ReadJson("""{"sla": {"isl": "lots"}}""", "c.json"));
        Assert.Contains("sla.isl", e.Message, StringComparison.Ordinal);
        Assert.Contains("not a whole number", e.Message, StringComparison.Ordinal);
    }
}
