using System.Net.Http.Json;
using System.Text.Json;
using Jockey.Tests.Narration;
using Jockey.ApiService.Streaming;
using Microsoft.AspNetCore.SignalR.Client;
using StackExchange.Redis;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Api;

public sealed class TwoReplicaFixture : ApiAppFixture
{
    protected override int Replicas => 2;

    protected override void Configure(Jockey.Testing.TestingOptions options)
    {
        base.Configure(options);
        // A replica that dies frees its thread after this long (renewed every second while alive).
        options.Environment("apiservice", "Jockey__RunLease", "00:00:03");
        // The gated run waits for the test; no idle timeout may end it however long the test takes to get there.
        options.Environment("apiservice", "Jockey__IdleTimeout", "00:05:00");
        // A lost subscription here is always heard again within the grace: a stream rides through it (ApiReplicaTests).
        options.Environment("apiservice", "EventLog__BreakGrace", "00:10:00");
        options.Environment("apiservice", "Narration__Engine", "openai");
        options.Environment("apiservice", "Narration__OpenAi__Endpoint", Speech.BaseAddress.ToString());
    }

    /// <summary>The speech server the replicas narrate with, so a test can hold a narration mid-synthesis.</summary>
    public FakeOpenAiServer Speech { get; } = new();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Speech.DisposeAsync();
    }

    /// <summary>
    /// Starts the replica again if a test stopped it (Aspire does not restart it), and waits until both serve: the next
    /// test needs both, whether this one got as far as stopping it or not.
    /// </summary>
    public async Task RestartAsync(int replica)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await App.EnsureRunningAsync("apiservice", replica, timeout.Token);
    }
}

/// <summary>
/// One two-replica app for every class that needs two replicas: an app start costs more than most of their tests, and
/// a test that stops a replica starts it again (<see cref="TwoReplicaFixture.RestartAsync"/>).
/// </summary>
[CollectionDefinition(Name)]
[RunsFor(110)]
public sealed class TwoReplicaCollection : ICollectionFixture<TwoReplicaFixture>
{
    public const string Name = "two-replicas";
}

