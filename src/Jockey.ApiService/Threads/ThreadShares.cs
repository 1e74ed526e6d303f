using Jockey.ApiService.Events;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Jockey.ApiService.Threads;

/// <summary>
/// Share links: a share id is a read-only view of one thread, created and revoked by whoever holds the thread id, and
/// unrelated to it (144 random bits of its own), so a share hands over neither the thread nor its runs.
/// </summary>
public sealed class ThreadShares(IConnectionMultiplexer redis, IOptions<EventLogOptions> options)
{
    private IDatabase Db => redis.GetDatabase();

    /// <summary>A new share of the thread; it lives as long as a thread without new events does (EventLog:Retention).</summary>
    public async Task<string> CreateAsync(string threadId)
    {
        var shareId = ThreadStore.NewId();
        await Db.StringSetAsync(RedisKeys.Share(shareId), threadId, options.Value.Retention);
        return shareId;
    }

    /// <summary>The thread a share shows, or null for an unknown, revoked or expired share.</summary>
    public async Task<string?> ResolveAsync(string shareId) =>
        ThreadStore.IsWellFormedId(shareId) ? (string?)await Db.StringGetAsync(RedisKeys.Share(shareId)) : null;

    /// <summary>Revokes the share when it belongs to the thread; false when it does not (or no longer) exist.</summary>
    public async Task<bool> RevokeAsync(string threadId, string shareId) =>
        await ResolveAsync(shareId) == threadId && await Db.KeyDeleteAsync(RedisKeys.Share(shareId));
}
