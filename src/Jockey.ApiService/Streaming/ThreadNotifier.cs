using System.Text.Json;
using Jockey.ApiService.Processing;
using Microsoft.AspNetCore.SignalR;

namespace Jockey.ApiService.Streaming;

/// <summary>
/// Pushes to SignalR clients of a thread on every replica (the hub's Redis backplane carries group sends).
/// A lost backplane message is not lost for good: clients resubscribe with their last seq and get a replay.
/// </summary>
public sealed partial class ThreadNotifier(IHubContext<JockeyHub> hub, ILogger<ThreadNotifier> logger)
{
    public static string Group(string threadId) => $"thread:{threadId}";

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
