namespace Jockey.Tests.Deployment;

public sealed class AzureYamlTests
{
    private readonly AzureYaml _azureYaml = AzureYaml.Load();

    [Fact]
    public void Azure_yaml_deploys_the_api_the_local_agent_and_the_web_app_as_container_apps()
    {
        Assert.Equal(["apiservice", "jockey", "web"], _azureYaml.Services.Keys.Order());
        Assert.All(_azureYaml.Services.Values, service => Assert.Equal("containerapp", service.Host));
        Assert.Equal("dotnet", _azureYaml.Services["apiservice"].Language);
        Assert.Equal("dotnet", _azureYaml.Services["jockey"].Language);
        Assert.Equal("js", _azureYaml.Services["web"].Language);
    }

    [Fact]
    public void Every_service_project_exists_with_the_language_azure_yaml_claims()
    {
        foreach (var (name, service) in _azureYaml.Services)
        {
            Assert.True(Directory.Exists(service.ProjectDirectory), $"service {name}: project folder {service.Project} does not exist");
            var marker = service.Language switch
            {
                "dotnet" => Path.Combine(service.ProjectDirectory, $"{Path.GetFileName(service.ProjectDirectory)}.csproj"),
                "js" => Path.Combine(service.ProjectDirectory, "package.json"),
                var other => throw new Xunit.Sdk.XunitException($"service {name}: language {other} is not one Jockey uses"),
            };
            Assert.True(File.Exists(marker), $"service {name}: {service.Language} project without {Path.GetFileName(marker)} in {service.Project}");
        }
    }

    [Fact]
    public void Every_container_build_file_named_in_azure_yaml_exists_and_builds_remotely()
    {
        foreach (var (name, service) in _azureYaml.Services.Where(entry => entry.Value.Docker is not null))
        {
            var docker = service.Docker!;
            var dockerfile = Path.GetFullPath(Path.Combine(service.ProjectDirectory, docker.Path));
            Assert.True(File.Exists(dockerfile), $"service {name}: Dockerfile {docker.Path} (relative to {service.Project}) does not exist");
            // Without a local Docker daemon azd can only build in the registry.
            Assert.True(docker.RemoteBuild, $"service {name}: set docker.remoteBuild: true");
        }
    }

    [Fact]
    public void Dotnet_dockerfiles_copy_the_project_and_every_project_it_references_and_start_its_assembly()
    {
        foreach (var (name, service) in _azureYaml.Services.Where(entry => entry.Value is { Language: "dotnet", Docker: not null }))
        {
            var dockerfile = File.ReadAllLines(Path.GetFullPath(Path.Combine(service.ProjectDirectory, service.Docker!.Path)));
            var context = Path.GetFullPath(Path.Combine(service.ProjectDirectory, service.Docker.Context ?? "."));
            var copied = dockerfile.Where(line => line.StartsWith("COPY ") && !line.Contains("--from="))
                .SelectMany(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1])
                .Select(source => Path.GetFullPath(Path.Combine(context, source)).TrimEnd('/'))
                .ToList();

            Assert.All(copied, source => Assert.True(Path.Exists(source),
                $"service {name}: the Dockerfile copies {Path.GetRelativePath(context, source)}, which is not in the build context"));
            foreach (var project in ProjectClosure(Path.Combine(service.ProjectDirectory, $"{Path.GetFileName(service.ProjectDirectory)}.csproj")))
            {
                var folder = Path.GetDirectoryName(project)!;
                Assert.True(copied.Contains(folder),
                    $"service {name}: the Dockerfile does not copy {Path.GetRelativePath(context, folder)}/, which the build needs");
            }
            var assembly = $"{Path.GetFileName(service.ProjectDirectory)}.dll";
            Assert.Contains(dockerfile, line => line.StartsWith("ENTRYPOINT") && line.Contains($"\"{assembly}\""));
        }
    }

    /// <summary>A project and every project it references, directly or not.</summary>
    private static HashSet<string> ProjectClosure(string project)
    {
        var found = new HashSet<string>();
        var pending = new Stack<string>([Path.GetFullPath(project)]);
        while (pending.TryPop(out var current))
        {
            if (!found.Add(current))
            {
                continue;
            }
            var references = System.Xml.Linq.XDocument.Load(current).Descendants("ProjectReference")
                .Select(reference => (string?)reference.Attribute("Include"))
                .OfType<string>();
            foreach (var reference in references)
            {
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(current)!, reference.Replace('\\', '/'))));
            }
        }
        return found;
    }

    [Fact]
    public void Infra_section_points_at_the_bicep_entry_point()
    {
        Assert.Equal("bicep", _azureYaml.Infra.Provider);
        Assert.True(File.Exists(Repository.PathOf(_azureYaml.Infra.Path, $"{_azureYaml.Infra.Module}.bicep")));
        Assert.True(File.Exists(Repository.PathOf(_azureYaml.Infra.Path, $"{_azureYaml.Infra.Module}.parameters.json")));
    }
}
