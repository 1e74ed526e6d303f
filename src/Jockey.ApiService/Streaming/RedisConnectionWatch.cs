using StackExchange.Redis;

namespace Jockey.ApiService.Streaming;

/// <summary>
/// A token that trips when a connection to Redis breaks. Live SSE streams end on it with an <c>error</c> event: pub/sub
/// messages sent while the connection was down are lost, and the stream only notices a lost event when a later one
/// arrives — which, for a run's last event, never happens. Reconnecting with <c>Last-Event-ID</c> replays from the log.
/// </summary>
public sealed class RedisConnectionWatch
{
    private CancellationTokenSource _current = new();

    public RedisConnectionWatch(IConnectionMultiplexer redis) => redis.ConnectionFailed += (_, _) =>
        // Streams that start from now on get a fresh token; those running hold the tripped one.
        Interlocked.Exchange(ref _current, new CancellationTokenSource()).Cancel();

    public CancellationToken Broken => Volatile.Read(ref _current).Token;
}
