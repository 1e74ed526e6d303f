namespace Jockey.AppHost.Hosting;

/// <summary>A .NET project of this repository, started from its built output (never rebuilt per start).</summary>
public sealed class ProjectResource(string name, string projectPath) : Resource(name), IResourceWithServiceDiscovery
{
    public override string Kind => "Project";

    /// <summary>Full path of the .csproj.</summary>
    public string ProjectPath { get; } = projectPath;

    public string ProjectDirectory => Path.GetDirectoryName(ProjectPath)!;

    public Uri GetPublicUrl() => Endpoint!.Url;

    internal string OutputAssembly(HostPaths paths) =>
        Path.Combine(ProjectDirectory, paths.OutputTail, Path.GetFileNameWithoutExtension(ProjectPath) + ".dll");

    internal override string? FindMissingPrerequisite(HostPaths paths) =>
        File.Exists(OutputAssembly(paths))
            ? null
            : $"{Path.GetFileName(ProjectPath)} is not built ({OutputAssembly(paths)} is missing): run ./scripts/dev.sh, which builds it";

    internal override ProcessSpec CreateProcess(InstanceContext context)
    {
        var env = new Dictionary<string, string>(context.Environment)
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{context.Port}",
            // One line per log entry keeps the prefixed console and the dashboard's log tail readable.
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
        };
        // The project directory is the content root, as with `dotnet run` and Aspire.
        return new ProcessSpec("dotnet", [OutputAssembly(context.Paths)], ProjectDirectory, env);
    }
}

public static class ProjectBuilderExtensions
{
    /// <summary>Adds a project by its path relative to the AppHost project folder, as Aspire's AddProject(name, path).</summary>
    public static IResourceBuilder<ProjectResource> AddProject(this DistributedApplicationBuilder builder, string name, string projectPath)
    {
        var fullPath = Path.GetFullPath(Path.Combine(builder.Paths.AppHostDirectory, projectPath));
        return builder.AddResource(new ProjectResource(name, fullPath));
    }
}
