using System.Diagnostics;
using System.Text.RegularExpressions;
using Jockey.AppHost.Hosting;

namespace Jockey.AppHost.Orchestration;

/// <summary>
/// One replica of a resource: waits for its dependencies, runs its process, probes its health, restarts it after a
/// crash with backoff, and keeps its output.
/// </summary>
internal sealed partial class ResourceInstance
{
    private readonly DistributedApplication _app;
    private readonly Lock _gate = new();
    private Process? _process;
    private ResourceState _state = ResourceState.NotStarted;
    private HealthStatus _health = HealthStatus.Unknown;
    private string? _error;
    private int _restarts;
    private DateTimeOffset? _startedAt;
    private bool _stopRequested;

    public ResourceInstance(DistributedApplication app, Resource resource, int replica, int port)
    {
        _app = app;
        Resource = resource;
        Replica = replica;
        Port = port;
        InstanceName = resource.Replicas > 1 ? $"{resource.Name}-{replica}" : resource.Name;
        InstanceId = $"{InstanceName}-{Guid.NewGuid().ToString("N")[..8]}";
    }

    public Resource Resource { get; }

    public int Replica { get; }

    /// <summary>The port this replica binds (its own when replicated, the public one otherwise).</summary>
    public int Port { get; }

    public string InstanceName { get; }

    /// <summary>OpenTelemetry's service.instance.id: distinct per replica and per run.</summary>
    public string InstanceId { get; }

    public LogBuffer Logs { get; } = new();

    public ResourceSnapshot Snapshot()
    {
        lock (_gate)
        {
            var pid = RunningPid();
            // A replica lists the public (proxied) endpoint first, then its own.
            IReadOnlyList<string> endpoints = Resource.Endpoint is not { } endpoint ? []
                : Resource.Replicas > 1 ? [endpoint.Url.ToString().TrimEnd('/'), $"{endpoint.Scheme}://127.0.0.1:{Port}"]
                : [$"{endpoint.Scheme}://127.0.0.1:{Port}"];
            return new ResourceSnapshot(Resource.Name, InstanceName, Resource.Kind, Replica, _state, _health, pid, endpoints, _restarts, _error, _startedAt, InstanceName);
        }
    }

