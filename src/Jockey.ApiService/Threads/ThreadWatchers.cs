using StackExchange.Redis;

namespace Jockey.ApiService.Threads;

/// <summary>
/// Who is watching a thread live, counted across replicas: each open tab keeps an entry in a Redis sorted set, scored
/// with the moment it lapses, and refreshes it while it is open (<see cref="Ttl"/>). A tab that closes says so; one
/// that crashes or loses its network simply stops refreshing and drops out once its entry lapses. Nothing on the
/// server runs per tab: every call prunes the lapsed entries and counts what is left.
/// </summary>
public sealed class ThreadWatchers(IConnectionMultiplexer redis)
{
    /// <summary>How long a tab counts without refreshing; tabs refresh three times within it, so a closed one is gone within 5 s.</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(3);

    // Redis's own clock, so replicas whose clocks differ still agree on what has lapsed. -1: no such thread.
    private static readonly LuaScript Script = LuaScript.Prepare("""
        if redis.call('EXISTS', @thread) == 0 then return -1 end
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        redis.call('ZREMRANGEBYSCORE', @watchers, '-inf', now)
        if @here == '1' then
          redis.call('ZADD', @watchers, now + tonumber(@ttl), @tab)
          redis.call('PEXPIRE', @watchers, @ttl)
        else
          redis.call('ZREM', @watchers, @tab)
        end
        return redis.call('ZCARD', @watchers)
        """);

    public static bool IsWellFormedTabId(string? id) =>
        id is { Length: >= 8 and <= 64 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>The tab is watching (again); the number watching now, or null when the thread does not exist.</summary>
    public Task<long?> TouchAsync(string threadId, string tabId) => RunAsync(threadId, tabId, here: true);

    /// <summary>The tab has closed; the number still watching, or null when the thread does not exist.</summary>
    public Task<long?> LeaveAsync(string threadId, string tabId) => RunAsync(threadId, tabId, here: false);

    private async Task<long?> RunAsync(string threadId, string tabId, bool here)
    {
        var count = (long)await redis.GetDatabase().ScriptEvaluateAsync(Script, new
        {
            thread = RedisKeys.Thread(threadId),
            watchers = RedisKeys.Watchers(threadId),
            here = here ? "1" : "0",
            ttl = (long)Ttl.TotalMilliseconds,
            tab = tabId,
        });
        return count < 0 ? null : count;
    }
}
