using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Jockey.ApiService.Streaming;

/// <summary>
/// Whether live events reach this replica (<see cref="LiveFeed.IsLive"/>). Degraded, not Unhealthy: meanwhile the
/// replica still takes requests and runs write their events; only new streams are asked to retry, for a moment.
/// </summary>
internal sealed class LiveFeedHealthCheck(LiveFeed feed) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(feed.IsLive
            ? HealthCheckResult.Healthy("Subscribed to the events channel.")
            : new HealthCheckResult(context.Registration.FailureStatus,
                "Live events are not reaching this replica: its Redis subscription broke and is not confirmed back yet; new streams get a 503 meanwhile."));
}
