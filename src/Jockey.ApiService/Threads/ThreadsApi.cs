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

    private static async Task<Results<Ok<ThreadResponse>, ProblemHttpResult>> GetAsync(string thread_id, HttpContext context, ThreadStore threads, ProcessingService processing)
    {
        if (!await threads.IsOwnedByAsync(thread_id, context.User)) return UnknownThreadProblem(thread_id);
        // Operations first: settling an orphaned one appends its failed event, which last_seq must include.
        var operations = await processing.ListAsync(thread_id);
        if (await threads.GetAsync(thread_id) is not { } thread) return UnknownThreadProblem(thread_id);
        var active = await threads.GetActiveOperationAsync(thread_id);
        return TypedResults.Ok(new ThreadResponse(thread.ThreadId, thread.CreatedAt, active, thread.LastSeq, operations));
    }

    public static ProblemHttpResult UnknownThreadProblem(string threadId) =>
        TypedResults.Problem(UnknownThread.Message(threadId), statusCode: StatusCodes.Status404NotFound, title: "Unknown thread");
}