    public async Task RunAsync(IReadOnlyDictionary<string, string> environment, CancellationToken stopping)
    {
        SetState(ResourceState.Waiting);
        if (await WaitForDependenciesAsync(stopping) is { } waitError)
        {
            if (stopping.IsCancellationRequested)
            {
                // The app stopped before this resource was due to start: nothing failed.
                SetState(ResourceState.Finished);
            }
            else
            {
                Fail(waitError);
            }
            return;
        }

        var spec = Resource.CreateProcess(new InstanceContext(Port, environment, _app.Paths))!;
        if (_app.Testing?.Options.EnvironmentFor(Resource.Name) is { } overrides)
        {
            // A test's settings win over everything, including what the resource kind sets (ASPNETCORE_URLS, PORT).
            spec = spec with { Environment = new Dictionary<string, string>(spec.Environment.Concat(overrides).GroupBy(p => p.Key).Select(g => g.Last())) };
        }
        var consecutiveCrashes = 0;
        while (!stopping.IsCancellationRequested)
        {
            var started = DateTimeOffset.UtcNow;
            int? exitCode;
            try
            {
                exitCode = await RunProcessOnceAsync(spec, stopping);
            }
            catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                Fail($"could not start {spec.FileName}: {ex.Message}");
                return;
            }
            if (exitCode is null || stopping.IsCancellationRequested)
            {
                break; // null: StopAsync came first, so nothing was started
            }

            // A process that ran a while before dying is restarted afresh; one that keeps dying soon is given up on.
            consecutiveCrashes = DateTimeOffset.UtcNow - started > TimeSpan.FromSeconds(60) ? 1 : consecutiveCrashes + 1;
            if (consecutiveCrashes > _app.Settings.MaxRestarts)
            {
                Fail($"exited with code {exitCode} {consecutiveCrashes} times in a row; see its log");
                return;
            }
            var backoff = TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, consecutiveCrashes - 1)) * _app.Settings.RestartBackoffScale);
            lock (_gate)
            {
                _state = ResourceState.Exited;
                _health = HealthStatus.Unhealthy;
                _error = $"exited with code {exitCode}; restarting in {backoff.TotalSeconds:0.#} s";
                _restarts++;
            }
            _app.Notifier.Publish();
            Logs.Add(InstanceName, $"[apphost] {InstanceName} {_error}", isError: true);
            try
            {
                await Task.Delay(backoff, stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        SetState(ResourceState.Finished);
    }

    /// <summary>Kills the process outright (tests use this to simulate a crash; the restart loop brings it back).</summary>
    public void Kill()
    {
        lock (_gate)
        {
            if (_process is { HasExited: false } process)
            {
                ProcessTree.KillNow(process.Id);
            }
        }
    }

    /// <summary>Stops the process and keeps the run loop from starting another, wherever that loop is.</summary>
    public async Task StopAsync()
    {
        int? pid;
        lock (_gate)
        {
            // Under the lock RunProcessOnceAsync starts under: either the process is visible here, or it is never started.
            _stopRequested = true;
            pid = RunningPid();
            if (_state is ResourceState.Running or ResourceState.Starting)
            {
                _state = ResourceState.Stopping;
            }
        }
        _app.Notifier.Publish();
        if (pid is { } running)
        {
            await ProcessTree.StopAsync(running, TimeSpan.FromSeconds(10));
        }
    }

    private async Task<string?> WaitForDependenciesAsync(CancellationToken stopping)
    {
        foreach (var dependency in Resource.WaitsFor)
        {
            try
            {
                await _app.WaitForResourceHealthyAsync(dependency.Name, stopping).WaitAsync(_app.Settings.DependencyTimeout, stopping);
            }
            catch (TimeoutException)
            {
                var state = _app.DescribeResource(dependency.Name);
                return $"not started: its dependency '{dependency.Name}' did not become healthy within {_app.Settings.DependencyTimeout.TotalSeconds:0} s ({state})";
            }
            catch (ResourceFailedException ex)
            {
                return $"not started: its dependency '{dependency.Name}' failed ({ex.Reason})";
            }
            catch (OperationCanceledException)
            {
                return "not started: the app is stopping";
            }
        }
        return null;
    }

    /// <summary>Runs the process until it exits and returns its exit code; null when a stop came first and nothing ran.</summary>
    private async Task<int?> RunProcessOnceAsync(ProcessSpec spec, CancellationToken stopping)
    {
        var process = new Process { StartInfo = SessionStartInfo.For(spec), EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnOutput(e.Data, isError: false);
        process.ErrorDataReceived += (_, e) => OnOutput(e.Data, isError: true);

        SetState(ResourceState.Starting);
        lock (_gate)
        {
            if (_stopRequested)
            {
                process.Dispose();
                return null;
            }
            try
            {
                process.Start();
            }
            catch
            {
                process.Dispose();
                throw;
            }
            _process = process;
            _state = ResourceState.Running;
            _health = Resource.HealthProbe is null ? HealthStatus.Healthy : HealthStatus.Unknown;
            _error = null;
            _startedAt = DateTimeOffset.UtcNow;
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Logs.Add(InstanceName, $"[apphost] started {spec.FileName} (pid {process.Id})", isError: false);
        _app.Notifier.Publish();

        using var exited = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var probing = ProbeWhileRunningAsync(exited.Token);
        await process.WaitForExitAsync(CancellationToken.None);
        await exited.CancelAsync();
        await probing;
        var exitCode = process.ExitCode;
        lock (_gate)
        {
            _process = null;
        }
        process.Dispose();
        return exitCode;
    }

    private async Task ProbeWhileRunningAsync(CancellationToken cancellationToken)
    {
        if (Resource.HealthProbe is not { } probe)
        {
            return;
        }
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var (healthy, detail) = await HealthProber.ProbeAsync(probe, Port, cancellationToken);
                var health = healthy ? HealthStatus.Healthy : HealthStatus.Unhealthy;
                bool changed;
                lock (_gate)
                {
                    changed = _health != health && _state == ResourceState.Running;
                    if (changed)
                    {
                        _health = health;
                        _error = healthy ? null : detail;
                    }
                }
                if (changed)
                {
                    _app.Notifier.Publish();
                }
                await Task.Delay(healthy ? _app.Settings.HealthInterval : _app.Settings.StartupHealthInterval, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The PID of the running process, if any; call under <see cref="_gate"/>.</summary>
    private int? RunningPid()
    {
        try
        {
            return _process is { HasExited: false } process ? process.Id : null;
        }
        catch (InvalidOperationException)
        {
            return null; // exited and disposed in between
        }
    }

    private void OnOutput(string? line, bool isError)
    {
        if (line is null)
        {
            return;
        }
        var text = AnsiEscape().Replace(line, "");
        Logs.Add(InstanceName, text, isError);
        _app.Console.Write(this, text, isError);
    }

    private void SetState(ResourceState state)
    {
        lock (_gate)
        {
            _state = state;
        }
        _app.Notifier.Publish();
    }

    private void Fail(string reason)
    {
        lock (_gate)
        {
            _state = ResourceState.FailedToStart;
            _health = HealthStatus.Unhealthy;
            _error = reason;
        }
        Logs.Add(InstanceName, $"[apphost] {InstanceName}: {reason}", isError: true);
        _app.Console.Failure(this, reason);
        _app.Notifier.Publish();
    }

    [GeneratedRegex(@"\x1B\[[0-9;?]*[ -/]*[@-~]")]
    private static partial Regex AnsiEscape();
}
