using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Api;

/// <summary>
/// A thread's updates over the hub, watched the way the web app watches them (useJockeyHub.ts): when the connection
/// closes, or <c>Subscribe</c> is refused, it waits a moment, connects again and subscribes after the seqs it holds.
/// Updates are kept by seq, as docs/api.md asks (a live one may overtake the replay); it returns them in seq order once
/// it holds the stop event and every seq before it.
/// </summary>
public static class ReconnectingHubSubscriber
{
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(250);

    /// <param name="seen">Called with each new update as it arrives.</param>
    /// <param name="closed">Called each time the server closed a connection the watcher had subscribed on.</param>
    public static async Task<List<JsonElement>> WatchAsync(Uri replica, string threadId, Func<JsonElement, bool> stop, Action<JsonElement> seen,
        Action closed, CancellationToken ct)
    {
        var updates = new SortedDictionary<long, JsonElement>();
        long Held() => updates.Keys.TakeWhile((seq, i) => seq == i + 1).LastOrDefault();
        while (true)
        {
            var arriving = Channel.CreateUnbounded<JsonElement>();
            await using var hub = Hub(replica);
            hub.On<JsonElement>("update", update => arriving.Writer.TryWrite(update.Clone()));
            hub.Closed += _ =>
            {
                arriving.Writer.TryComplete();
                return Task.CompletedTask;
            };
            try
            {
                await hub.StartAsync(ct);
                await hub.InvokeAsync("Subscribe", threadId, Held(), ct);
                await foreach (var update in arriving.Reader.ReadAllAsync(ct))
                {
                    if (!updates.TryAdd(Seq(update), update)) continue;
                    seen(update);
                    if (updates.Values.Any(stop) && Held() == updates.Keys.Max()) return [.. updates.Values];
                }
                closed();
            }
            catch (Exception ex) when (ex is HubException or HttpRequestException or WebSocketException or IOException or InvalidOperationException
                                       || (ex is OperationCanceledException && !ct.IsCancellationRequested))
            {
                // Refused (live events paused), or the connection failed or closed: as the web app, try again shortly.
            }
            await Task.Delay(RetryPause, ct);
        }
    }
}
