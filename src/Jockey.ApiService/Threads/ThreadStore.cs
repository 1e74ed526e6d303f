using System.Buffers.Text;
using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Jockey.ApiService.Auth;
using Jockey.ApiService.Events;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Jockey.ApiService.Threads;

public sealed record ThreadRecord(string ThreadId, DateTimeOffset CreatedAt, string? JockeyThreadId, long LastSeq);

/// <summary>Threads in Redis: a hash per thread that expires <see cref="EventLogOptions.Retention"/> after its last event.</summary>
public sealed class ThreadStore(IConnectionMultiplexer redis, IOptions<EventLogOptions> options, TimeProvider time)
{
    /// <summary>144 random bits, base64url: unguessable, since holding a thread id is what grants access to it.</summary>
    public static string NewId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(18));

    public static bool IsWellFormedId(string? id) =>
        id is { Length: >= 16 and <= 64 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>A new thread; <paramref name="owner"/> is its creator (<see cref="SessionUserExtensions.OwnerId"/>), null without sign-in.</summary>
    public async Task<ThreadRecord> CreateAsync(string? jockeyThreadId, string? owner)
    {
        var record = new ThreadRecord(NewId(), time.GetUtcNow(), jockeyThreadId, 0);
        var key = RedisKeys.Thread(record.ThreadId);
        var batch = Db.CreateBatch();
        var set = batch.HashSetAsync(key, [
            new("created_at", record.CreatedAt.ToString("O", CultureInfo.InvariantCulture)),
            new("jockey_thread_id", jockeyThreadId ?? ""),
            new("last_seq", 0),
            new("owner", owner ?? ""),
        ]);
        var expire = batch.KeyExpireAsync(key, options.Value.Retention);
        batch.Execute();
        await Task.WhenAll(set, expire);
        return record;
    }

    public async Task<ThreadRecord?> GetAsync(string threadId)
    {
        if (!IsWellFormedId(threadId)) return null;
        var fields = await Db.HashGetAsync(RedisKeys.Thread(threadId), ["created_at", "jockey_thread_id", "last_seq"]);
        if (fields[0].IsNull) return null;
        return new ThreadRecord(
            threadId,
            DateTimeOffset.Parse((string)fields[0]!, CultureInfo.InvariantCulture),
            fields[1].IsNullOrEmpty ? null : (string)fields[1]!,
            (long)fields[2]);
    }

    /// <summary>
    /// Whether the user may use the thread: always without sign-in (the id is the capability), else only its creator.
    /// Every endpoint answers another user as it answers an unknown id, so nobody learns that the thread exists.
    /// </summary>
    public async Task<bool> IsOwnedByAsync(string threadId, ClaimsPrincipal? user) =>
        user.OwnerId() is not { } owner
        || (IsWellFormedId(threadId) && await Db.HashGetAsync(RedisKeys.Thread(threadId), "owner") == owner);

    public Task SetJockeyThreadAsync(string threadId, string jockeyThreadId) =>
        Db.HashSetAsync(RedisKeys.Thread(threadId), "jockey_thread_id", jockeyThreadId);

    /// <summary>The operation processing on the thread, if any (an ended one clears it).</summary>
    public async Task<string?> GetActiveOperationAsync(string threadId) =>
        await Db.HashGetAsync(RedisKeys.Thread(threadId), "active_op") is { IsNullOrEmpty: false } active ? (string)active! : null;

    private IDatabase Db => redis.GetDatabase();
}
