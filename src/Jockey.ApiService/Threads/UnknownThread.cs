using Jockey.ApiService.Hosting;

namespace Jockey.ApiService.Threads;

/// <summary>What every endpoint says about a thread id it does not know (HTTP 404, hub error, WebSocket close reason).</summary>
public static class UnknownThread
{
    public static string Message(string threadId) =>
        $"Thread '{EchoedInput.Shorten(threadId)}' does not exist or has expired; call POST /api/process/init for a new one.";
}
