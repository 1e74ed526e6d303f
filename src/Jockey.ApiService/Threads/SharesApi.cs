using System.Net.ServerSentEvents;
using System.Text.Json.Nodes;
using Jockey.ApiService.Events;
using Jockey.ApiService.Processing;
using Jockey.ApiService.Streaming;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Threads;

public sealed record ShareResponse(string ShareId, string ViewUrl, string StreamUrl);

/// <summary>A shared thread: its operations without ids that act (each one's media id instead), no thread id.</summary>
public sealed record SharedThreadResponse(string ShareId, DateTimeOffset CreatedAt, long LastSeq, IReadOnlyList<OperationView> Operations);

/// <summary>
/// Share links, the one way to let someone else see a conversation: the thread's holder creates and revokes them; a
/// share id reads the thread and its live events, and does nothing else (no runs, no cancel, no narration socket).
/// </summary>
public static class SharesApi
{
    public static IEndpointRouteBuilder MapSharesApi(this IEndpointRouteBuilder app)
    {
        var shares = app.MapGroup("/api/threads/{thread_id}/shares").WithTags("Sharing");
        shares.MapPost("/", CreateAsync).WithName("CreateShare").WithSummary("A new read-only share link of the thread.");
        shares.MapDelete("/{share_id}", RevokeAsync).WithName("RevokeShare").WithSummary("Revokes a share link at once.");

        var shared = app.MapGroup("/api/shared/{share_id}").WithTags("Sharing");
        shared.MapGet("/", GetAsync).WithName("GetShared").WithSummary("A shared thread's operations, read-only.");
        shared.MapGet("/stream", StreamAsync).WithName("StreamShared").WithSummary("A shared thread's events over SSE, read-only (Last-Event-ID as /api/stream).")
            .ShortCircuit();
        return app;
    }

    private static async Task<Results<Created<ShareResponse>, ProblemHttpResult>> CreateAsync(string thread_id, HttpContext context, ThreadStore threads, ThreadShares shares)
    {
        if (await threads.GetAsync(thread_id) is null || !await threads.IsOwnedByAsync(thread_id, context.User)) return ThreadsApi.UnknownThreadProblem(thread_id);
        var shareId = await shares.CreateAsync(thread_id);
        var view = $"/api/shared/{shareId}";
        return TypedResults.Created(view, new ShareResponse(shareId, view, $"{view}/stream"));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(string thread_id, string share_id, HttpContext context, ThreadStore threads, ThreadShares shares) =>
        await threads.IsOwnedByAsync(thread_id, context.User) && await shares.RevokeAsync(thread_id, share_id) ? TypedResults.NoContent() : UnknownShare();

    private static async Task<Results<Ok<SharedThreadResponse>, ProblemHttpResult>> GetAsync(string share_id, ThreadShares shares, ThreadStore threads, ProcessingService processing)
    {
        if (await shares.ResolveAsync(share_id) is not { } threadId) return UnknownShare();
        var operations = await processing.ListAsync(threadId);
        if (await threads.GetAsync(threadId) is not { } thread) return UnknownShare();
        return TypedResults.Ok(new SharedThreadResponse(share_id, thread.CreatedAt, thread.LastSeq, [.. operations.Select(OperationView.Shared)]));
    }

    private static async Task<Results<SseStream, ProblemHttpResult>> StreamAsync(
        HttpContext context, string share_id, string? last_event_id, ThreadShares shares, OperationStore operations, ThreadEventLog log, LiveFeed feed,
        ILoggerFactory loggers)
    {
        if (!StreamApi.TryReadResumePoint(context, last_event_id, out var afterSeq, out var badResume)) return badResume;
        if (await shares.ResolveAsync(share_id) is not { } threadId) return UnknownShare();
        var mediaIds = new Dictionary<string, string>();
        // Each event names its operation, whose id would let the viewer cancel it: the operation's media id stands in.
        async Task<StoredEvent> RedactAsync(StoredEvent stored)
        {
            if (JsonNode.Parse(stored.Json) is not JsonObject ev || ev["operation_id"]?.GetValue<string>() is not { } operationId) return stored;
            if (!mediaIds.TryGetValue(operationId, out var mediaId))
            {
                mediaIds[operationId] = mediaId = (await operations.GetAsync(operationId))?.MediaId ?? "";
            }
            ev["operation_id"] = mediaId;
            return stored with { Json = ev.ToJsonString() };
        }
        return StreamApi.Serve(context, threadId, afterSeq, RedactAsync, log, feed, loggers);
    }

    private static ProblemHttpResult UnknownShare() =>
        TypedResults.Problem("This share link does not exist, was revoked or has expired.", statusCode: StatusCodes.Status404NotFound, title: "Unknown share");
}
