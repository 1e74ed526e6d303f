using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StackExchange.Redis;
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
    /// <summary>The client name of the API's shared Redis connection (the hub's backplane has one of its own).</summary>
    private const string ApiClientName = "Jockey.ApiService";

    [Fact]
    public async Task While_the_api_cannot_hear_live_events_new_streams_get_a_503_and_a_reconnecting_subscriber_still_sees_the_run_end()
    {
        var ct = Timeout(180);
        await fixture.RestoreAsync(ct);
        using var api = fixture.Api();
        var options = ConfigurationOptions.Parse(await fixture.App.GetConnectionStringAsync("redis", ct));
        options.AllowAdmin = true;
        await using var admin = await ConnectionMultiplexer.ConnectAsync(options);
        var redis = admin.GetServer(admin.GetEndPoints()[0]);
        var threadId = await InitAsync(api, ct);
        var operationId = await StartOperationAsync(api, threadId, "held: through a lost subscription", ct);
        var watching = ReconnectingSubscriber.WatchAsync(api, threadId, EndOf(operationId), ct);
        await using var stream = StreamAsync(api, threadId, null, ct).GetAsyncEnumerator(ct);
        await ReadMessagesAsync(Remaining(stream), e => e.GetProperty("text").GetString() == "Cutting your video… 50%");

        HttpStatusCode refusedStatus, stillRefusedStatus;
        string refusedProblem, liveEventsHealth;
        bool refusedSaysWhen;
        try
        {
            await redis.ExecuteAsync("ACL", "SETUSER", "default", "-subscribe");
            Assert.True(await DropApiSubscriptionAsync(redis) > 0, "No subscription connection of the API was found to drop.");
            // The open stream ends with an error event once the API has seen its subscription break.
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
            var checks = (await api.GetFromJsonAsync<JsonElement>("/health", ct)).GetProperty("checks");
            liveEventsHealth = checks.TryGetProperty("live-events", out var liveEvents) ? liveEvents.GetProperty("status").GetString()! : "(no live-events check)";
            Assert.Equal("error", ending);
        }
        finally
        {
            await redis.ExecuteAsync("ACL", "SETUSER", "default", "+subscribe");
            // The client's own resubscription of its other channels (a cancel from another replica) was refused too,
            // and it does not try again: a new connection makes it subscribe all of them, for the tests after this one.
            await DropApiSubscriptionAsync(redis);
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

    /// <summary>Closes the API's subscription connections from the Redis side; returns how many.</summary>
    private static async Task<int> DropApiSubscriptionAsync(IServer redis)
    {
        var dropped = 0;
        foreach (var client in await redis.ClientListAsync())
        {
            if (client.Name != ApiClientName || client.SubscriptionCount == 0) continue;
            await redis.ClientKillAsync(client.Id);
            dropped++;
        }
        return dropped;
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
