using Jockey.ApiService.Streaming.Backplane;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Jockey.ApiService.Streaming;

/// <summary>
/// Whether live events reach this replica, for SSE (<see cref="LiveFeed.IsLive"/>) and for the hub
/// (<see cref="JockeyHubLifetimeManager{THub}.IsLive"/>). Degraded, not Unhealthy: meanwhile the replica still takes
/// requests and runs write their events; only new streams and hub subscriptions are asked to retry, for a moment.
/// </summary>
internal sealed class LiveEventsHealthCheck(LiveFeed feed, HubLifetimeManager<JockeyHub> backplane) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var deaf = new List<string>();
        if (!feed.IsLive) deaf.Add("SSE streams");
        if (backplane is JockeyHubLifetimeManager<JockeyHub> { IsLive: false }) deaf.Add("hub subscriptions");
        return Task.FromResult(deaf.Count == 0
            ? HealthCheckResult.Healthy("Live events reach this replica.")
            : new HealthCheckResult(context.Registration.FailureStatus,
                $"Live events are not reaching this replica: its Redis subscription broke and is not confirmed back yet; new {string.Join(" and ", deaf)} are refused meanwhile."));
    }
}
