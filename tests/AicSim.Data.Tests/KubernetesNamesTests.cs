using AicSim.Data.Dynamo;

namespace AicSim.Data.Tests;

/// <summary>Oracle: Kubernetes' RFC 1123 rules (k8s.io/apimachinery validation: IsDNS1123Label, IsDNS1123Subdomain).</summary>
public sealed class KubernetesNamesTests
{
    [Theory]
    [InlineData("default", true)]
    [InlineData("team-a-2", true)]
    [InlineData("Team-A", false)]
    [InlineData("-team", false)]
    [InlineData("team-", false)]
    [InlineData("team.a", false)]
    [InlineData("", false)]
    public void A_namespace_is_an_rfc1123_label(string name, bool valid) => Assert.Equal(valid, KubernetesNames.IsLabel(name));

    [Fact]
    public void A_label_has_at_most_63_characters()
    {
        Assert.True(KubernetesNames.IsLabel(new string('a', 63)));
        Assert.False(KubernetesNames.IsLabel(new string('a', 64)));
    }

    [Theory]
    [InlineData("qwen3-32b-disagg", true)]
    [InlineData("qwen3.32b", true)]
    [InlineData("qwen3..32b", false)]
    [InlineData("Qwen3-32B", false)]
    public void An_object_name_is_an_rfc1123_subdomain(string name, bool valid) => Assert.Equal(valid, KubernetesNames.IsSubdomain(name));
}
