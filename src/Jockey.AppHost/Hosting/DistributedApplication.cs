using System.Runtime.InteropServices;
using Jockey.AppHost.Dashboard;
using Jockey.AppHost.Orchestration;
using Jockey.AppHost.Proxy;
using Jockey.AppHost.Testing;

namespace Jockey.AppHost.Hosting;

/// <summary>
/// The running app model: allocates ports, starts resources in dependency order, proxies replicated endpoints,
/// serves the dashboard, and stops everything in reverse order. Plays the part of Aspire's DCP.
/// </summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    private readonly List<ResourceInstance> _instances = [];
    private readonly List<ReplicaProxy> _proxies = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _running = [];
    private DashboardServer? _dashboard;
    private int _stopped;

    internal DistributedApplication(DistributedApplicationBuilder builder)
    {
        Resources = builder.Resources;
        Paths = builder.Paths;
        Testing = builder.Testing;
        Settings = Testing?.Options.Settings ?? OrchestratorSettings.From(builder.Configuration);
        Console = new ConsoleLog(enabled: Testing?.Options.WriteLogsToConsole ?? true);
        DashboardPort = Testing is null ? builder.Configuration.GetValue("Ports:dashboard", 18888)
            : Testing.Options.WithDashboard ? PortAllocator.GetFreePort()
            : null;
        AllocatePorts(builder);
    }

    public static DistributedApplicationBuilder CreateBuilder(string[] args) => new(args, TestingSession.Current);

    public IReadOnlyList<Resource> Resources { get; }

    public HostPaths Paths { get; }

    public int? DashboardPort { get; }

    internal TestingSession? Testing { get; }

    internal OrchestratorSettings Settings { get; }

    internal ConsoleLog Console { get; }

    internal ResourceNotifier Notifier { get; } = new();

    internal IReadOnlyList<ResourceInstance> Instances => _instances;

    public IReadOnlyList<ResourceSnapshot> GetSnapshots() => [.. Resources.SelectMany(SnapshotsOf)];

    public Resource GetResourceModel(string name) =>
        Resources.FirstOrDefault(r => r.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"There is no resource named '{name}'. Known: {string.Join(", ", Resources.Select(r => r.Name))}.", nameof(name));

    /// <summary>Starts every resource (or, under tests, the chosen ones and what they wait for) in the background.</summary>
    /// <exception cref="StartupProblemException">Something the app needs is missing or a port is taken.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var selected = SelectResources();
        StartupChecks.ThrowIfAnyProblem(Paths, selected, Testing is null ? StartupChecks.FixedPorts(selected, DashboardPort) : []);
        if (DashboardPort is { } dashboardPort)
        {
            _dashboard = await StartupChecks.BindAsync("dashboard", dashboardPort, () => DashboardServer.StartAsync(this, dashboardPort, cancellationToken));
            Console.Info($"Dashboard: http://127.0.0.1:{dashboardPort}");
        }
        foreach (var resource in selected.Where(r => r.Replicas > 1 && r.Endpoint is not null))
        {
            _proxies.Add(await StartupChecks.BindAsync(resource.Name, resource.Endpoint!.Port, () => ReplicaProxy.StartAsync(resource, cancellationToken)));
        }
        foreach (var instance in _instances.Where(i => selected.Contains(i.Resource)))
        {
            var environment = ResourceEnvironment.For(instance);
            _running.Add(Task.Run(() => instance.RunAsync(environment, _stopping.Token), CancellationToken.None));
        }
    }

    /// <summary>Runs until Ctrl-C or SIGTERM, then stops everything. What <c>dotnet run</c> of the AppHost does.</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        if (Testing is not null)
        {
            // Under the testing builder, Program.cs only describes the model; the test starts and stops it.
            return;
        }
        var shutdown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var registration = cancellationToken.Register(() => shutdown.TrySetResult());
        try
        {
            await StartAsync(cancellationToken);
            _ = AnnounceWhenHealthyAsync(_stopping.Token);
            await shutdown.Task;
        }
        catch (StartupProblemException ex)
        {
            // Nothing is wrong with the AppHost itself, so no stack trace: one line per problem, each naming its fix.
            foreach (var problem in ex.Problems)
            {
                Console.Info(problem, isError: true);
            }
            Environment.ExitCode = 1;
        }
        finally
        {
            await DisposeAsync();
        }

        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            shutdown.TrySetResult();
        }
    }

    public async Task WaitForResourceHealthyAsync(string name, CancellationToken cancellationToken = default)
    {
        var resource = GetResourceModel(name);
        while (true)
        {
            var next = Notifier.NextChange;
            var snapshots = SnapshotsOf(resource).ToList();
            if (snapshots.FirstOrDefault(s => s.HasFailed) is { } failed)
            {
                throw new ResourceFailedException(name, failed.Error ?? "failed to start");
            }
            if (snapshots.Count > 0 && snapshots.All(s => s.IsHealthy))
            {
                return;
            }
            await next.WaitAsync(cancellationToken);
        }
    }

    /// <summary>A one-line description of a resource's state, for error messages.</summary>
    internal string DescribeResource(string name) =>
        string.Join("; ", SnapshotsOf(GetResourceModel(name)).Select(s => $"{s.InstanceName} {s.State}/{s.Health}{(s.Error is null ? "" : $": {s.Error}")}"));

    /// <summary>Stops resources in reverse dependency order: the web app first, Redis and storage last.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }
        await _stopping.CancelAsync();
        // When a start-up check failed nothing was started, and there is nothing to announce.
        foreach (var layer in _running.Count == 0 ? [] : DependencyGraph.Layers(Resources).Reverse())
        {
            var instances = _instances.Where(i => layer.Contains(i.Resource)).ToList();
            if (instances.Count == 0)
            {
                continue; // external services only
            }
            // One line per layer, so the console shows the order: web, the API replicas, then what they waited for.
            Console.Info($"Stopping {string.Join(", ", instances.Select(i => i.InstanceName))}");
            await Task.WhenAll(instances.Select(i => i.StopAsync()));
        }
        await Task.WhenAll(_running);
        foreach (var proxy in _proxies)
        {
            await proxy.DisposeAsync();
        }
        if (_dashboard is not null)
        {
            await _dashboard.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
    }

    private IEnumerable<ResourceSnapshot> SnapshotsOf(Resource resource)
    {
        if (resource.ProcessOwner != resource)
        {
            // A child resource (blobs) is as healthy as the process that serves it.
            return SnapshotsOf(resource.ProcessOwner).Select(s => s with { Name = resource.Name, InstanceName = resource.Name, Kind = resource.Kind });
        }
        if (resource is ExternalServiceResource external)
        {
            return [new ResourceSnapshot(resource.Name, resource.Name, resource.Kind, 0, ResourceState.Running, HealthStatus.Healthy, null, [external.Url.ToString()], 0, null, null, LogInstance: null)];
        }
        return _instances.Where(i => i.Resource == resource).Select(i => i.Snapshot());
    }

    private void AllocatePorts(DistributedApplicationBuilder builder)
    {
        foreach (var resource in Resources)
        {
            if (resource.ProcessOwner != resource || resource is ExternalServiceResource)
            {
                continue;
            }
            if (resource.Endpoint is { } endpoint)
            {
                var configured = builder.Configuration.GetValue<int?>($"Ports:{resource.Name}");
                endpoint.Port = Testing is null ? configured ?? endpoint.RequestedPort ?? PortAllocator.GetFreePort() : PortAllocator.GetFreePort();
                endpoint.TargetPorts.Clear();
                for (var replica = 0; replica < resource.Replicas; replica++)
                {
                    endpoint.TargetPorts.Add(resource.Replicas == 1 ? endpoint.Port : PortAllocator.GetFreePort());
                }
            }
            for (var replica = 0; replica < resource.Replicas; replica++)
            {
                _instances.Add(new ResourceInstance(this, resource, replica, resource.Endpoint?.TargetPorts[replica] ?? 0));
            }
        }
    }

    /// <summary>Under tests, only the chosen resources and what they wait for; otherwise all of them.</summary>
    private HashSet<Resource> SelectResources() =>
        Testing?.Options.OnlyResources is { Count: > 0 } only
            ? DependencyGraph.Closure(only.Select(GetResourceModel))
            : [.. Resources];

    private async Task AnnounceWhenHealthyAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var resource in Resources)
            {
                await WaitForResourceHealthyAsync(resource.Name, cancellationToken);
            }
            var web = Resources.OfType<NodeAppResource>().FirstOrDefault();
            Console.Info($"All {Resources.Count} resources healthy {(DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime).TotalSeconds:0.0} s after start.");
            Console.Info($"Jockey is ready: {(web is null ? "" : $"web {web.GetPublicUrl()}   ")}dashboard http://127.0.0.1:{DashboardPort}   (Ctrl-C stops everything)");
        }
        catch (ResourceFailedException ex)
        {
            Console.Info($"{ex.Message} — the dashboard shows its log: http://127.0.0.1:{DashboardPort}", isError: true);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
