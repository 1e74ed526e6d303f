using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace Jockey.ApiService.Streaming.Backplane;

/// <summary>
/// The hub's Redis channels. Each replica subscribes <see cref="All"/>, <see cref="Users"/>, its own
/// <see cref="Replica"/> and <see cref="Control"/> channels, and a <see cref="Group"/> channel while a connection of its
/// own is in that group.
/// The <c>v1</c> keeps them apart from SignalR's own Redis backplane, whose messages these replicas could not read.
/// </summary>
public sealed class BackplaneChannels(string hubName)
{
    private readonly string _prefix = $"{hubName}:jockey-v1";

    /// <summary>The channels of a hub, named after its type.</summary>
    public static BackplaneChannels Of<THub>() where THub : Hub => new(typeof(THub).FullName!);

    public RedisChannel All => Literal($"{_prefix}:all");

    public RedisChannel Users => Literal($"{_prefix}:users");

    /// <summary>Messages for the replica's clients, written in the order they came.</summary>
    public RedisChannel Replica(string replica) => Literal($"{_prefix}:replica:{replica}");

    /// <summary>
    /// Group changes, acknowledgements and client results for the replica: apart from <see cref="Replica"/>, so a client
    /// that reads slowly, whose writes then wait, holds up no other replica's call.
    /// </summary>
    public RedisChannel Control(string replica) => Literal($"{_prefix}:control:{replica}");

    public RedisChannel Group(string group) => Literal($"{_prefix}:group:{group}");

    private static RedisChannel Literal(string name) => RedisChannel.Literal(name);
}
