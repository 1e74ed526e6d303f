using Jockey.ApiService.Processing;
using Jockey.ApiService.Streaming.Backplane;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace Jockey.ApiService.Streaming;

/// <summary>
/// A thread's hub group on every replica: its channel, the pieces the event log's append script publishes a thread's
/// updates with (<see cref="Events.ThreadEventLog"/>), and the operation messages this replica sends itself.
/// A lost backplane message is not lost for good: clients resubscribe with their last seq and get a replay.
/// </summary>
public sealed partial class ThreadNotifier(IHubContext<JockeyHub> hub, HubLifetimeManager<JockeyHub> backplane, ILogger<ThreadNotifier> logger)
{
    private static readonly BackplaneChannels Channels = BackplaneChannels.Of<JockeyHub>();

    private readonly Lazy<InvocationPieces> _update = new(() => backplane is JockeyHubLifetimeManager<JockeyHub> jockey
        ? jockey.SplitInvocation("update")
        : throw new InvalidOperationException($"The event log publishes hub updates through {nameof(JockeyHubLifetimeManager<JockeyHub>)}, not {backplane.GetType().Name}."));

    private const string GroupPrefix = "thread:";

    public static string Group(string threadId) => GroupPrefix + threadId;

    /// <summary>The thread a group is of, or null for a group that is no thread's.</summary>
    public static string? ThreadOf(string group) => group.StartsWith(GroupPrefix, StringComparison.Ordinal) ? group[GroupPrefix.Length..] : null;

    /// <summary>
    /// The Redis channel the thread's group is delivered on. A replica subscribes it while a connection of its own is in
    /// the group (<see cref="JockeyHubLifetimeManager{THub}"/>), so with no subscriber no hub client of the thread is
    /// anywhere: an update would reach nobody, and a client that subscribes later replays the log.
    /// </summary>
    public static RedisChannel Channel(string threadId) => Channels.Group(Group(threadId));

    /// <summary>An <c>update</c> invocation's bytes around its argument, the event's JSON.</summary>
    public InvocationPieces Update => _update.Value;

    public Task OperationAsync(Operation operation) => SendAsync(operation.ThreadId, "operation", operation);

    private async Task SendAsync(string threadId, string method, object payload)
    {
        try
        {
            await hub.Clients.Group(Group(threadId)).SendAsync(method, payload);
        }
        catch (Exception ex)
        {
            // The event is already in the log; a failed push must not fail the run.
            LogSendFailed(ex, method, threadId);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Could not push {Method} to SignalR clients of thread {ThreadId}")]
    private partial void LogSendFailed(Exception ex, string method, string threadId);
}
