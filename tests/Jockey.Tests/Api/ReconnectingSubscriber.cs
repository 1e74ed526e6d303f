using System.Text.Json;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Api;

/// <summary>
/// A thread's SSE stream watched the way a browser's EventSource watches it: when the stream ends with an error or
/// cannot be opened (the API answers 503 while Redis is away), it waits a moment and reconnects with the last
/// event id it saw, until the stop event.
/// </summary>
public static class ReconnectingSubscriber
{
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(250);

    public static async Task<List<JsonElement>> WatchAsync(HttpClient api, string threadId, Func<JsonElement, bool> stop, CancellationToken ct)
    {
        var seen = new List<JsonElement>();
        while (true)
        {
            try
            {
                await foreach (var item in StreamAsync(api, threadId, seen.Count == 0 ? null : Seq(seen[^1]), ct))
                {
                    if (item.EventType == "error") break;
                    if (item.EventType != "message") continue;
                    var ev = JsonElement.Parse(item.Data);
                    seen.Add(ev);
                    if (stop(ev)) return seen;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                // Refused (503) or cut: as EventSource, try again shortly.
            }
            await Task.Delay(RetryPause, ct);
        }
    }
}