/// <summary>Two API replicas on one Redis: a run on one replica reaches subscribers on the other, and resume works across them.</summary>
[Collection(TwoReplicaCollection.Name)]
public sealed class ApiReplicaTests(TwoReplicaFixture fixture)
{
    [Fact]
    public async Task Sse_and_signalr_on_replica_a_see_every_event_of_a_run_posted_to_replica_b_once_and_in_order()
    {
        var ct = Timeout();
        using var a = fixture.Api(replica: 0);
        using var b = fixture.Api(replica: 1);
        var threadId = await InitAsync(b, ct);
        var (hub, hubUpdates) = await SubscribeHubAsync(a, threadId, ct);
        await using var _ = hub;
        var sse = StreamAsync(a, threadId, null, ct);

        var operationId = await StartOperationAsync(b, threadId, "Make a sunrise video", ct);
        var events = await ReadMessagesAsync(sse, EndOf(operationId));

        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(Seq));
        Assert.Equal("user", Name(events[0]));
        Assert.Equal("completed", Name(events[^1]));
        Assert.Contains(events, e => Name(e) == "video-ready");
        var hubEvents = await hubUpdates.WaitForAsync(EndOf(operationId), ct);
        AssertHubReceivedWhatSseDid(events, hubEvents);
        // The operation is readable on either replica.
        Assert.Equal("completed", (await GetOperationAsync(a, operationId, ct)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_run_pushes_its_events_to_the_hub_only_while_a_hub_client_of_its_thread_is_subscribed_on_some_replica()
    {
        var ct = Timeout();
        using var a = fixture.Api(replica: 0);
        using var b = fixture.Api(replica: 1);
        var threadId = await InitAsync(b, ct);
        // A pattern subscription reads the thread's hub channel without counting as its subscriber (PUBSUB NUMSUB).
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.App.GetConnectionStringAsync("redis", ct));
        var pushes = new ChannelMessages(await redis.GetSubscriber().SubscribeAsync(RedisChannel.Pattern(ThreadNotifier.Channel(threadId).ToString())));
        // The operation's end goes out after its last event: once it is on the channel, so is everything before it.
        static Func<IReadOnlyList<string>, bool> Ended(int runs) => messages => messages.Count(m => m.Contains("\"target\":\"operation\"") && m.Contains("\"completed\"")) == runs;

        // Only an SSE client: the run's events go out on the events channel, and none on the hub's.
        var first = await StartOperationAsync(b, threadId, "Make a sunrise video", ct);
        var sse = await ReadMessagesAsync(StreamAsync(a, threadId, null, ct), EndOf(first));
        var unheard = await pushes.WaitForAsync(Ended(1), ct);
        Assert.DoesNotContain(unheard, m => m.Contains("\"target\":\"update\""));

        // A hub client on replica A: the next run on B pushes each of its events once.
        var (hub, updates) = await SubscribeHubAsync(a, threadId, ct, afterSeq: Seq(sse[^1]));
        await using var _ = hub;
        var second = await StartOperationAsync(b, threadId, "Make a sunset video", ct);
        var received = await updates.WaitForAsync(EndOf(second), ct);
        var heard = await pushes.WaitForAsync(Ended(2), ct);
        Assert.Equal(received.Count, heard.Count(m => m.Contains("\"target\":\"update\"")));
        Assert.Equal(Seq(sse[^1]) + 1, Seq(received[0]));
    }

    [Fact]
    public async Task Sse_dropped_mid_run_and_resumed_on_the_other_replica_with_last_event_id_has_no_gap_and_no_duplicate()
    {
        var ct = Timeout();
        using var a = fixture.Api(replica: 0);
        using var b = fixture.Api(replica: 1);
        var threadId = await InitAsync(a, ct);
        var operationId = await StartOperationAsync(a, threadId, "gated: resume me", ct);

        // First half on A, then the connection drops (the enumeration ends and disposes the response).
        var before = await ReadMessagesAsync(StreamAsync(a, threadId, null, ct), e => e.GetProperty("text").GetString() == "Cutting your video… 50%");
        fixture.Jockey.ReleaseGate();
        var after = await ReadMessagesAsync(StreamAsync(b, threadId, Seq(before[^1]), ct), EndOf(operationId));

        var all = before.Concat(after).ToList();
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(Seq));
        Assert.Equal(
            Enumerable.Range(1, 10).Select(i => i == 10 ? "Video cut" : $"Cutting your video… {i * 10}%"),
            all.Where(e => Name(e) == "progress").Select(e => e.GetProperty("text").GetString()));
        Assert.Equal("completed", Name(all[^1]));
    }

    [Fact]
    public async Task Resume_with_the_query_parameter_replays_only_what_came_after()
    {
        var ct = Timeout();
        using var a = fixture.Api(replica: 0);
        using var b = fixture.Api(replica: 1);
        var threadId = await InitAsync(a, ct);
        var operationId = await StartOperationAsync(a, threadId, "Make a sunrise video", ct);
        var everything = await ReadMessagesAsync(StreamAsync(a, threadId, null, ct), EndOf(operationId));

        var request = $"/api/stream?thread_id={threadId}&last_event_id=3";
        using var response = await b.GetAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var replayed = await ReadMessagesAsync(System.Net.ServerSentEvents.SseParser.Create(body).EnumerateAsync(ct), EndOf(operationId));

        Assert.Equal(everything.Skip(3).Select(e => e.GetRawText()), replayed.Select(e => e.GetRawText()));
    }

    /// <summary>
    /// The replica running a run is killed while the run waits at the fake's gate. The other replica takes the operation
    /// over, rejoins the Jockey run after the last frame whose events were written, and the run completes: a subscriber
    /// on the surviving replica sees every event once, in seq order — the same events as the same run without the fault.
    /// </summary>
    [Fact]
    public async Task A_run_whose_replica_dies_is_taken_over_by_the_other_and_completes_with_every_event_once()
    {
        var ct = Timeout(120);
        using var a = fixture.Api(replica: 0);
        using var b = fixture.Api(replica: 1);
        var reference = await HeldRunAsync(b, b, "held: the same run without a fault", beforeRelease: () => Task.CompletedTask, ct);
        try
        {
            const string text = "held: on a replica that dies";
            var taken = await HeldRunAsync(a, b, text, beforeRelease: () => fixture.App.KillAsync("apiservice", replica: 0), ct);

            AssertCompletedAsWithoutTheFault(reference, taken);
            // The surviving replica rejoined the run in the trace of the request that started it, not a trace of its own.
            var started = fixture.Jockey.TraceParents[text][^1];
            var rejoined = fixture.Jockey.JoinTraceParents[fixture.Jockey.RunIds[text]];
            Assert.StartsWith("00-", started);
            Assert.All(rejoined, join => Assert.Equal(TraceId(started), TraceId(join)));
            Assert.Equal("processing", (await ProcessAsync(b, taken.ThreadId, "normal: after the crash", ct)).GetProperty("status").GetString());
        }
        finally
        {
            await fixture.RestartAsync(replica: 0);
        }
    }

