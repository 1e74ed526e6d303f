using Jockey.AppHost.Hosting;
using Jockey.AppHost.Orchestration;

namespace Jockey.AppHost.Testing;

/// <summary>A started app under test: endpoints, HttpClients, connection strings, resource state, and crash simulation.</summary>
public sealed class TestingApp(DistributedApplication app, DirectoryInfo scratch) : IAsyncDisposable
{
    public DistributedApplication Application { get; } = app;

    /// <summary>Waits until every replica of the resource is running and healthy; fails fast, with its log, if it cannot be.</summary>
    public async Task WaitForResourceHealthyAsync(string name, CancellationToken cancellationToken = default)
    {
        try
        {
            await Application.WaitForResourceHealthyAsync(name, cancellationToken);
        }
        catch (Exception ex) when (ex is ResourceFailedException or OperationCanceledException)
        {
            throw new InvalidOperationException(
                $"'{name}' did not become healthy: {Application.DescribeResource(name)}{Environment.NewLine}{LogTail(name)}", ex);
        }
    }

    /// <summary>The endpoint callers use (the proxy when replicated), or one replica's own endpoint.</summary>
    public Uri GetEndpoint(string name, int? replica = null)
    {
        var resource = Application.GetResourceModel(name);
        if (resource is ExternalServiceResource external)
        {
            return external.Url;
        }
        var endpoint = resource.ProcessOwner.Endpoint ?? throw new InvalidOperationException($"'{name}' has no endpoint.");
        return replica is { } index
            ? new Uri($"{endpoint.Scheme}://127.0.0.1:{endpoint.TargetPorts[index]}")
            : endpoint.Url;
    }

    /// <summary>The dashboard, when the test asked for it (<see cref="TestingOptions.WithDashboard"/>).</summary>
    public Uri DashboardUrl => Application.DashboardPort is { } port
        ? new Uri($"http://127.0.0.1:{port}")
        : throw new InvalidOperationException("Start the app with o.WithDashboard = true to get a dashboard.");

    public HttpClient CreateHttpClient(string name, int? replica = null) =>
        new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
        {
            BaseAddress = GetEndpoint(name, replica),
            Timeout = TimeSpan.FromSeconds(100),
        };

    public Task<string> GetConnectionStringAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(Application.GetResourceModel(name) is IResourceWithConnectionString resource
            ? resource.GetConnectionString()
            : throw new InvalidOperationException($"'{name}' has no connection string."));

    public ResourceSnapshot GetResource(string name, int replica = 0) =>
        Application.GetSnapshots().FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && s.Replica == replica)
        ?? throw new ArgumentException($"No replica {replica} of '{name}'.", nameof(name));

    /// <summary>Kills a replica's process tree at once, as a crash would; the AppHost restarts it with backoff.</summary>
    public Task KillAsync(string name, int replica = 0)
    {
        Application.Instances.First(i => i.Resource.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && i.Replica == replica).Kill();
        return Task.CompletedTask;
    }

    /// <summary>The last lines a resource printed, for assertion messages.</summary>
    public string LogTail(string name, int lines = 40) =>
        string.Join(Environment.NewLine, Application.Instances
            .Where(i => i.Resource.Name.Equals(name, StringComparison.OrdinalIgnoreCase) || i.Resource == Application.GetResourceModel(name).ProcessOwner)
            .SelectMany(i => i.Logs.Snapshot().TakeLast(lines))
            .Select(l => $"  {l.Instance} | {l.Text}"));

    public async ValueTask DisposeAsync()
    {
        await Application.DisposeAsync();
        try
        {
            scratch.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A process that ignored SIGTERM and SIGKILL is gone by now; a leftover temp folder is harmless.
        }
    }
}
