using Jockey.ApiService.Processing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jockey.ApiService.Threads;

public sealed record ThreadResponse(string ThreadId, DateTimeOffset CreatedAt, string? ActiveOperationId, long LastSeq, IReadOnlyList<Operation> Operations);

public static class ThreadsApi
{
    public static IEndpointRouteBuilder MapThreadsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/threads/{thread_id}", GetAsync).WithTags("Threads").WithName("GetThread")
            .WithSummary("A thread: its operations, the active one, and the last event seq (resume SSE from there).");
        return app;
    }

    private static async Task<Results<Ok<ThreadResponse>, ProblemHttpResult>> GetAsync(string thread_id, ThreadStore threads, ProcessingService processing)
    {
        if (await threads.GetAsync(thread_id) is not { } thread) return UnknownThread(thread_id);
        var operations = await processing.ListAsync(thread_id);
        var active = await threads.GetActiveOperationAsync(thread_id);
        var lastSeq = (await threads.GetAsync(thread_id))?.LastSeq ?? thread.LastSeq;
        return TypedResults.Ok(new ThreadResponse(thread.ThreadId, thread.CreatedAt, active, lastSeq, operations));
    }

    public static ProblemHttpResult UnknownThread(string threadId) =>
        TypedResults.Problem($"Thread '{threadId}' does not exist or has expired; call POST /api/process/init for a new one.",
            statusCode: StatusCodes.Status404NotFound, title: "Unknown thread");
}
