using System.Text.Json;
using Jockey.ApiService.Hosting;
using Jockey.ApiService.Infrastructure;
using Jockey.ApiService.Processing;
using Jockey.ApiService.Streaming;
using Jockey.ApiService.Threads;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Jockey.ApiService.Events;

/// <summary>An event as stored: its sequence number and its JSON (the SSE data and SignalR payload, byte for byte).</summary>
public sealed record StoredEvent(long Seq, string Json);

/// <summary>
/// A thread's event log: a Redis Stream per thread. Appending happens in one Lua script that takes the next seq
/// (HINCRBY), adds the entry with stream id <c>{seq}-0</c>, refreshes the TTLs and publishes the event to every
/// replica's live feed and, while a hub client of the thread listens anywhere, to the thread's hub group, so stream
/// order, seq order and the order of either transport are one and the same. Each append carries an id of its own,
/// so one retried through a Redis outage (<see cref="RedisOutage"/>) is written once even if its first reply was lost.
/// A run's writes name the replica that owns the operation, so a replica that lost it to a takeover writes nothing more.
/// </summary>
public sealed class ThreadEventLog(IConnectionMultiplexer redis, IOptions<EventLogOptions> options, ThreadNotifier notifier, TimeProvider time, RedisOutage outage)
{
    // KEYS: thread, events, op, ops, appended ids. ARGV: json with "seq":0 first, maxlen, ttl seconds, channel, thread id,
    // event id, owner, checkpoint; then the thread's hub channel and an update invocation's pieces (ThreadNotifier.Update,
    // PublishUpdate). Both publishes happen here, so either transport's order is seq order.
    private const string AppendTail = """
        local seq = redis.call('HINCRBY', KEYS[1], 'last_seq', 1)
        local json = '{"seq":' .. seq .. string.sub(ARGV[1], 9)
        redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], seq .. '-0', 'e', json)
        redis.call('SADD', KEYS[5], ARGV[6])
        for i = 1, 5 do redis.call('EXPIRE', KEYS[i], ARGV[3]) end
        redis.call('PUBLISH', ARGV[4], ARGV[5] .. '\n' .. seq .. '\n' .. json)
        """ + "\n" + PublishUpdate + "\n" + "return seq";

    // The hub's update of the event in `json`, published on ARGV[9] in the backplane's bytes: the head, the length of
    // the invocation as a 7-bit encoded int, the invocation (ARGV[11], the event, ARGV[12]).
    internal const string PublishUpdate = """
        if redis.call('PUBSUB', 'NUMSUB', ARGV[9])[2] > 0 then
            local update = ARGV[11] .. json .. ARGV[12]
            local n, length = #update, ''
            while n >= 128 do
                length = length .. string.char(n % 128 + 128)
                n = math.floor(n / 128)
            end
            redis.call('PUBLISH', ARGV[9], ARGV[10] .. length .. string.char(n) .. update)
        end
        """;

    // -1: this very event was appended already (a retry whose first reply was lost). -2: the writer named an owner
    // (ARGV[7]) and the operation now belongs to another replica, which took its run over: the writer must stop.
    // A run's own event carries its checkpoint (ARGV[8]): where a replica taking the run over carries on, stored in
    // the same step as the event, so the two can never disagree.
    private const string Guards = """
        if redis.call('SISMEMBER', KEYS[5], ARGV[6]) == 1 then return -1 end
        if redis.call('HGET', KEYS[3], 'status') ~= 'processing' then return 0 end
        if ARGV[7] ~= '' and redis.call('HGET', KEYS[3], 'owner') ~= ARGV[7] then return -2 end
        if ARGV[8] ~= '' then redis.call('HSET', KEYS[3], 'checkpoint', ARGV[8]) end
        """;

    // Events of a finished operation are dropped: a cancel from another replica must be the operation's last word.
    private const string AppendScript = Guards + "\n" + AppendTail;

    // KEYS: …, lease, running. ARGV: …, new status, operation json, operation id. Exactly one finisher wins; the
    // thread is free again and no replica watches the operation any more.
    private const string FinishScript = Guards + "\n" + """
        redis.call('HSET', KEYS[3], 'status', ARGV[13], 'json', ARGV[14])
        if redis.call('HGET', KEYS[1], 'active_op') == ARGV[15] then redis.call('HDEL', KEYS[1], 'active_op') end
        redis.call('DEL', KEYS[6])
        redis.call('SREM', KEYS[7], ARGV[15])
        """ + "\n" + AppendTail;

    private const string SeqPlaceholder = "{\"seq\":0,";
    private readonly EventLogOptions _options = options.Value;

