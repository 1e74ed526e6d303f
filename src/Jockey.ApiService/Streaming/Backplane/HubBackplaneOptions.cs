using StackExchange.Redis;

namespace Jockey.ApiService.Streaming.Backplane;

/// <summary>The Redis the hub's backplane connects to; it keeps a connection of its own (<see cref="JockeyHubLifetimeManager{THub}"/>).</summary>
public sealed class HubBackplaneOptions
{
    public ConfigurationOptions Configuration { get; set; } = new();
}
