using Jockey.ApiService.Events;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Jockey.ApiService.Infrastructure;

/// <summary>
/// Rides out a Redis outage for writes that must not be lost (a run's events and its ending): the call is tried again,
/// with a growing pause, until Redis answers or <see cref="EventLogOptions.OutageTolerance"/> has passed. Only
/// connection-level failures are retried; a script error is a bug and surfaces at once. A retried write must be
/// idempotent (the event log's scripts carry an id per append for this).
/// </summary>
public sealed partial class RedisOutage(IOptions<EventLogOptions> options, TimeProvider time, ILogger<RedisOutage> logger)
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(2);

    public async Task<T> RetryAsync<T>(Func<Task<T>> write, CancellationToken ct)
    {
        var giveUpAt = time.GetUtcNow() + options.Value.OutageTolerance;
        var pause = FirstPause;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await write().WaitAsync(ct);
            }
            catch (Exception ex) when (IsOutage(ex) && time.GetUtcNow() + pause < giveUpAt)
            {
                if (attempt == 1) LogWaiting(ex.Message);
                await Task.Delay(pause, time, ct);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
            }
        }
    }

    /// <summary>
    /// Any failure of a Redis call. A stalled Redis throws <see cref="RedisTimeoutException"/>, which is a
    /// <see cref="TimeoutException"/> and not a <see cref="RedisException"/>: a catch of the latter alone lets a stall
    /// through (one stopped a replica's host from a background loop).
    /// </summary>
    public static bool IsRedisFailure(Exception ex) => ex is RedisException or RedisTimeoutException;

    /// <summary>Redis unreachable, or back but still loading its data from disk.</summary>
    public static bool IsOutage(Exception ex) =>
        ex is RedisConnectionException or RedisTimeoutException
        || (ex is RedisServerException server && server.Message.StartsWith("LOADING", StringComparison.Ordinal));

    [LoggerMessage(LogLevel.Warning, "Redis is not reachable ({Reason}); holding writes until it is back")]
    private partial void LogWaiting(string reason);
}
