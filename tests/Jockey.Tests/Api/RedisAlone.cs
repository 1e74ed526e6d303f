using Jockey.Testing;
using StackExchange.Redis;

namespace Jockey.Tests.Api;

/// <summary>The AppHost's Redis on its own and a connection to it, for tests of one component on a real Redis.</summary>
public sealed class RedisAlone : IAsyncDisposable
{
    private readonly TestingApp _app;
    private readonly string _connectionString;

    private RedisAlone(TestingApp app, string connectionString, ConnectionMultiplexer redis)
    {
        _app = app;
        _connectionString = connectionString;
        Redis = redis;
    }

    public ConnectionMultiplexer Redis { get; }

    /// <summary>What a component that opens connections of its own connects with.</summary>
    public ConfigurationOptions Configuration() => ConfigurationOptions.Parse(_connectionString);

    public static async Task<RedisAlone> StartAsync(CancellationToken ct)
    {
        var app = await TestingApp.StartAsync(o => o.Only("redis"), ct);
        await app.WaitForResourceHealthyAsync("redis", ct);
        var connectionString = await app.GetConnectionStringAsync("redis", ct);
        return new RedisAlone(app, connectionString!, await ConnectionMultiplexer.ConnectAsync(connectionString!));
    }

    /// <summary>Closes every subscription connection from the Redis side, as Redis drops a pub/sub client past its output buffer limit; returns how many.</summary>
    public async Task<long> DropSubscriptionsAsync()
    {
        var options = ConfigurationOptions.Parse(_connectionString);
        options.AllowAdmin = true;
        await using var admin = await ConnectionMultiplexer.ConnectAsync(options);
        return await admin.GetServer(admin.GetEndPoints()[0]).ClientKillAsync(clientType: ClientType.PubSub);
    }

    /// <summary>Refuses SUBSCRIBE to every client (what is subscribed stays), or allows it again: <see cref="RedisAdmin.RefuseSubscribeAsync"/>.</summary>
    public async Task RefuseSubscribeAsync(bool refuse)
    {
        await using var admin = await RedisAdmin.ConnectAsync(_app, CancellationToken.None);
        await admin.RefuseSubscribeAsync(refuse);
    }

    public async ValueTask DisposeAsync()
    {
        await Redis.DisposeAsync();
        await _app.DisposeAsync();
    }
}
