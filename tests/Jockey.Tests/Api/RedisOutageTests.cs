using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Jockey.Testing;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Api;

/// <summary>
/// Redis going away mid-stream: the live SSE stream says so and ends; new requests get a 503 that says why; what needs
/// no Redis — the library and its signed thumbnails — keeps working.
/// </summary>
[Collection(RedisFaultsCollection.Name)]
public sealed class RedisOutageTests(PersistentRedisFixture fixture)
{
    [Fact]
    public async Task When_redis_goes_away_a_live_stream_ends_with_an_error_event_new_requests_get_a_503_and_the_library_still_lists()
    {
        var ct = Timeout(150);
        await fixture.RestoreAsync(ct);
        using var api = fixture.Api();
        var threadId = await InitAsync(api, ct);

        var received = new List<SseItem<string>>();
        await foreach (var item in StreamAsync(api, threadId, null, ct))
        {
            received.Add(item);
            // The first ping means the stream has replayed the (empty) history and is live.
            if (received.Count == 1) await fixture.App.KillAsync("redis");
        }
        using var later = await api.GetAsync($"/api/stream?thread_id={threadId}", ct);
        // The shared signing key was loaded as the replica started: signing and checking a file URL need no Redis.
        var thumbnail = (await api.GetFromJsonAsync<JsonElement>($"/api/indexes/{FakeJockeyServer.IndexId}/videos", ct))[0].GetProperty("thumbnail_url").GetString()!;
        using var image = await api.GetAsync(thumbnail, ct);

        Assert.Equal("ping", received[0].EventType);
        var error = received[^1];
        Assert.Equal("error", error.EventType);
        Assert.Equal("The event store (Redis) is not reachable right now; reconnect with Last-Event-ID to resume.", error.Data);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, later.StatusCode);
        Assert.Equal("application/problem+json", later.Content.Headers.ContentType?.MediaType);
        Assert.Contains("The event store (Redis) is not reachable", await later.Content.ReadAsStringAsync(ct));
        Assert.NotNull(later.Headers.RetryAfter);
        Assert.StartsWith("/api/jockey/files/", thumbnail);
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/jpeg", image.Content.Headers.ContentType?.MediaType);
    }
}
