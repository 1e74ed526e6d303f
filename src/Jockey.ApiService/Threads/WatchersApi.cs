using Microsoft.AspNetCore.Http.HttpResults;

namespace Jockey.ApiService.Threads;

/// <param name="Watching">Tabs watching the thread live now, this one included (after a leave: without it).</param>
/// <param name="RefreshMs">How often a tab should say it is still there.</param>
public sealed record WatchersResponse(long Watching, int RefreshMs);

/// <summary>Presence on a thread: each open tab says it is watching, and learns how many are.</summary>
public static class WatchersApi
{
    public static IHostApplicationBuilder AddWatchers(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ThreadWatchers>();
        return builder;
    }

    public static IEndpointRouteBuilder MapWatchersApi(this IEndpointRouteBuilder app)
    {
        var watchers = app.MapGroup("/api/threads/{thread_id}/watchers/{tab_id}").WithTags("Threads");
        watchers.MapPut("/", (string thread_id, string tab_id, ThreadWatchers presence, ThreadStore threads, HttpContext context) =>
                AnswerAsync(thread_id, tab_id, presence.TouchAsync, threads, context))
            .WithName("WatchThread").WithSummary("This tab is watching the thread; repeat every refresh_ms. Answers how many tabs are watching.");
        watchers.MapDelete("/", (string thread_id, string tab_id, ThreadWatchers presence, ThreadStore threads, HttpContext context) =>
                AnswerAsync(thread_id, tab_id, presence.LeaveAsync, threads, context))
            .WithName("LeaveThread").WithSummary("This tab stopped watching (closed or left the conversation).");
        return app;
    }

    private static async Task<Results<Ok<WatchersResponse>, ProblemHttpResult>> AnswerAsync(
        string threadId, string tabId, Func<string, string, Task<long?>> change, ThreadStore threads, HttpContext context)
    {
        if (!ThreadWatchers.IsWellFormedTabId(tabId))
        {
            return TypedResults.Problem("A tab id is 8 to 64 letters, digits, '-' or '_', made up by the tab (random) and kept while it is open.",
                statusCode: StatusCodes.Status400BadRequest, title: "Invalid tab id");
        }
        // Another user's thread is as unknown as one that never existed (with sign-in on).
        if (!ThreadStore.IsWellFormedId(threadId) || !await threads.IsOwnedByAsync(threadId, context.User) || await change(threadId, tabId) is not { } watching)
        {
            return ThreadsApi.UnknownThreadProblem(threadId);
        }
        return TypedResults.Ok(new WatchersResponse(watching, (int)(ThreadWatchers.Ttl.TotalMilliseconds / 3)));
    }
}
