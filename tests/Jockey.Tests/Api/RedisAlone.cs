using Jockey.Testing;
using StackExchange.Redis;

namespace Jockey.Tests.Api;

/// <summary>The AppHost's Redis on its own and a connection to it, for tests of one component on a real Redis.</summary>
public sealed class RedisAlone : IAsyncDisposable
{
    private readonly TestingApp _app;

    private RedisAlone(TestingApp app, ConnectionMultiplexer redis)
    {
        _app = app;
        Redis = redis;
    }

    public ConnectionMultiplexer Redis { get; }

    public static async Task<RedisAlone> StartAsync(CancellationToken ct)
    {
        var app = await TestingApp.StartAsync(o => o.Only("redis"), ct);
        await app.WaitForResourceHealthyAsync("redis", ct);
        return new RedisAlone(app, await ConnectionMultiplexer.ConnectAsync(await app.GetConnectionStringAsync("redis", ct)));
    }

    public async ValueTask DisposeAsync()
    {
        await Redis.DisposeAsync();
        await _app.DisposeAsync();
    }
}
