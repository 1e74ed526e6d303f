using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jockey.Testing;

/// <summary>
/// The AppHost's own model started through Aspire.Hosting.Testing with a test's options (free ports, no dashboard,
/// nothing persisted), plus what tests need beyond Aspire's API: every replica healthy, one replica's own address,
/// a process id, a crash, and a log tail for assertion messages.
/// </summary>
public sealed class TestingApp : IAsyncDisposable
{
    private readonly DirectoryInfo _scratch;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, ResourceEvent> _latest = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _logs = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Uri? _jockeyUrl;
    private Task _start = Task.CompletedTask;
    // The agent's data path is this app's own, so its sample index may seed the next app's (SampleIndexSeed).
    private bool _seeded;

    private TestingApp(DistributedApplication application, DirectoryInfo scratch, Uri? jockeyUrl, string? agentDataPath)
    {
        Application = application;
        _scratch = scratch;
        _jockeyUrl = jockeyUrl;
        AgentDataPath = agentDataPath;
    }

    private static readonly string[] Ended = [KnownResourceStates.Exited, KnownResourceStates.Finished, KnownResourceStates.FailedToStart];

    public DistributedApplication Application { get; }

    /// <summary>The local agent's <c>LocalAgent__DataPath</c> (its library and renders); null with an external Jockey.</summary>
    public string? AgentDataPath { get; }

    private ResourceNotificationService Notifications => Application.Services.GetRequiredService<ResourceNotificationService>();

    public static async Task<TestingApp> StartAsync(Action<TestingOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var options = new TestingOptions();
        configure?.Invoke(options);
        var scratch = Directory.CreateTempSubdirectory("jockey-test-");
        var seeded = options.SeedSampleIndex && options.JockeyUrl is null && options.AgentDataPath is null && options.GeneratesSampleIndex;
        if (options.JockeyUrl is null && options.AgentDataPath is null)
        {
            options.AgentDataPath = Path.Combine(scratch.FullName, "agent");
        }
        if (seeded) SampleIndexSeed.Seed(options.AgentDataPath!);

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Jockey_AppHost>(options.Arguments(), cancellationToken);
        // Resource output and failing health checks (normal while things start) stay out of the test log;
        // LogTail and the failure messages of WaitForResourceHealthyAsync carry what a failure needs.
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter($"{builder.Environment.ApplicationName}.Resources", LogLevel.None)
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
            .AddFilter("Aspire.Hosting.Dcp", LogLevel.Error));
        if (options.ShareDcpCertificate && SharedDcpCertificate.CliPath is { } dcp) builder.Configuration["DcpPublisher:CliPath"] = dcp;
        ResourceSubset.Keep(builder, options.OnlyResources);
        if (options.AgentDataPath is { } agentData) options.Environment("jockey", "LocalAgent__DataPath", agentData);
        foreach (var (name, variables) in options.EnvironmentByResource)
        {
            if (builder.Resources.FirstOrDefault(r => r.Name == name) is not IResourceWithEnvironment resource) continue;
            builder.CreateResourceBuilder(resource).WithEnvironment(context =>
            {
                foreach (var (key, value) in variables) context.EnvironmentVariables[key] = value;
            });
        }

