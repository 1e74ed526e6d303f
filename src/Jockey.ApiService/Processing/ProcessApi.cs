using Jockey.ApiService.Auth;
using Jockey.ApiService.Jockey;
using Jockey.ApiService.Threads;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jockey.ApiService.Processing;

public sealed record InitResponse(string ThreadId, string Status);

public static partial class ProcessApi
{
    public static IEndpointRouteBuilder MapProcessApi(this IEndpointRouteBuilder app)
    {
        var process = app.MapGroup("/api/process").WithTags("Processing");
        process.MapPost("/init", InitAsync).WithName("InitThread").WithSummary("Creates a thread (and its Jockey thread).");
        process.MapPost("/", ProcessAsync).WithName("Process").AddEndpointFilter(ProcessRateLimiter.FilterAsync)
            .WithSummary("Starts a run on a thread; answers 202 at once, progress arrives over /api/stream or the hub.");

        var operations = app.MapGroup("/api/operations").WithTags("Processing");
        operations.MapGet("/{operation_id}", GetAsync).WithName("GetOperation").WithSummary("The operation's current state (without its thread id).");
        operations.MapPost("/{operation_id}/cancel", CancelAsync).WithName("CancelOperation").WithSummary("Cancels the run, here and on the Jockey server.");
        return app;
    }

    private static async Task<Ok<InitResponse>> InitAsync(HttpContext context, ThreadStore threads, JockeyClient jockey, ILoggerFactory loggers, CancellationToken ct)
    {
        string? jockeyThreadId = null;
        try
        {
            jockeyThreadId = await jockey.CreateThreadAsync(ct);
        }
        catch (JockeyException ex)
        {
            // The thread still works: the first run retries, and if Jockey is still down it fails with this reason.
            LogJockeyThreadDeferred(loggers.CreateLogger(typeof(ProcessApi)), ex.Message);
        }
        var thread = await threads.CreateAsync(jockeyThreadId, context.User.OwnerId());
        return TypedResults.Ok(new InitResponse(thread.ThreadId, "initialized"));
    }

    private static async Task<Results<Accepted<Operation>, ValidationProblem, ProblemHttpResult>> ProcessAsync(ProcessRequest request, HttpContext context, ProcessingService processing) =>
        await processing.StartAsync(request, context.User) switch
        {
            ProcessOutcome.Accepted accepted => TypedResults.Accepted($"/api/operations/{accepted.Operation.OperationId}", accepted.Operation),
            ProcessOutcome.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors, "Fix the request and send it again.", title: "The request is not valid."),
            ProcessOutcome.NotFound notFound => TypedResults.Problem(notFound.Detail, statusCode: StatusCodes.Status404NotFound, title: "Unknown thread"),
            ProcessOutcome.Conflict conflict => TypedResults.Problem(conflict.Detail, statusCode: StatusCodes.Status409Conflict, title: "A run is already in progress",
                extensions: new Dictionary<string, object?> { ["active_operation_id"] = conflict.ActiveOperationId }),
            _ => throw new InvalidOperationException("Unknown outcome."),
        };

    // An operation id travels further than its thread's (a status link, a video's page), so what it shows names no thread.
    private static async Task<Results<Ok<OperationView>, ProblemHttpResult>> GetAsync(string operation_id, HttpContext context, ProcessingService processing) =>
        await processing.GetAsync(operation_id, context.User) is { } operation ? TypedResults.Ok(OperationView.Of(operation)) : UnknownOperation(operation_id);

    private static async Task<Results<Ok<OperationView>, ProblemHttpResult>> CancelAsync(string operation_id, HttpContext context, ProcessingService processing) =>
        await processing.CancelAsync(operation_id, context.User) is { } operation ? TypedResults.Ok(OperationView.Of(operation)) : UnknownOperation(operation_id);

    private static ProblemHttpResult UnknownOperation(string operationId) =>
        TypedResults.Problem($"Operation '{operationId}' does not exist or has expired.", statusCode: StatusCodes.Status404NotFound, title: "Unknown operation");

    [LoggerMessage(LogLevel.Warning, "Created a thread without a Jockey thread for now: {Reason}")]
    private static partial void LogJockeyThreadDeferred(ILogger logger, string reason);
}