    /// <summary>
    /// Appends while the operation is processing; returns the event's seq, or 0 when nothing new was written (the
    /// operation already ended, or a retry found its first try written). Through a Redis outage it waits (up to
    /// <see cref="EventLogOptions.OutageTolerance"/>), so events stay in order. A run's own writes name their
    /// <paramref name="owner"/>: once another replica has taken the operation over they throw
    /// <see cref="OwnershipLostException"/> and write nothing; their <paramref name="checkpoint"/> is stored with the event.
    /// </summary>
    public async Task<long> AppendAsync(string threadId, string operationId, NewEvent ev, CancellationToken ct, string? owner = null, string? checkpoint = null)
    {
        var json = Serialize(operationId, ev);
        RedisValue[] args = Args(threadId, json, owner, checkpoint);
        var seq = Written(operationId, (long)await outage.RetryAsync(() => Db.ScriptEvaluateAsync(AppendScript, Keys(threadId, operationId), args), ct));
        return Math.Max(seq, 0);
    }

    /// <summary>
    /// Ends a processing operation atomically: new status, its terminal event, the thread free again. Returns the
    /// updated operation, or null when someone else ended it first (then nothing is written). Waits through a Redis
    /// outage like <see cref="AppendAsync"/>: an ending is never dropped for a blip.
    /// </summary>
    public async Task<Operation?> FinishAsync(Operation operation, NewEvent terminal, string status, string? videoUrl = null, string? error = null, string? owner = null)
    {
        var finished = operation.Finish(status, time.GetUtcNow(), videoUrl, error);
        var json = Serialize(operation.OperationId, terminal);
        RedisKey[] keys = [.. Keys(operation.ThreadId, operation.OperationId), RedisKeys.Lease(operation.OperationId), RedisKeys.Running];
        RedisValue[] args = [.. Args(operation.ThreadId, json, owner, checkpoint: null), status, JsonSerializer.Serialize(finished, ApiJson.Options), operation.OperationId];
        var seq = Written(operation.OperationId, (long)await outage.RetryAsync(() => Db.ScriptEvaluateAsync(FinishScript, keys, args), CancellationToken.None));
        if (seq == 0) return null;
        // After the script's reply, so on the group's channel the operation's end follows its terminal event.
        await notifier.OperationAsync(finished);
        return finished;
    }

    private static long Written(string operationId, long result) =>
        result == -2 ? throw new OwnershipLostException(operationId) : result;

    /// <summary>Events with seq &gt; <paramref name="afterSeq"/>, oldest first.</summary>
    public IAsyncEnumerable<StoredEvent> ReadAfterAsync(string threadId, long afterSeq, CancellationToken ct) => ReadAfterAsync(Db, threadId, afterSeq, ct);

    /// <summary>Events with seq &gt; <paramref name="afterSeq"/>, oldest first, from any connection to the app's Redis.</summary>
    public static async IAsyncEnumerable<StoredEvent> ReadAfterAsync(IDatabase db, string threadId, long afterSeq, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        const int page = 500;
        var from = afterSeq + 1;
        while (true)
        {
            var entries = await db.StreamRangeAsync(RedisKeys.Events(threadId), $"{from}-0", "+", page).WaitAsync(ct);
            foreach (var entry in entries)
            {
                var seq = long.Parse(((string)entry.Id!).Split('-')[0], System.Globalization.CultureInfo.InvariantCulture);
                yield return new StoredEvent(seq, (string)entry["e"]!);
                from = seq + 1;
            }
            if (entries.Length < page) yield break;
        }
    }

    private IDatabase Db => redis.GetDatabase();

    private static RedisKey[] Keys(string threadId, string operationId) =>
        [RedisKeys.Thread(threadId), RedisKeys.Events(threadId), RedisKeys.Operation(operationId), RedisKeys.Operations(threadId), RedisKeys.AppendedEvents(operationId)];

    /// <summary>The script's arguments: then the append's own id (the same on every retry of it), the writing owner and its checkpoint.</summary>
    private RedisValue[] Args(string threadId, string json, string? owner, string? checkpoint) =>
        [json, _options.MaxEvents, (long)_options.Retention.TotalSeconds, RedisKeys.EventsChannel.ToString(), threadId, Guid.NewGuid().ToString("N"), owner ?? "", checkpoint ?? "",
            ThreadNotifier.Channel(threadId).ToString(), notifier.Update.Head, notifier.Update.Before, notifier.Update.After];

    private static string Serialize(string operationId, NewEvent ev)
    {
        var json = JsonSerializer.Serialize(new ThreadEvent(0, operationId, ev.Text, ev.Type, ev.Name, ev.Data), ApiJson.Options);
        // The script splices the real seq in place of the placeholder; this guards the property order it relies on.
        if (!json.StartsWith(SeqPlaceholder, StringComparison.Ordinal)) throw new InvalidOperationException("ThreadEvent must serialize seq first.");
        return json;
    }
}

/// <summary>The operation was taken over by another replica (this one's lease lapsed): its run here must stop quietly.</summary>
public sealed class OwnershipLostException(string operationId)
    : Exception($"Operation {operationId} is now run by another API replica.");
