using Jockey.Testing;
using StackExchange.Redis;

namespace Jockey.Tests.Api;

/// <summary>The app's Redis as its administrator: what a test needs to take a client's subscriptions away.</summary>
public sealed class RedisAdmin : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _connection;
    private readonly IServer _server;

    private RedisAdmin(ConnectionMultiplexer connection)
    {
        _connection = connection;
        _server = connection.GetServer(connection.GetEndPoints()[0]);
    }

    public static async Task<RedisAdmin> ConnectAsync(TestingApp app, CancellationToken ct)
    {
        var options = ConfigurationOptions.Parse(await app.GetConnectionStringAsync("redis", ct));
        options.AllowAdmin = true;
        return new RedisAdmin(await ConnectionMultiplexer.ConnectAsync(options));
    }

    /// <summary>Refuses SUBSCRIBE to every client (what is subscribed stays), or allows it again.</summary>
    public Task RefuseSubscribeAsync(bool refuse) => _server.ExecuteAsync("ACL", "SETUSER", "default", refuse ? "-subscribe" : "+subscribe");

    /// <summary>Closes, from the Redis side, the subscription connections of the clients named <paramref name="clientName"/>; returns how many.</summary>
    public async Task<int> DropSubscriptionsAsync(string clientName)
    {
        var dropped = 0;
        foreach (var client in await _server.ClientListAsync())
        {
            if (client.Name != clientName || client.SubscriptionCount == 0) continue;
            await _server.ClientKillAsync(client.Id);
            dropped++;
        }
        return dropped;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
