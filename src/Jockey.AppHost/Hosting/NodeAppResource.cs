namespace Jockey.AppHost.Hosting;

/// <summary>A Node app run with <c>npm run {script}</c>, told its port through <c>PORT</c> (Aspire's AddViteApp).</summary>
public sealed class NodeAppResource(string name, string workingDirectory, string script) : Resource(name), IResourceWithServiceDiscovery
{
    public override string Kind => "Node app";

    public string WorkingDirectory { get; } = workingDirectory;

    public string Script { get; } = script;

    public Uri GetPublicUrl() => Endpoint!.Url;

    internal override string? FindMissingPrerequisite(HostPaths paths)
    {
        if (Executables.Find("npm") is null)
        {
            return "npm not found: install Node.js 20.19 or newer, then run ./scripts/dev.sh";
        }
        return Directory.Exists(Path.Combine(WorkingDirectory, "node_modules"))
            ? null
            : $"{Path.GetFileName(WorkingDirectory)}/node_modules is missing: run ./scripts/dev.sh, which runs npm ci";
    }

    internal override ProcessSpec CreateProcess(InstanceContext context)
    {
        var env = new Dictionary<string, string>(context.Environment)
        {
            ["NODE_ENV"] = "development",
            ["BROWSER"] = "none",
        };
        return new ProcessSpec("npm", ["run", Script, "--silent"], WorkingDirectory, env);
    }
}

public static class JavaScriptBuilderExtensions
{
    public static IResourceBuilder<NodeAppResource> AddViteApp(this DistributedApplicationBuilder builder, string name, string appDirectory, string script = "dev")
    {
        var fullPath = Path.GetFullPath(Path.Combine(builder.Paths.AppHostDirectory, appDirectory));
        var app = builder.AddResource(new NodeAppResource(name, fullPath, script));
        app.Resource.Endpoint = new EndpointSpec("http", null, "PORT");
        app.Resource.HealthProbe = new HttpHealthProbe("/");
        return app;
    }
}
