using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Api;

/// <summary>
/// Redis drops the API's subscription connection (as it drops a pub/sub client past its output buffer limit) and
/// refuses to let it subscribe again for a while, its other connection untouched: a run goes on writing events the
/// replica cannot hear. A stream opened meanwhile would replay the log and then wait for live events that never come —
/// the run's end among them. So the API refuses new streams with a 503 until its subscription is confirmed back, and a
/// subscriber that reconnects with Last-Event-ID then sees every event once, in order, up to the end.
/// </summary>
[Collection(RedisFaultsCollection.Name)]
public sealed class RedisSubscriptionLossTests(PersistentRedisFixture fixture)
{
    /// <summary>The client name of the API's shared Redis connection, which the SSE streams' live feed listens on.</summary>
    private const string ApiClientName = "Jockey.ApiService";

    /// <summary>The client name of the hub's backplane, which has a Redis connection of its own.</summary>
    private const string BackplaneClientName = "Jockey.ApiService-signalr";

    [Fact]
    public async Task While_the_api_cannot_hear_live_events_new_streams_get_a_503_and_a_reconnecting_subscriber_still_sees_the_run_end()
    {
        var ct = Timeout(180);
        var (api, threadId, operationId) = await StartHeldRunAsync("held: through a lost subscription", ct);
        using var http = api;
        await using var redis = await RedisAdmin.ConnectAsync(fixture.App, ct);
        var watching = ReconnectingSubscriber.WatchAsync(api, threadId, EndOf(operationId), ct);
        await using var stream = StreamAsync(api, threadId, null, ct).GetAsyncEnumerator(ct);
        await ReadMessagesAsync(Remaining(stream), e => e.GetProperty("text").GetString() == "Cutting your video… 50%");

        HttpStatusCode refusedStatus, stillRefusedStatus;
        string refusedProblem, liveEventsHealth;
        bool refusedSaysWhen;
        try
        {
            await redis.RefuseSubscribeAsync(true);
            Assert.True(await redis.DropSubscriptionsAsync(ApiClientName) > 0, "No subscription connection of the API was found to drop.");
            // Refused, the subscription does not come back within the grace (1 s here): the open stream ends with an error event.
            var ending = await ReadToEndAsync(stream);
            using (var refused = await OpenStreamAsync(api, threadId, ct))
            {
                refusedStatus = refused.StatusCode;
                // Read only if it is not a stream, which would never end.
                refusedProblem = refusedStatus == HttpStatusCode.OK ? "" : await refused.Content.ReadAsStringAsync(ct);
                refusedSaysWhen = refused.Headers.RetryAfter is not null;
            }
            fixture.Jockey.ReleaseGate();
            // The run ends meanwhile: its events are written, and published to a replica that cannot hear them.
            Assert.Equal("completed", (await WaitForEndAsync(api, operationId, ct)).GetProperty("status").GetString());
            using (var stillRefused = await OpenStreamAsync(api, threadId, ct)) stillRefusedStatus = stillRefused.StatusCode;
            liveEventsHealth = await LiveEventsHealthAsync(api, ct);
            Assert.Equal("error", ending);
        }
        finally
        {
            await redis.RefuseSubscribeAsync(false);
            // The client's own resubscription of its other channels (a cancel from another replica) was refused too,
            // and it does not try again: a new connection makes it subscribe all of them, for the tests after this one.
            await redis.DropSubscriptionsAsync(ApiClientName);
        }
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refusedStatus);
        Assert.Contains("Live events are not reaching this server right now", refusedProblem);
        Assert.True(refusedSaysWhen, "The 503 has no Retry-After.");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stillRefusedStatus);
        Assert.Equal("Degraded", liveEventsHealth);

        var events = await watching;
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(Seq));
        Assert.Single(events, e => Name(e) == "video-ready");
        Assert.Equal("completed", Name(events[^1]));
        await fixture.WaitForHealthAsync("Healthy", ct);
    }

    /// <summary>
    /// The same for the hub: the backplane's subscription connection dropped and SUBSCRIBE refused while the run ends.
    /// Its hub connections stay open through the grace (1 s here), and nothing brings the subscription back within it: so
    /// the API closes them (the client reconnects and subscribes with its last seq), and refuses <c>Subscribe</c> until
    /// every channel it listens on is confirmed back. (Heard again within the grace, a connection is caught up in place:
    /// <c>ApiReplicaTests</c>, <c>HubCatchUpTests</c>.)
    /// </summary>
    [Fact]
    public async Task While_the_hub_cannot_hear_its_groups_past_the_grace_it_closes_its_connections_refuses_subscribe_and_a_reconnecting_client_still_sees_the_run_end()
    {
        var ct = Timeout(180);
        var (api, threadId, operationId) = await StartHeldRunAsync("held: through a lost backplane subscription", ct);
        using var http = api;
        await using var redis = await RedisAdmin.ConnectAsync(fixture.App, ct);
        var (held, closed) = (new TaskCompletionSource(), new TaskCompletionSource());
        var watching = ReconnectingHubSubscriber.WatchAsync(api.BaseAddress!, threadId, EndOf(operationId),
            update => { if (update.GetProperty("text").GetString() == "Cutting your video… 50%") held.TrySetResult(); },
            () => closed.TrySetResult(), ct);
        await held.Task.WaitAsync(ct);

        Exception? refused;
        string liveEventsHealth;
        try
        {
            await redis.RefuseSubscribeAsync(true);
            Assert.True(await redis.DropSubscriptionsAsync(BackplaneClientName) > 0, "No subscription connection of the hub's backplane was found to drop.");
            // The API closes the watcher's connection once the grace has run out with the backplane still deaf.
            await closed.Task.WaitAsync(ct);
            await using (var late = Hub(api.BaseAddress!))
            {
                await late.StartAsync(ct);
                refused = await Record.ExceptionAsync(() => late.InvokeAsync("Subscribe", threadId, 0L, ct));
            }
            fixture.Jockey.ReleaseGate();
            // The run ends meanwhile; its updates are published to a group channel this replica cannot hear.
            Assert.Equal("completed", (await WaitForEndAsync(api, operationId, ct)).GetProperty("status").GetString());
            liveEventsHealth = await LiveEventsHealthAsync(api, ct);
        }
        finally
        {
            await redis.RefuseSubscribeAsync(false);
        }
        Assert.IsType<Microsoft.AspNetCore.SignalR.HubException>(refused);
        Assert.Contains("Live events are not reaching this server right now", refused.Message);
        Assert.Equal("Degraded", liveEventsHealth);

        var events = await watching;
        AssertHubReceivedWhatSseDid(await ReadMessagesAsync(StreamAsync(api, threadId, null, ct), EndOf(operationId)), events);
        Assert.Single(events, e => Name(e) == "video-ready");
        Assert.Equal("completed", Name(events[^1]));
        await fixture.WaitForHealthAsync("Healthy", ct);
    }

    /// <summary>
    /// A new thread whose run is under way and held at the fake Jockey's gate (released by the test), once Redis and
    /// the API are back from whatever an earlier test of the collection did to them.
    /// </summary>
    private async Task<(HttpClient Api, string ThreadId, string OperationId)> StartHeldRunAsync(string text, CancellationToken ct)
    {
        await fixture.RestoreAsync(ct);
        var api = fixture.Api();
        var threadId = await InitAsync(api, ct);
        return (api, threadId, await StartOperationAsync(api, threadId, text, ct));
    }

    /// <summary>What /health says of live events.</summary>
    private static async Task<string> LiveEventsHealthAsync(HttpClient api, CancellationToken ct)
    {
        var checks = (await api.GetFromJsonAsync<JsonElement>("/health", ct)).GetProperty("checks");
        return checks.TryGetProperty("live-events", out var liveEvents) ? liveEvents.GetProperty("status").GetString()! : "(no live-events check)";
    }

    /// <summary>A GET of the thread's stream, only as far as its status and headers.</summary>
    private static Task<HttpResponseMessage> OpenStreamAsync(HttpClient api, string threadId, CancellationToken ct) =>
        api.GetAsync($"/api/stream?thread_id={threadId}", HttpCompletionOption.ResponseHeadersRead, ct);

    /// <summary>Reads an open stream to its end; returns its last item's type.</summary>
    private static async Task<string> ReadToEndAsync(IAsyncEnumerator<System.Net.ServerSentEvents.SseItem<string>> stream)
    {
        var last = "";
        while (await stream.MoveNextAsync()) last = stream.Current.EventType;
        return last;
    }
}
