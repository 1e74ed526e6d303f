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
    DateTimeOffset? StartedAt)
{
    public bool IsHealthy => State == ResourceState.Running && Health == HealthStatus.Healthy;

    public bool HasFailed => State == ResourceState.FailedToStart;
}
