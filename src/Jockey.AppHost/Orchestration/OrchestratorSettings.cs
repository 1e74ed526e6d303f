using Microsoft.Extensions.Configuration;

namespace Jockey.AppHost.Orchestration;

/// <summary>Timings of the orchestrator, read from the <c>AppHost</c> configuration section.</summary>
public sealed record OrchestratorSettings
{
    /// <summary>How long a resource waits for a dependency to become healthy before it gives up.</summary>
    public TimeSpan DependencyTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Restarts in a row after quick crashes (within 60 s of starting); the crash after the last of them leaves the
    /// resource FailedToStart. A process that ran longer before crashing starts the count afresh.
    /// </summary>
    public int MaxRestarts { get; init; } = 5;

    /// <summary>Multiplies the 1, 2, 4 … second restart backoff.</summary>
    public double RestartBackoffScale { get; init; } = 1;

    public TimeSpan HealthInterval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan StartupHealthInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    public static OrchestratorSettings From(IConfiguration configuration) =>
        configuration.GetSection("AppHost").Get<OrchestratorSettings>() ?? new OrchestratorSettings();
}

/// <summary>Thrown to waiters when a resource they wait for can no longer become healthy.</summary>
public sealed class ResourceFailedException(string resource, string reason)
    : Exception($"Resource '{resource}' failed: {reason}")
{
    public string Resource { get; } = resource;

    public string Reason { get; } = reason;
}
