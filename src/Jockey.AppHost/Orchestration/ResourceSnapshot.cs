namespace Jockey.AppHost.Orchestration;

public enum ResourceState
{
    NotStarted,
    Waiting,
    Starting,
    Running,
    Stopping,
    Exited,
    FailedToStart,
    Finished,
}

public enum HealthStatus
{
    Unknown,
    Healthy,
    Unhealthy,
}

/// <summary>One replica of a resource as the dashboard and tests see it.</summary>
/// <param name="StartedAt">When its current process started (the dashboard's Started column).</param>
/// <param name="LogInstance">
/// The replica whose log this row shows: itself, the process that serves it (blobs → storage), or null for a
/// resource the AppHost runs no process for (an external service).
/// </param>
public sealed record ResourceSnapshot(
    string Name,
    string InstanceName,
    string Kind,
    int Replica,
    ResourceState State,
    HealthStatus Health,
    int? Pid,
    IReadOnlyList<string> Endpoints,
    int Restarts,
    string? Error,
    DateTimeOffset? StartedAt,
    string? LogInstance)
{
    public bool IsHealthy => State == ResourceState.Running && Health == HealthStatus.Healthy;

    public bool HasFailed => State == ResourceState.FailedToStart;
}
