using System.Diagnostics.CodeAnalysis;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Jockey.ApiService.Events;
using Jockey.ApiService.Threads;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Jockey.ApiService.Streaming;

public static partial class StreamApi
{
    public static IEndpointRouteBuilder MapStreamApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/stream", StreamAsync).WithTags("Streaming").WithName("StreamThread")
            .WithSummary("Server-sent events of a thread: replays after Last-Event-ID (or ?last_event_id=), then live.");
        return app;
    }

    private static async Task<Results<ServerSentEventsResult<string>, ProblemHttpResult>> StreamAsync(
        HttpContext context, string? thread_id, string? last_event_id, ThreadStore threads, ThreadEventLog log, LiveFeed feed,
        RedisConnectionWatch redis, IOptions<EventLogOptions> options, ILoggerFactory loggers)
    {
        if (string.IsNullOrWhiteSpace(thread_id))
        {
            return TypedResults.Problem("thread_id is required: /api/stream?thread_id=<id from POST /api/process/init>.", statusCode: StatusCodes.Status400BadRequest, title: "Missing thread_id");
        }
        if (!TryReadResumePoint(context, last_event_id, out var afterSeq, out var badResume)) return badResume;
        if (await threads.GetAsync(thread_id) is null || !await threads.IsOwnedByAsync(thread_id, context.User)) return ThreadsApi.UnknownThreadProblem(thread_id);
        return Serve(context, thread_id, afterSeq, redact: null, log, feed, redis, options, loggers);
    }

    /// <summary>Where a stream resumes: after the <c>Last-Event-ID</c> header's seq, else <c>?last_event_id=</c>'s, else 0.</summary>
    internal static bool TryReadResumePoint(HttpContext context, string? lastEventId, out long afterSeq, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        var resumeFrom = context.Request.Headers["Last-Event-ID"].FirstOrDefault() ?? lastEventId;
        afterSeq = 0;
        problem = null;
        if (string.IsNullOrEmpty(resumeFrom) || (long.TryParse(resumeFrom, out afterSeq) && afterSeq >= 0)) return true;
        problem = TypedResults.Problem($"Last-Event-ID '{resumeFrom}' is not an event id; send the id: of the last event received.", statusCode: StatusCodes.Status400BadRequest, title: "Bad Last-Event-ID");
        return false;
    }

    /// <summary>A thread's events as SSE; <paramref name="redact"/>, when given, rewrites each one first (a shared view).</summary>
    internal static ServerSentEventsResult<string> Serve(HttpContext context, string threadId, long afterSeq, Func<StoredEvent, Task<StoredEvent>>? redact,
        ThreadEventLog log, LiveFeed feed, RedisConnectionWatch redis, IOptions<EventLogOptions> options, ILoggerFactory loggers)
    {
        // Proxies (nginx, Container Apps) must not hold events back.
        context.Response.Headers["X-Accel-Buffering"] = "no";
        // A stream also ends when the server shuts down, so its client reconnects (to another replica, with its last
        // id) at once rather than being held open until the host's shutdown timeout drops it.
        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var open = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        context.Response.RegisterForDispose(open);
        var events = EventsAsync(threadId, afterSeq, redact ?? Task.FromResult, log, feed, redis.Broken, options.Value.PingInterval, open.Token);
        return TypedResults.ServerSentEvents(WithErrorEvent(events, threadId, loggers.CreateLogger(typeof(StreamApi))));
    }

    /// <summary>
    /// Replay, then live, with neither gap nor duplicate: the live watch starts before the log is read, so an event
    /// appended meanwhile is in the watch, the log, or both — and seq filters the overlap. A broken Redis connection
    /// (<paramref name="redisBroken"/>) ends the stream with an error, so the client resumes from the log.
    /// </summary>
    private static async IAsyncEnumerable<SseItem<string>> EventsAsync(
        string threadId, long afterSeq, Func<StoredEvent, Task<StoredEvent>> redact, ThreadEventLog log, LiveFeed feed, CancellationToken redisBroken, TimeSpan pingInterval,
        [EnumeratorCancellation] CancellationToken ct)
    {
        using var watch = feed.Watch(threadId);
        var last = afterSeq;
        await foreach (var stored in log.ReadAfterAsync(threadId, afterSeq, ct))
        {
            last = stored.Seq;
            yield return Message(await redact(stored));
        }
        while (!ct.IsCancellationRequested)
        {
            StoredEvent? next = null;
            using (var idle = CancellationTokenSource.CreateLinkedTokenSource(ct, redisBroken))
            {
                idle.CancelAfter(pingInterval);
                try
                {
                    next = await watch.Reader.ReadAsync(idle.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
            if (ct.IsCancellationRequested) yield break;
            if (redisBroken.IsCancellationRequested)
            {
                throw new RedisConnectionException(ConnectionFailureType.SocketFailure, CommandFlags.None,
                    "The connection to Redis broke; live events may have been lost.", null, CommandStatus.Unknown);
            }
            if (next is null)
            {
                yield return new SseItem<string>("", "ping");
            }
            else if (next.Seq > last)
            {
                if (next.Seq > last + 1)
                {
                    // Seqs have no holes, so a jump means pub/sub lost a message (e.g. a Redis reconnect): fill it
                    // from the log. Only then: reading the log for every live event costs an XRANGE per subscriber.
                    await foreach (var missed in log.ReadAfterAsync(threadId, last, ct))
                    {
                        if (missed.Seq >= next.Seq) break;
                        yield return Message(await redact(missed));
                    }
                }
                last = next.Seq;
                yield return Message(await redact(next));
            }
        }
    }

    private static SseItem<string> Message(StoredEvent stored) => new(stored.Json, "message") { EventId = stored.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    /// <summary>Ends a broken stream with <c>event: error</c> and a readable reason; the client reconnects with its last id.</summary>
    private static async IAsyncEnumerable<SseItem<string>> WithErrorEvent(IAsyncEnumerable<SseItem<string>> items, string threadId, ILogger logger)
    {
        await using var enumerator = items.GetAsyncEnumerator();
        while (true)
        {
            string? error = null;
            try
            {
                if (!await enumerator.MoveNextAsync()) yield break;
            }
            catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
            {
                LogStreamBroken(logger, ex, threadId);
                error = "The event store (Redis) is not reachable right now; reconnect with Last-Event-ID to resume.";
            }
            if (error is not null)
            {
                yield return new SseItem<string>(error, "error");
                yield break;
            }
            yield return enumerator.Current;
        }
    }

    [LoggerMessage(LogLevel.Warning, "SSE stream of thread {ThreadId} broke")]
    private static partial void LogStreamBroken(ILogger logger, Exception ex, string threadId);
}
