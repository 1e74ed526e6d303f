using Jockey.AppHost.Testing;
using Microsoft.Extensions.Configuration;

namespace Jockey.AppHost.Hosting;

/// <summary>Collects the app model, as Aspire's IDistributedApplicationBuilder does.</summary>
public sealed class DistributedApplicationBuilder
{
    private readonly List<Resource> _resources = [];

    internal DistributedApplicationBuilder(string[] args, TestingSession? testing)
    {
        Testing = testing;
        Configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .AddInMemoryCollection(testing?.Options.Configuration ?? [])
            .Build();
        Paths = HostPaths.Discover(testing?.Options.DataDirectory ?? Configuration["AppHost:DataDirectory"]);
    }

    public IConfiguration Configuration { get; }

    public HostPaths Paths { get; }

    /// <summary>Set when a test builds the app: free ports, no dashboard unless asked for, nothing persisted.</summary>
    internal TestingSession? Testing { get; }

    public bool IsTesting => Testing is not null;

    public IReadOnlyList<Resource> Resources => _resources;

    public IResourceBuilder<T> AddResource<T>(T resource) where T : Resource
    {
        if (_resources.Any(r => r.Name.Equals(resource.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"A resource named '{resource.Name}' already exists.");
        }
        _resources.Add(resource);
        return new ResourceBuilder<T>(resource, this);
    }

    public DistributedApplication Build()
    {
        var app = new DistributedApplication(this);
        Testing?.Capture(app);
        return app;
    }
}

public interface IResourceBuilder<out T> where T : IResource
{
    T Resource { get; }

    DistributedApplicationBuilder ApplicationBuilder { get; }
}

internal sealed record ResourceBuilder<T>(T Resource, DistributedApplicationBuilder ApplicationBuilder) : IResourceBuilder<T>
    where T : Resource;
