using System.Text.Json;
using Jockey.ApiService.Events;
using Jockey.ApiService.Processing;
using Jockey.ApiService.Streaming.Backplane;
using Jockey.ApiService.Threads;
using Microsoft.AspNetCore.SignalR;

namespace Jockey.ApiService.Streaming;

/// <summary>
/// <c>/hubs/jockey</c>. Clients call <c>Subscribe</c>, <c>Unsubscribe</c>, <c>Process</c>, <c>Cancel</c>; they receive
/// <c>update</c> (the same event JSON as SSE) and <c>operation</c>. Subscribe joins the live group before replaying,
/// so nothing falls between the two; the overlap may repeat an event, and clients drop repeats by seq.
/// </summary>
public sealed class JockeyHub(ThreadStore threads, ThreadEventLog log, ProcessingService processing, ProcessRateLimiter limiter, MemoryReducer reducer,
    HubLifetimeManager<JockeyHub> lifetime) : Hub
{
    private readonly JockeyHubLifetimeManager<JockeyHub> _backplane = lifetime as JockeyHubLifetimeManager<JockeyHub>
        ?? throw new InvalidOperationException($"The hub keeps what each connection holds of a thread in {nameof(JockeyHubLifetimeManager<JockeyHub>)}, not {lifetime.GetType().Name}.");

    public override Task OnConnectedAsync()
    {
        reducer.ConnectionOpened();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Refused while the backplane cannot confirm that what is published for this replica reaches it (after a broken
    /// Redis connection): a replay then could be followed by nothing, the run's end included. The client tries again.
    /// The backplane learns what the connection holds (from where it asked, then through the replay), so a catch-up after
    /// a break starts no lower than that.
    /// </summary>
    public async Task Subscribe(string threadId, long afterSeq)
    {
        if (!_backplane.IsLive) throw new HubException(LiveEventsPaused);
        if (await threads.GetAsync(threadId) is null || !await threads.IsOwnedByAsync(threadId, Context.User)) throw new HubException(UnknownThread.Message(threadId));
        var (group, held) = (ThreadNotifier.Group(threadId), Math.Max(0, afterSeq));
        await _backplane.AddToGroupAsync(Context.ConnectionId, group, held);
        await foreach (var stored in log.ReadAfterAsync(threadId, held, Context.ConnectionAborted))
        {
            await Clients.Caller.SendAsync("update", JsonElement.Parse(stored.Json), Context.ConnectionAborted);
            held = stored.Seq;
        }
        await _backplane.HoldAsync(Context.ConnectionId, group, held);
    }

    public const string LiveEventsPaused =
        "Live events are not reaching this server right now: its connection to the event store (Redis) broke and is coming back. Subscribe again in a moment; nothing is lost.";

    public Task Unsubscribe(string threadId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, ThreadNotifier.Group(threadId));

    public async Task<Operation> Process(ProcessRequest request)
    {
        if (await limiter.TryAcquireAsync(Context.GetHttpContext()) is { } wait) throw new HubException(ProcessRateLimiter.Describe(wait));
        return await StartAsync(request);
    }

    private async Task<Operation> StartAsync(ProcessRequest request) => await processing.StartAsync(request, Context.User) switch
    {
        ProcessOutcome.Accepted accepted => accepted.Operation,
        ProcessOutcome.Invalid invalid => throw new HubException(string.Join(" ", invalid.Errors.Values.SelectMany(messages => messages))),
        ProcessOutcome.NotFound notFound => throw new HubException(notFound.Detail),
        ProcessOutcome.Conflict conflict => throw new HubException(conflict.Detail),
        _ => throw new HubException("Unknown outcome."),
    };

    /// <summary>As <c>POST /api/operations/{id}/cancel</c>: an operation id alone is no way to learn the thread.</summary>
    public async Task<OperationView> Cancel(string operationId) =>
        await processing.CancelAsync(operationId, Context.User) is { } operation ? OperationView.Of(operation)
            : throw new HubException($"Operation '{operationId}' does not exist or has expired.");
}
