namespace Jockey.Tests.Api;

/// <summary>One <see cref="RedisAlone"/> for a test class whose tests can share it.</summary>
public sealed class SharedRedis : IAsyncLifetime
{
    private RedisAlone? _store;

    public RedisAlone Store => _store ?? throw new InvalidOperationException("Redis is not started yet.");

    public async ValueTask InitializeAsync() => _store = await RedisAlone.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
    }
}
