using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Jockey.Tests.Deployment;

/// <summary>The parts of azd's azure.yaml the tests read.</summary>
internal sealed class AzureYaml
{
    public string Name { get; set; } = "";
    public InfraSection Infra { get; set; } = new();
    public Dictionary<string, ServiceSection> Services { get; set; } = [];

    public static AzureYaml Load() => new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .IgnoreUnmatchedProperties()
        .Build()
        .Deserialize<AzureYaml>(File.ReadAllText(Repository.PathOf("azure.yaml")));

    internal sealed class InfraSection
    {
        public string Provider { get; set; } = "bicep";
        public string Path { get; set; } = "infra";
        public string Module { get; set; } = "main";
    }

    internal sealed class ServiceSection
    {
        public string Project { get; set; } = "";
        public string Language { get; set; } = "";
        public string Host { get; set; } = "";
        public DockerSection? Docker { get; set; }

        public string ProjectDirectory => Path.GetFullPath(Repository.PathOf(Project));
    }

    internal sealed class DockerSection
    {
        public string Path { get; set; } = "./Dockerfile";
        public string? Context { get; set; }
        public bool RemoteBuild { get; set; }
    }
}