    /// <summary>
    /// Replica A's subscription is dropped and SUBSCRIBE refused while the run, on replica B, ends: its last events are
    /// published to a replica that cannot hear them. A's open SSE stream stays open (no reconnect, no error event), and
    /// once A hears again it gets what it missed from the log, every event once and in order, up to the run's end.
    /// </summary>
    [Fact]
    public async Task An_sse_stream_rides_through_its_replicas_lost_subscription_and_gets_what_was_published_meanwhile()
    {
        var ct = Timeout(120);
        using var a = fixture.Api(replica: 0);
        using var b = fixture.Api(replica: 1);
        var threadId = await InitAsync(b, ct);
        var operationId = await StartOperationAsync(b, threadId, "held: while replica A cannot hear", ct);
        await using var stream = StreamAsync(a, threadId, null, ct).GetAsyncEnumerator(ct);
        var before = await ReadMessagesAsync(Remaining(stream), e => e.GetProperty("text").GetString() == "Cutting your video… 50%");
        await EndRunWhileDeafAsync(a, b, "Jockey.ApiService", operationId, ct);

        var after = await ReadMessagesAsync(Remaining(stream), EndOf(operationId));
        await AssertWholeRunOnceInOrderAsync(before.Concat(after).ToList(), a, b, ct);
    }

    /// <summary>
    /// The same for a hub connection: replica A's backplane subscription dropped and SUBSCRIBE refused while the run, on
    /// replica B, ends. A keeps the connection open (it never closes, no resubscription), and once A hears again it sends
    /// the thread's group what its log got meanwhile: every event once, in order, up to the run's end.
    /// </summary>
    [Fact]
    public async Task A_hub_connection_rides_through_its_replicas_lost_subscription_and_gets_what_was_published_meanwhile()
    {
        var ct = Timeout(120);
        using var a = fixture.Api(replica: 0);
        using var b = fixture.Api(replica: 1);
        var threadId = await InitAsync(b, ct);
        // Subscribed before the run starts, so nothing is both replayed and sent live: every update arrives once.
        var (hub, updates) = await SubscribeHubAsync(a, threadId, ct);
        await using var connection = hub;
        var operationId = await StartOperationAsync(b, threadId, "held: while replica A's hub cannot hear", ct);
        var closed = new TaskCompletionSource();
        hub.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        await updates.WaitForAsync(e => e.GetProperty("text").GetString() == "Cutting your video… 50%", ct);
        await EndRunWhileDeafAsync(a, b, "Jockey.ApiService-signalr", operationId, ct);

        await AssertWholeRunOnceInOrderAsync(await updates.WaitForAsync(EndOf(operationId), ct), a, b, ct);
        Assert.False(closed.Task.IsCompleted, "The hub connection was closed.");
        Assert.Equal(HubConnectionState.Connected, hub.State);
    }

    /// <summary>
    /// Ends the held run on <paramref name="runner"/> while <paramref name="deaf"/> cannot hear it: Redis drops the
    /// subscription connection of the Redis client named <paramref name="client"/> and refuses SUBSCRIBE until the run
    /// has ended, so its last events are published to a replica that does not listen.
    /// </summary>
    private async Task EndRunWhileDeafAsync(HttpClient deaf, HttpClient runner, string client, string operationId, CancellationToken ct)
    {
        await using var redis = await RedisAdmin.ConnectAsync(fixture.App, ct);
        try
        {
            await redis.RefuseSubscribeAsync(true);
            Assert.True(await redis.DropSubscriptionsAsync(client) > 0, $"No subscription connection of {client} was found to drop.");
            await WaitForHealthAsync(deaf, "Degraded", ct);
            fixture.Jockey.ReleaseGate();
            Assert.Equal("completed", (await WaitForEndAsync(runner, operationId, ct)).GetProperty("status").GetString());
        }
        finally
        {
            await redis.RefuseSubscribeAsync(false);
        }
    }

