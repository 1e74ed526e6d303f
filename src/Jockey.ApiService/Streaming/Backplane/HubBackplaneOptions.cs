using StackExchange.Redis;

namespace Jockey.ApiService.Streaming.Backplane;

/// <summary>The Redis the hub's backplane connects to; it keeps a connection of its own (<see cref="JockeyHubLifetimeManager{THub}"/>).</summary>
public sealed class HubBackplaneOptions
{
    public ConfigurationOptions Configuration { get; set; } = new();

    /// <summary>
    /// How long hub connections stay open through a broken Redis connection, waiting for the catch-up; past it they are
    /// closed. Zero closes them at the break. The app sets it from <c>EventLog:BreakGrace</c>, as SSE streams wait.
    /// </summary>
    public TimeSpan BreakGrace { get; set; }
}
