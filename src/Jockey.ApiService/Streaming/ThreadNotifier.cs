using System.Text.Json;
using Jockey.ApiService.Processing;
using Jockey.ApiService.Streaming.Backplane;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace Jockey.ApiService.Streaming;

/// <summary>
/// Pushes to SignalR clients of a thread on every replica (the hub's Redis backplane carries group sends).
/// A lost backplane message is not lost for good: clients resubscribe with their last seq and get a replay.
/// </summary>
public sealed partial class ThreadNotifier(IHubContext<JockeyHub> hub, ILogger<ThreadNotifier> logger)
{
    private static readonly BackplaneChannels Channels = BackplaneChannels.Of<JockeyHub>();

    public static string Group(string threadId) => $"thread:{threadId}";

    /// <summary>
    /// The Redis channel the thread's group is delivered on. A replica subscribes it while a connection of its own is in
    /// the group (<see cref="JockeyHubLifetimeManager{THub}"/>), so with no subscriber no hub client of the thread is
    /// anywhere: a push would reach nobody, and a client that subscribes later replays the log.
    /// </summary>
    public static RedisChannel Channel(string threadId) => Channels.Group(Group(threadId));

    public Task UpdateAsync(string threadId, string eventJson) =>
        SendAsync(threadId, "update", JsonElement.Parse(eventJson));

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
