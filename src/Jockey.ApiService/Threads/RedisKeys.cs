using StackExchange.Redis;

namespace Jockey.ApiService.Threads;

/// <summary>Every Redis key and channel the API uses, in one place.</summary>
public static class RedisKeys
{
    /// <summary>
    /// Hash: created_at, jockey_thread_id, last_seq (the INCR counter behind event seq), active_op (the operation
    /// processing on the thread — one at a time — cleared when it ends), owner (the signed-in user who created it, or empty).
    /// </summary>
    public static RedisKey Thread(string threadId) => $"jockey:thread:{threadId}";

    /// <summary>Stream: one entry per event, entry id <c>{seq}-0</c>, field <c>e</c> = the event JSON.</summary>
    public static RedisKey Events(string threadId) => $"jockey:thread:{threadId}:events";

    /// <summary>List: the thread's operation ids, oldest first.</summary>
    public static RedisKey Operations(string threadId) => $"jockey:thread:{threadId}:ops";

    /// <summary>Hash: status, json (the Operation), thread_id, owner (the replica running it), jockey_thread_id, run_id.</summary>
    public static RedisKey Operation(string operationId) => $"jockey:op:{operationId}";

    /// <summary>
    /// String (PX): the owner's lease on a processing operation, renewed while its replica lives. Once it lapses, another
    /// replica may claim the operation and take its run over.
    /// </summary>
    public static RedisKey Lease(string operationId) => $"jockey:op:{operationId}:lease";

    /// <summary>Set: every processing operation, what replicas watch for lapsed leases.</summary>
    public static readonly RedisKey Running = "jockey:running";

    /// <summary>Set: ids of the events appended for the operation, so an append retried after a lost reply is not written twice.</summary>
    public static RedisKey AppendedEvents(string operationId) => $"jockey:op:{operationId}:appended";

    /// <summary>Sorted set: when a client (its user when signed in, else its address) started its recent runs, in ms — its run budget's sliding window.</summary>
    public static RedisKey RunBudget(string client) => $"jockey:budget:{client}";

    /// <summary>Sorted set: the thread's watching tabs (member: tab id, score: when the entry lapses, Unix ms on Redis's clock).</summary>
    public static RedisKey Watchers(string threadId) => $"jockey:thread:{threadId}:watchers";

    /// <summary>String (EX): the thread a share link shows, deleted when the share is revoked.</summary>
    public static RedisKey Share(string shareId) => $"jockey:share:{shareId}";

    /// <summary>Pub/sub: <c>{thread_id}\n{seq}\n{event json}</c> for every appended event, to every replica.</summary>
    public static readonly RedisChannel EventsChannel = RedisChannel.Literal("jockey:events");

    /// <summary>Pub/sub: operation ids to cancel, heard by the replica running them.</summary>
    public static readonly RedisChannel CancelChannel = RedisChannel.Literal("jockey:cancel");

    /// <summary>Stream: an operation's narration frames (<c>k</c> kind, <c>d</c> JSON or PCM, <c>i</c> chunk index).</summary>
    public static RedisKey Narration(string operationId) => $"jockey:narration:{operationId}";

    /// <summary>Bitmap: bit n set once narration chunk n reached at least one live WebSocket.</summary>
    public static RedisKey NarrationDelivered(string operationId) => $"jockey:narration:{operationId}:delivered";

    /// <summary>Hash: the thread's latest narration (<c>operation_id</c>, <c>started_at</c> in Unix ms), for late joiners.</summary>
    public static RedisKey LatestNarration(string threadId) => $"jockey:thread:{threadId}:narration";

    /// <summary>Pub/sub: operation ids with new narration entries; only replicas with a socket on the thread subscribe.</summary>
    public static RedisChannel NarrationChannel(string threadId) => RedisChannel.Literal($"jockey:narration:{threadId}");
}
