using System.Globalization;
using Jockey.ApiService.Speech;
using Jockey.ApiService.Threads;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Jockey.ApiService.Narration;

/// <summary>One entry of an operation's narration stream, in the order the socket sends them.</summary>
public sealed record AudioEntry(RedisValue Id, string Kind, RedisValue Data, int ChunkIndex)
{
    public const string Started = "started", Chunk = "chunk", Completed = "completed", Failed = "error";

    public bool IsLast => Kind is Completed or Failed;
}

/// <summary>
/// Narration audio in Redis so every replica can serve it: a Stream per narration holds its frames (the started/
/// completed/error JSON and each PCM chunk) for late joiners, and a per-thread channel tells replicas with a listener
/// that a narration has new entries. Publishers never wait for listeners. The "operation id" arguments here are
/// narration keys (<see cref="NarrationKind.Key"/>): an operation's request narration under its id, its result beside it.
/// </summary>
public sealed class AudioRelay(IConnectionMultiplexer redis, IOptions<NarrationOptions> options, TimeProvider time)
{
    private const string KindField = "k", DataField = "d", IndexField = "i";

    private IDatabase Db => redis.GetDatabase();

    /// <summary>Writes the started frame and makes the operation the thread's latest.</summary>
    /// <returns>Whether any replica had a WebSocket listening on the thread at that moment.</returns>
    public async Task<bool> StartAsync(string threadId, string operationId, string startedFrame)
    {
        var ttl = options.Value.Retention;
        var batch = Db.CreateBatch();
        var add = Add(batch, operationId, AudioEntry.Started, startedFrame);
        var expire = batch.KeyExpireAsync(RedisKeys.Narration(operationId), ttl);
        var delivered = batch.StringSetBitAsync(RedisKeys.NarrationDelivered(operationId), 0, false);
        var expireDelivered = batch.KeyExpireAsync(RedisKeys.NarrationDelivered(operationId), ttl);
        var latest = batch.HashSetAsync(RedisKeys.LatestNarration(threadId),
            [new("operation_id", operationId), new("started_at", time.GetUtcNow().ToUnixTimeMilliseconds())]);
        var expireLatest = batch.KeyExpireAsync(RedisKeys.LatestNarration(threadId), ttl);
        var listeners = batch.PublishAsync(RedisKeys.NarrationChannel(threadId), operationId);
        batch.Execute();
        await Task.WhenAll(add, expire, delivered, expireDelivered, latest, expireLatest, listeners);
        return listeners.Result > 0;
    }

    public Task PublishChunkAsync(string threadId, string operationId, int index, ReadOnlyMemory<byte> pcm) =>
        AppendAsync(threadId, operationId, AudioEntry.Chunk, pcm, index);

    public Task FinishAsync(string threadId, string operationId, string kind, string frame) =>
        AppendAsync(threadId, operationId, kind, frame, -1);

    /// <summary>How many chunks reached at least one live socket so far.</summary>
    public async Task<int> CountDeliveredAsync(string operationId) => (int)await Db.StringBitCountAsync(RedisKeys.NarrationDelivered(operationId));

    public Task MarkDeliveredAsync(string operationId, int index) =>
        Db.StringSetBitAsync(RedisKeys.NarrationDelivered(operationId), index, true);

    /// <summary>
    /// The thread's latest narration if it started within <see cref="NarrationOptions.ReplayWindow"/>, in the order
    /// to play: a result comes after its operation's request narration, so a late joiner hears both.
    /// </summary>
    public async Task<IReadOnlyList<string>> ReplayableAsync(string threadId)
    {
        var latest = await Db.HashGetAsync(RedisKeys.LatestNarration(threadId), ["operation_id", "started_at"]);
        if (latest[0].IsNull || !latest[1].TryParse(out long startedAt)) return [];
        var age = time.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(startedAt);
        if (age > options.Value.ReplayWindow) return [];
        var key = latest[0].ToString();
        return NarrationKind.RequestOf(key) is { } request ? [request, key] : [key];
    }

    /// <summary>Entries after <paramref name="afterId"/> (null: from the start), oldest first.</summary>
    public async Task<IReadOnlyList<AudioEntry>> ReadAsync(string operationId, RedisValue? afterId, int count)
    {
        var from = afterId is { } id ? (RedisValue)("(" + id) : (RedisValue)"-";
        var entries = await Db.StreamRangeAsync(RedisKeys.Narration(operationId), from, "+", count);
        return entries.Select(e => new AudioEntry(e.Id, e[KindField].ToString(), e[DataField],
            e[IndexField].TryParse(out int index) ? index : -1)).ToList();
    }

    private async Task AppendAsync(string threadId, string operationId, string kind, RedisValue data, int index)
    {
        var batch = Db.CreateBatch();
        var add = Add(batch, operationId, kind, data, index);
        // A failure before the started entry creates the stream here, so it needs its expiry too.
        var expire = batch.KeyExpireAsync(RedisKeys.Narration(operationId), options.Value.Retention, ExpireWhen.HasNoExpiry);
        var notify = batch.PublishAsync(RedisKeys.NarrationChannel(threadId), operationId);
        batch.Execute();
        await Task.WhenAll(add, expire, notify);
    }

    private static Task<RedisValue> Add(IBatch batch, string operationId, string kind, RedisValue data, int index = -1) =>
        batch.StreamAddAsync(RedisKeys.Narration(operationId), index < 0
            ? [new(KindField, kind), new(DataField, data)]
            : [new(KindField, kind), new(DataField, data), new(IndexField, index.ToString(CultureInfo.InvariantCulture))]);
}