    /// <summary>Every event of the run once, in seq order, to its end; then both replicas hear again.</summary>
    private static async Task AssertWholeRunOnceInOrderAsync(List<JsonElement> all, HttpClient a, HttpClient b, CancellationToken ct)
    {
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(Seq));
        Assert.Equal("completed", Name(all[^1]));
        Assert.Single(all, e => Name(e) == "video-ready");
        await WaitForHealthAsync(a, "Healthy", ct);
        await WaitForHealthAsync(b, "Healthy", ct);
    }

    /// <summary>Negotiate keeps nothing on the replica that answers it, so the socket may open on any replica.</summary>
    [Fact]
    public async Task A_client_that_negotiates_with_one_replica_is_served_by_the_other()
    {
        var ct = Timeout();
        using var a = fixture.Api(replica: 0);
        using var b = fixture.Api(replica: 1);
        var threadId = await InitAsync(b, ct);
        using var negotiated = await a.PostAsync("/hubs/jockey/negotiate?negotiateVersion=1", null, ct);
        var token = (await negotiated.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("connectionToken").GetString();

        await using var hub = await RawHubSocket.ConnectAsync(b.BaseAddress!, ct, $"?id={Uri.EscapeDataString(token!)}");
        await hub.SendAsync($$"""{"type":1,"invocationId":"1","target":"Subscribe","arguments":["{{threadId}}",0]}""", ct);

        var completion = await hub.NextCompletionAsync(ct);
        Assert.False(completion.TryGetProperty("error", out var error), $"Subscribe failed: {error}");
    }

    /// <summary>
    /// SIGTERM — a platform stopping or scaling in a replica — while that replica runs a run and has an SSE stream, a
    /// hub connection and an audio socket open: it exits with code 0, its SSE stream ends as a response (its client
    /// reconnects elsewhere), and the run is handed to the other replica rather than failed, completing with every
    /// event once, the same events as without the stop.
    /// </summary>
    [Fact]
    public async Task A_replica_stopped_with_sigterm_mid_run_exits_cleanly_and_the_other_replica_completes_its_run()
    {
        var ct = Timeout(120);
        using var a = fixture.Api(replica: 0);
        using var b = fixture.Api(replica: 1);
        var reference = await HeldRunAsync(b, b, "held: the same run without a stop", beforeRelease: () => Task.CompletedTask, ct);
        await using var sockets = await OpenSockets.OpenAsync(a, await InitAsync(a, ct), ct);
        await using var hub = await RawHubSocket.ConnectAsync(a.BaseAddress!, ct);
        int? exitCode = null;
        try
        {
            var handed = await HeldRunAsync(a, b, "held: on a replica that is stopped",
                beforeRelease: async () => exitCode = await fixture.App.TerminateAsync("apiservice", "Jockey.ApiService", replica: 0, ct), ct);

            AssertExitedCleanly(fixture.App, "apiservice", exitCode);
            // Ended when the stop began, not cut off when the server gave up waiting for it: the stream as a response
            // ends, the hub's socket with a close that tells its client to reconnect.
            await sockets.AssertSseEndedAsync();
            await hub.ReadToCloseAsync(ct);
            Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable, hub.CloseStatus);
            Assert.Contains("reconnect", hub.CloseReason);
            AssertCompletedAsWithoutTheFault(reference, handed);
        }
        finally
        {
            await fixture.RestartAsync(replica: 0);
        }
    }

    /// <summary>
    /// Redis stalls (<c>CLIENT PAUSE</c>) for longer than the replicas' command timeout while a run waits at the fake's
    /// gate: every Redis call in that time times out — the lease renewals, the takeover scans, the health checks. No
    /// replica stops over it, and once Redis answers again the run completes with every event once, the same events as
    /// without the stall (whether its replica kept it or the lease lapsed and the other took it over).
    /// </summary>
    [Fact]
    public async Task A_redis_stall_longer_than_the_command_timeout_stops_no_replica_and_the_run_still_completes()
    {
        var ct = Timeout(120);
        using var a = fixture.Api(replica: 0);
        using var b = fixture.Api(replica: 1);
        var reference = await HeldRunAsync(b, b, "held: the same run without a stall", beforeRelease: () => Task.CompletedTask, ct);
        int?[] services = [.. Enumerable.Range(0, 2).Select(r => fixture.App.ServicePid("apiservice", "Jockey.ApiService", r))];

        var stalled = await HeldRunAsync(a, b, "held: through a Redis stall", beforeRelease: () => StallRedisAsync(ct), ct);

        AssertCompletedAsWithoutTheFault(reference, stalled);
        Assert.Equal(services, Enumerable.Range(0, 2).Select(r => fixture.App.ServicePid("apiservice", "Jockey.ApiService", r)));
    }

    /// <summary>Pauses every client of Redis for twice the client's 5-s command timeout; returns once Redis answers again.</summary>
    private async Task StallRedisAsync(CancellationToken ct)
    {
        var options = ConfigurationOptions.Parse(await fixture.App.GetConnectionStringAsync("redis", ct));
        options.AllowAdmin = true;
        options.AsyncTimeout = options.SyncTimeout = 60_000;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var server = redis.GetServers()[0];
        await server.ExecuteAsync("CLIENT", "PAUSE", "10000", "ALL");
        // Queued behind the pause: answered when it ends.
        await redis.GetDatabase().PingAsync();
    }

    /// <summary>
    /// The replica running a run dies while it is still synthesizing the request's narration (the speech server holds
    /// the second half back). The replica that takes the run over records the narration as failed and ends its audio
    /// with an error frame, so a listener hears that it ended; the run goes on and completes.
    /// </summary>
    [Fact]
    public async Task A_narration_cut_off_by_its_replicas_death_ends_for_its_listener_and_the_run_still_completes()
    {
        var ct = Timeout(120);
        using var a = fixture.Api(replica: 0);
        using var b = fixture.Api(replica: 1);
        var threadId = await InitAsync(b, ct);
        await using var listener = await AudioClient.ConnectAsync(fixture.App.GetEndpoint("apiservice", 1), threadId, ct);
        await listener.ReceiveJsonAsync(ct);
        fixture.Speech.HoldSpeechHalfway();
        try
        {
            // The answer waits for the narration, which cannot finish: the request is open until its replica dies.
            var accepting = ProcessAsync(a, threadId, "held: narrated by a replica that dies", ct);
            var operationId = (await listener.ReceiveJsonAsync(ct)).GetProperty("operation_id").GetString()!;
            Assert.NotNull((await listener.ReceiveAsync(ct))?.Pcm);
            await ReadMessagesAsync(StreamAsync(b, threadId, null, ct), e => e.GetProperty("text").GetString() == "Cutting your video… 50%");

            await fixture.App.KillAsync("apiservice", replica: 0);
            // Only replica A's synthesis was to be cut off: the result narration at the run's end is spoken in full.
            fixture.Speech.ReleaseSpeech();
            fixture.Jockey.ReleaseGate();
            var ended = await WaitForEndAsync(b, operationId, ct);
            var events = await ReadMessagesAsync(StreamAsync(b, threadId, null, ct), EndOf(operationId));
            var audioEnd = await NextErrorFrameAsync(listener, ct);

            await Assert.ThrowsAnyAsync<HttpRequestException>(() => accepting);
            Assert.Equal("completed", ended.GetProperty("status").GetString());
            const string Reason = "The API replica synthesizing it stopped before it finished; the run goes on without it.";
            Assert.Equal(Reason, ended.GetProperty("narration_error").GetString());
            Assert.Equal(["Narration failed: " + Reason],
                events.Where(e => Name(e) == "narration" && e.GetProperty("data").GetProperty("kind").GetString() == "request").Select(e => e.GetProperty("text").GetString()));
            Assert.Equal("error", audioEnd.GetProperty("type").GetString());
            Assert.Equal("replica_stopped", audioEnd.GetProperty("code").GetString());
            Assert.Equal(operationId, audioEnd.GetProperty("operation_id").GetString());
        }
        finally
        {
            fixture.Speech.ReleaseSpeech();
            await fixture.RestartAsync(replica: 0);
        }
    }

    /// <summary>The next error frame, past the PCM chunks still on their way and any other narration's frames.</summary>
    private static async Task<JsonElement> NextErrorFrameAsync(AudioClient client, CancellationToken ct)
    {
        while (true)
        {
            var frame = await client.ReceiveAsync(ct) ?? throw new InvalidOperationException("The audio socket closed.");
            if (frame.Json is { } json && json.GetProperty("type").GetString() == "error") return json;
        }
    }

    private sealed record HeldRun(string ThreadId, JsonElement Ended, List<JsonElement> Live, List<JsonElement> Replayed);

    /// <summary>
    /// A held run started on <paramref name="starter"/> and watched live on <paramref name="watcher"/>; once the run waits
    /// at the gate, <paramref name="beforeRelease"/> happens, then the gate opens.
    /// </summary>
    private async Task<HeldRun> HeldRunAsync(HttpClient starter, HttpClient watcher, string text, Func<Task> beforeRelease, CancellationToken ct)
    {
        var threadId = await InitAsync(watcher, ct);
        var operationId = await StartOperationAsync(starter, threadId, text, ct);
        // The live stream has the run up to where it waits before the fault: a stream still opening when a fault
        // begins (its request not yet served, under load) would meet the fault instead of riding through it.
        await using var stream = StreamAsync(watcher, threadId, null, ct).GetAsyncEnumerator(ct);
        var before = await ReadMessagesAsync(Remaining(stream), e => e.GetProperty("text").GetString() == "Cutting your video… 50%");
        await beforeRelease();
        fixture.Jockey.ReleaseGate();
        var ended = await WaitForEndAsync(watcher, operationId, ct);
        var after = await ReadMessagesAsync(Remaining(stream), EndOf(operationId));
        return new HeldRun(threadId, ended, [.. before, .. after], await ReadMessagesAsync(StreamAsync(watcher, threadId, null, ct), EndOf(operationId)));
    }

    /// <summary>The run completed with its video, every event once in seq order live and on replay, as the same run without the fault did.</summary>
    private static void AssertCompletedAsWithoutTheFault(HeldRun reference, HeldRun run)
    {
        Assert.Equal("completed", run.Ended.GetProperty("status").GetString());
        Assert.NotNull(run.Ended.GetProperty("video_url").GetString());
        Assert.Equal(Enumerable.Range(1, run.Live.Count).Select(i => (long)i), run.Live.Select(Seq));
        Assert.Equal(run.Live.Select(e => e.GetRawText()), run.Replayed.Select(e => e.GetRawText()));
        Assert.Equal(WhatHappened(reference.Live), WhatHappened(run.Live));
    }

    /// <summary>The trace id of a W3C <c>traceparent</c>.</summary>
    private static string TraceId(string traceParent) => traceParent.Split('-') is [_, var traceId, ..] ? traceId : $"(not a traceparent: '{traceParent}')";

    /// <summary>A run's events as a person reads them: kind and words, without seqs, ids, URLs or the narration (its place varies).</summary>
    private static List<string> WhatHappened(List<JsonElement> events) =>
        [.. events.Where(e => Name(e) is not ("narration" or "user")).Select(e => $"{Name(e)}: {e.GetProperty("text").GetString()}")];
}

/// <summary>What a Redis subscription received, as text, in the order Redis sent it.</summary>
internal sealed class ChannelMessages
{
    private readonly List<string> _received = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _arrived = new(0);

    public ChannelMessages(ChannelMessageQueue queue) => queue.OnMessage(message =>
    {
        lock (_gate) _received.Add(System.Text.Encoding.UTF8.GetString((byte[])message.Message!));
        _arrived.Release();
    });

    public async Task<List<string>> WaitForAsync(Func<IReadOnlyList<string>, bool> done, CancellationToken ct)
    {
        while (true)
        {
            List<string> snapshot;
            lock (_gate) snapshot = [.. _received];
            if (done(snapshot)) return snapshot;
            await _arrived.WaitAsync(ct);
        }
    }
}