        var app = new TestingApp(await builder.BuildAsync(cancellationToken), scratch, options.JockeyUrl, options.AgentDataPath) { _seeded = seeded };
        app.Watch();
        // Aspire's StartAsync returns once every resource has started, waits included; a test that waits for one
        // resource, or sees one never start, watches the resources instead (WaitForResourceHealthyAsync).
        app._start = app.Application.StartAsync(app._stopping.Token);
        return app;
    }

    /// <summary>Waits until every replica of the resource runs and is healthy; fails at once, with its log, if one cannot start.</summary>
    public async Task WaitForResourceHealthyAsync(string name, CancellationToken cancellationToken = default)
    {
        var resource = Model(name);
        if (resource is ExternalServiceResource) return;
        var replicas = resource.Annotations.OfType<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1;
        while (true)
        {
            var changed = _changed.Task;
            var instances = Instances(name);
            if (instances.FirstOrDefault(e => e.Snapshot.State?.Text == KnownResourceStates.FailedToStart) is { } failed)
            {
                throw new InvalidOperationException($"'{failed.ResourceId}' failed to start:{Environment.NewLine}{LogTail(name)}");
            }
            if (instances.Count(IsHealthy) >= replicas)
            {
                if (replicas > 1) await WaitForEveryReplicaAliveAsync(name, replicas, cancellationToken);
                return;
            }
            if (_start.IsFaulted) await _start;
            try
            {
                await (_start.IsCompleted ? changed : Task.WhenAny(changed, _start)).WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException ex)
            {
                throw new InvalidOperationException(
                    $"'{name}' did not become healthy: {string.Join("; ", instances.Select(Describe))}{Environment.NewLine}{LogTail(name)}", ex);
            }
        }
    }

    /// <summary>
    /// Aspire's health check of a replicated resource asks its public endpoint, which DCP's proxy answers from any
    /// replica; a replica started again counts as healthy before it listens. So each replica's own <c>/alive</c> is asked too.
    /// </summary>
    private async Task WaitForEveryReplicaAliveAsync(string name, int replicas, CancellationToken cancellationToken)
    {
        for (var replica = 0; replica < replicas; replica++)
        {
            using var http = CreateHttpClient(name, replica);
            while (true)
            {
                try
                {
                    using var response = await http.GetAsync("/alive", cancellationToken);
                    if (response.IsSuccessStatusCode) break;
                }
                catch (HttpRequestException)
                {
                    // Not listening yet — unless it has ended, and then it never will.
                    var instance = Instance(name, replica);
                    if (instance.Snapshot.State?.Text is { } state && Ended.Contains(state))
                    {
                        throw new InvalidOperationException($"'{instance.ResourceId}' ended ({state}) before it listened:{Environment.NewLine}{LogTail(name)}");
                    }
                }
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    /// <summary>The endpoint callers use (DCP's proxy in front of the replicas), or one replica's own address.</summary>
    public Uri GetEndpoint(string name, int? replica = null)
    {
        if (Model(name) is ExternalServiceResource)
        {
            return _jockeyUrl ?? throw new InvalidOperationException($"'{name}' is external but no URL was given.");
        }
        if (replica is { } index)
        {
            var urls = Instance(name, index).Snapshot.EnvironmentVariables.First(v => v.Name == "ASPNETCORE_URLS").Value!;
            return new Uri(urls.Split(';')[0].Replace("localhost", "127.0.0.1"));
        }
        var resource = (IResourceWithEndpoints)Model(name);
        return new Uri(resource.GetEndpoints().First().Url.Replace("localhost", "127.0.0.1"));
    }

    public HttpClient CreateHttpClient(string name, int? replica = null) =>
        new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
        {
            BaseAddress = GetEndpoint(name, replica),
            Timeout = TimeSpan.FromSeconds(100),
        };

    public async Task<string> GetConnectionStringAsync(string name, CancellationToken cancellationToken = default) =>
        await Application.GetConnectionStringAsync(name, cancellationToken)
        ?? throw new InvalidOperationException($"'{name}' has no connection string.");

    /// <summary>
    /// The process DCP started for a replica (for a project, <c>dotnet run</c>; the service is its child), or null
    /// when it is not running.
    /// </summary>
    public int? Pid(string name, int replica = 0) => PidOf(Instance(name, replica));

    private static int? PidOf(ResourceEvent e) =>
        e.Snapshot.Properties.FirstOrDefault(p => p.Name is "executable.pid" or "project.pid")?.Value is { } value && int.TryParse(value.ToString(), out var pid)
            ? pid
            : null;

    /// <summary>
    /// The replica's service process itself — the process under DCP's <c>dotnet run</c> that runs
    /// <paramref name="program"/> (e.g. <c>Jockey.ApiService</c>: its apphost, or <c>dotnet Jockey.ApiService.dll</c>) —
    /// or null while it is not running. Memory and CPU figures, and signals meant for the service, need this one: the
    /// wrapper's own command line names the project too (<c>--project …/Jockey.ApiService.csproj</c>), so a match on
    /// any part of it finds the wrapper. Null too before DCP reports the replica.
    /// </summary>
    public int? ServicePid(string name, string program, int replica = 0) =>
        replica < Instances(name).Count && Pid(name, replica) is { } pid
        && ProcessTree.Descendants(pid).Prepend(pid).FirstOrDefault(p => ProcessTree.Runs(p, program)) is var service and not 0
            ? service
            : null;

    /// <summary>Kills a replica's process tree at once, as a crash would. Aspire does not restart it: see <see cref="StartResourceAsync"/>.</summary>
    public async Task KillAsync(string name, int replica = 0)
    {
        var resourceId = Instance(name, replica).ResourceId;
        var pid = Pid(name, replica) ?? throw new InvalidOperationException($"'{resourceId}' is not running.");
        ProcessTree.KillTree(pid);
        // Until DCP has seen the exit, a start would find it still running.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await WaitForEndAsync(resourceId, timeout.Token);
    }

    /// <summary>
    /// SIGTERM to a replica's service process (<see cref="ServicePid"/>), as a platform stopping it sends; returns the
    /// exit code once DCP has seen it end.
    /// </summary>
    public async Task<int?> TerminateAsync(string name, string program, int replica = 0, CancellationToken cancellationToken = default)
    {
        var resourceId = Instance(name, replica).ResourceId;
        ProcessTree.Terminate(ServicePid(name, program, replica) ?? throw new InvalidOperationException($"No process of '{resourceId}' runs {program}."));
        return (await WaitForEndAsync(resourceId, cancellationToken)).ExitCode;
    }

    private async Task<CustomResourceSnapshot> WaitForEndAsync(string resourceId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var changed = _changed.Task;
            if (Latest(resourceId).Snapshot is { State.Text: { } state } snapshot && Ended.Contains(state)) return snapshot;
            await changed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Starts a replica that exited, as the dashboard's Start button does.</summary>
    public async Task StartResourceAsync(string name, int replica = 0, CancellationToken cancellationToken = default)
    {
        var commands = Application.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync(Instance(name, replica).ResourceId, KnownResourceCommands.StartCommand, cancellationToken);
        if (!result.Success) throw new InvalidOperationException($"Starting {name} replica {replica} failed: {result.Message}");
    }

    /// <summary>A replica's latest state, as the dashboard shows it.</summary>
    /// <summary>
    /// Starts a replica again if it is not running (a test stopped it; Aspire does not restart it) and waits until every
    /// replica serves: what a test that stops part of a shared app does before the next test needs it.
    /// </summary>
    public async Task EnsureRunningAsync(string name, int replica = 0, CancellationToken cancellationToken = default)
    {
        if (Snapshot(name, replica).State?.Text != KnownResourceStates.Running) await StartResourceAsync(name, replica, cancellationToken);
        await WaitForResourceHealthyAsync(name, cancellationToken);
    }

    public CustomResourceSnapshot Snapshot(string name, int replica = 0) => Instance(name, replica).Snapshot;

    /// <summary>Waits until the resource has logged a line containing <paramref name="text"/>; returns that line.</summary>
    public async Task<string> WaitForLogAsync(string name, string text, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (Lines(name).FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } line) return line;
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>The last lines a resource printed (every replica), for assertion messages.</summary>
    public string LogTail(string name, int lines = 40) =>
        string.Join(Environment.NewLine, Lines(name).TakeLast(lines).Select(line => $"  {name} | {line}"));

    private IEnumerable<string> Lines(string name) =>
        _logs.Where(l => Latest(l.Key).Resource.Name == name).SelectMany(l => l.Value);

    private IResource Model(string name) =>
        Application.Services.GetRequiredService<DistributedApplicationModel>().Resources.FirstOrDefault(r => r.Name == name)
        ?? throw new ArgumentException($"There is no resource named '{name}' in this app.", nameof(name));

    /// <summary>The replicas of a resource seen so far, in a stable order (by DCP's name for each).</summary>
    private List<ResourceEvent> Instances(string name) =>
        [.. _latest.Values.Where(e => e.Resource.Name == name).OrderBy(e => e.ResourceId, StringComparer.Ordinal)];

    private ResourceEvent Instance(string name, int replica) =>
        Instances(name) is var all && replica < all.Count
            ? all[replica]
            : throw new ArgumentException($"No replica {replica} of '{name}' (there are {all.Count}).", nameof(replica));

    private ResourceEvent Latest(string resourceId) => _latest[resourceId];

    /// <summary>Running and healthy by checks made since this start: after a restart, the reports from before it still say Healthy.</summary>
    private static bool IsHealthy(ResourceEvent e) =>
        e.Snapshot.State?.Text == KnownResourceStates.Running
        && e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy
        && e.Snapshot.HealthReports.All(r => r.LastRunAt >= e.Snapshot.StartTimeStamp);

    private static string Describe(ResourceEvent e) => $"{e.ResourceId} {e.Snapshot.State?.Text} {e.Snapshot.HealthStatus}";

    /// <summary>Keeps the latest state of every replica and every line it logs, from the moment the app is built.</summary>
    private void Watch()
    {
        var loggers = Application.Services.GetRequiredService<ResourceLoggerService>();
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in Notifications.WatchAsync(_stopping.Token))
                {
                    _latest[e.ResourceId] = e;
                    if (_logs.TryAdd(e.ResourceId, new ConcurrentQueue<string>())) _ = CollectLogsAsync(loggers, e.ResourceId);
                    Interlocked.Exchange(ref _changed, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    private async Task CollectLogsAsync(ResourceLoggerService loggers, string resourceId)
    {
        try
        {
            await foreach (var batch in loggers.WatchAsync(resourceId).WithCancellation(_stopping.Token))
            {
                foreach (var line in batch) _logs[resourceId].Enqueue(line.Content);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// What the app's resources left running once it was disposed: DCP stops them as the app stops, and they may take
    /// a moment to exit (a service draining, under a loaded machine); whatever still runs 30 s later is listed here, and killed.
    /// </summary>
    public IReadOnlyList<string> LeftRunning { get; private set; } = [];

    public async ValueTask DisposeAsync()
    {
        var started = _latest.Values.Select(PidOf).OfType<int>().ToList();
        var processes = started.Concat(started.SelectMany(ProcessTree.Descendants)).Distinct().ToList();
        await _stopping.CancelAsync();
        try
        {
            await _start;
        }
        catch (Exception)
        {
            // Disposed while a resource still waited for another (cancelled), or the start failed, which
            // WaitForResourceHealthyAsync has reported.
        }
        await Application.StopAsync();
        await Application.DisposeAsync();
        LeftRunning = await ProcessTree.WaitForExitAsync(processes, TimeSpan.FromSeconds(30));
        if (_seeded) SampleIndexSeed.Stopped(AgentDataPath!);
        try
        {
            _scratch.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
