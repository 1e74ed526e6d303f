using System.Diagnostics.CodeAnalysis;
using Jockey.ApiService.Auth;
using Jockey.ApiService.Events;
using Jockey.ApiService.Threads;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jockey.ApiService.Streaming;

/// <remarks>
/// Streams are short-circuit endpoints: routing runs them as soon as it matches, after the hardening and the session
/// gate (Program.cs) and before the middleware that waits on every request, which would otherwise hold its state for
/// each open stream's whole life (memory per connection, docs/benchmarks.md). So a stream's endpoint takes no
/// authorization or CORS metadata (routing refuses a short-circuit endpoint that has any): the session gate and CORS,
/// before routing, are what guard it.
/// </remarks>
public static class StreamApi
{
    public static IEndpointRouteBuilder MapStreamApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/stream", StreamAsync).WithTags("Streaming").WithName("StreamThread")
            .WithSummary("Server-sent events of a thread: replays after Last-Event-ID (or ?last_event_id=), then live.")
            .ShortCircuit();
        return app;
    }

    private static async Task<Results<SseStream, ProblemHttpResult>> StreamAsync(
        HttpContext context, string? thread_id, string? last_event_id, ThreadStore threads, ThreadEventLog log, LiveFeed feed, ILoggerFactory loggers)
    {
        if (string.IsNullOrWhiteSpace(thread_id))
        {
            return TypedResults.Problem("thread_id is required: /api/stream?thread_id=<id from POST /api/process/init>.", statusCode: StatusCodes.Status400BadRequest, title: "Missing thread_id");
        }
        if (!TryReadResumePoint(context, last_event_id, out var afterSeq, out var badResume)) return badResume;
        if (await threads.GetAsync(thread_id) is null || !await threads.IsOwnedByAsync(thread_id, context.SignedInUser())) return ThreadsApi.UnknownThreadProblem(thread_id);
        return Serve(context, thread_id, afterSeq, redact: null, log, feed, loggers);
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

    /// <summary>
    /// A thread's events as SSE; <paramref name="redact"/>, when given, rewrites each one first (a shared view). A 503
    /// while live events may not reach this replica (<see cref="LiveFeed.IsLive"/>): a stream opened then could miss
    /// the run's end for good, where a client told to retry soon loses nothing.
    /// </summary>
    internal static Results<SseStream, ProblemHttpResult> Serve(HttpContext context, string threadId, long afterSeq, Func<StoredEvent, Task<StoredEvent>>? redact,
        ThreadEventLog log, LiveFeed feed, ILoggerFactory loggers)
    {
        if (!feed.IsLive)
        {
            context.Response.Headers.RetryAfter = "1";
            return TypedResults.Problem(
                "Live events are not reaching this server right now: its connection to the event store (Redis) broke and is coming back. Reconnect in a moment with Last-Event-ID; nothing is lost.",
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "Live events are paused.");
        }
        return new SseStream(threadId, afterSeq, redact, log, feed, loggers.CreateLogger(typeof(StreamApi)));
    }
}
