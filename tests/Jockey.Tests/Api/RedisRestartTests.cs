using System.Net;
using System.Text.Json;
using Jockey.Testing;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Api;

/// <summary>
/// An app whose Redis keeps its data on disk (as in dev and in Azure), so it can crash and come back; shared by the
/// tests that take Redis or the API away, each of which first mends what an earlier one left broken.
/// </summary>
public sealed class PersistentRedisFixture : ApiAppFixture
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("jockey-redis-");

    protected override void Configure(TestingOptions options)
    {
        base.Configure(options);
        options.AppHostSettings["AppHost:DataDirectory"] = _data.FullName;
        // These tests keep Redis away (or SUBSCRIBE refused) until a stream has ended: its grace need not make them wait.
        options.Environment("apiservice", "EventLog__BreakGrace", "00:00:01");
    }

    /// <summary>
    /// Starts Redis and the API again if an earlier test left them stopped, and waits until both serve — live events
    /// included, which come back a moment after Redis does.
    /// </summary>
    public async Task RestoreAsync(CancellationToken ct)
    {
        await App.EnsureRunningAsync("redis", cancellationToken: ct);
        await App.EnsureRunningAsync("apiservice", cancellationToken: ct);
        await WaitForHealthAsync("Healthy", ct);
    }

    /// <summary>Asks the API's /health until it reports <paramref name="status"/>.</summary>
    public async Task WaitForHealthAsync(string status, CancellationToken ct)
    {
        using var api = Api();
        await ApiSteps.WaitForHealthAsync(api, status, ct);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _data.Delete(recursive: true);
    }
}

[CollectionDefinition(Name)]
[RunsFor(60)]
public sealed class RedisFaultsCollection : ICollectionFixture<PersistentRedisFixture>
{
    public const string Name = "redis-faults";
}

/// <summary>
/// Redis is killed in the middle of a run and started again, nothing else restarted. The run keeps going: its events
/// wait, in order, and are written once Redis is back. Meanwhile /health says Unhealthy and new requests get a 503 that
/// says why; a subscriber reconnecting with Last-Event-ID, as EventSource does, sees every event once, in seq order.
/// </summary>
[Collection(RedisFaultsCollection.Name)]
public sealed class RedisRestartTests(PersistentRedisFixture fixture)
{
    [Fact]
    public async Task A_run_goes_on_through_a_redis_crash_and_a_reconnecting_subscriber_sees_every_event_once_in_order()
    {
        var ct = Timeout(180);
        await fixture.RestoreAsync(ct);
        using var api = fixture.Api();
        var threadId = await InitAsync(api, ct);
        var operationId = await StartOperationAsync(api, threadId, "held: through a Redis crash", ct);
        var watching = ReconnectingSubscriber.WatchAsync(api, threadId, EndOf(operationId), ct);
        await ReadMessagesAsync(StreamAsync(api, threadId, null, ct), e => e.GetProperty("text").GetString() == "Cutting your video… 50%");

        await fixture.App.KillAsync("redis");
        fixture.Jockey.ReleaseGate();
        // The run has reached an event it cannot write yet: it holds it.
        await fixture.App.WaitForLogAsync("apiservice", "holding writes until it is back", ct);
        await fixture.WaitForHealthAsync("Unhealthy", ct);
        using var refused = await api.PostAsync("/api/process/init", null, ct);
        await fixture.App.StartResourceAsync("redis", cancellationToken: ct);
        await fixture.App.WaitForResourceHealthyAsync("redis", ct);

        var events = await watching;
        var ended = await WaitForEndAsync(api, operationId, ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("The event store (Redis) is not reachable", await refused.Content.ReadAsStringAsync(ct));
        Assert.Equal("completed", ended.GetProperty("status").GetString());
        Assert.NotNull(ended.GetProperty("video_url").GetString());
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(Seq));
        Assert.Single(events, e => Name(e) == "video-ready");
        Assert.Equal("completed", Name(events[^1]));
        await fixture.WaitForHealthAsync("Healthy", ct);
    }
}
