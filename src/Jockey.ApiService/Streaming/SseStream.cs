using System.Buffers;
using System.IO.Pipelines;
using System.Reflection;
using Jockey.ApiService.Events;
using Jockey.ApiService.Infrastructure;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using StackExchange.Redis;

namespace Jockey.ApiService.Streaming;

/// <summary>
/// A thread's events as <c>text/event-stream</c>: the log after a seq, then live, with neither gap nor duplicate. The
/// live watch starts before the log is read, so an event appended meanwhile is in the watch, the log, or both — and
/// seq filters the overlap. Live frames are the bytes <see cref="LiveFeed"/> encoded once for every stream; what is
/// ready is written together and flushed once, so a slow reader gets fewer, fuller writes rather than falling behind.
/// </summary>
/// <param name="redact">When given, rewrites each event first (a shared view); such a stream encodes its own frames.</param>
public sealed partial class SseStream(string threadId, long afterSeq, Func<StoredEvent, Task<StoredEvent>>? redact, ThreadEventLog log, LiveFeed feed, ILogger logger)
    : IResult, IEndpointMetadataProvider
{
    private const string RedisDown = "The event store (Redis) is not reachable right now; reconnect with Last-Event-ID to resume.";

    public async Task ExecuteAsync(HttpContext context)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache,no-store";
        response.Headers.Pragma = "no-cache";
        response.Headers.ContentEncoding = "identity";
        // Proxies (nginx, Container Apps) must not hold events back.
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
        // The watch ends when the request is aborted and when the server starts to shut down (LiveFeed.StoppingAsync),
        // and so does the stream: its client reconnects to another replica at once rather than being held open until
        // the shutdown timeout.
        var aborted = context.RequestAborted;
        using var watch = feed.Watch(threadId, aborted);
        var output = response.BodyWriter;
        try
        {
            // Headers once the watch exists: a client that has them is subscribed.
            await response.StartAsync(aborted);
            SseFrames.WriteRetry(output);
            watch.LastSeq = await ReplayAsync(output, afterSeq, long.MaxValue, aborted);
            await output.FlushAsync(aborted);
            // A shared view rewrites each event, so its frames are its own: only the reader writes them.
            if (redact is null) watch.WriteThrough(output);
            await LiveAsync(watch, output, aborted);
            // The feed's broken subscription ends every stream of the replica with the error event, and the feed logs it
            // once, not once for each of 10,000 streams. A relay that failed to hand this stream its events logged that
            // itself; the stream just ends, and its client resumes from the log.
            if (watch.EndedBy is { } reason && RedisOutage.IsRedisFailure(reason)) await EndWithErrorAsync(output, aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (RedisOutage.IsRedisFailure(ex))
        {
            LogStreamBroken(logger, ex, threadId);
            await EndWithErrorAsync(output, aborted);
        }
    }

    private static async Task EndWithErrorAsync(PipeWriter output, CancellationToken aborted)
    {
        SseFrames.WriteError(output, RedisDown);
        await ((Task)output.FlushAsync(aborted).AsTask()).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task LiveAsync(Watch live, PipeWriter output, CancellationToken ct)
    {
        // False once the watch ended (the request aborted, the host stopping, a broken Redis connection), after what was
        // received before it. While this waits, the feed may write events into the output itself (LastSeq).
        while (await live.WaitToReadAsync())
        {
            var last = live.LastSeq;
            while (live.TryRead(out var item))
            {
                if (item.IsPing)
                {
                    output.Write(item.Frame.Span);
                    continue;
                }
                var seq = item.Stored.Seq;
                if (seq <= last) continue;
                // Seqs have no holes, so a jump means pub/sub lost a message (a Redis reconnect) or this stream fell
                // more than the watch holds behind: fill it from the log. Only then: reading the log for every live
                // event would cost an XRANGE per subscriber.
                if (seq > last + 1) await ReplayAsync(output, last, seq, ct);
                last = seq;
                if (redact is null) output.Write(item.Frame.Span);
                else SseFrames.WriteMessage(output, await redact(item.Stored));
            }
            live.LastSeq = last;
            if ((await output.FlushAsync(ct)).IsCompleted) return;
        }
    }

    /// <summary>Writes the log's events after <paramref name="after"/> and before <paramref name="before"/>; returns the last seq written.</summary>
    private async Task<long> ReplayAsync(PipeWriter output, long after, long before, CancellationToken ct)
    {
        const int FlushBytes = 64 * 1024;
        var last = after;
        await foreach (var stored in log.ReadAfterAsync(threadId, after, ct))
        {
            if (stored.Seq >= before) break;
            SseFrames.WriteMessage(output, redact is null ? stored : await redact(stored));
            last = stored.Seq;
            if (output.UnflushedBytes >= FlushBytes) await output.FlushAsync(ct);
        }
        return last;
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), ["text/event-stream"]));

    [LoggerMessage(LogLevel.Warning, "SSE stream of thread {ThreadId} broke")]
    private static partial void LogStreamBroken(ILogger logger, Exception ex, string threadId);
}
