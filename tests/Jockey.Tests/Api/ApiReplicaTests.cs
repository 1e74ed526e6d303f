using System.Text.Json;
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
    }
}

/// <summary>Two API replicas on one Redis: a run on one replica reaches subscribers on the other, and resume works across them.</summary>
public sealed class ApiReplicaTests(TwoReplicaFixture fixture) : IClassFixture<TwoReplicaFixture>
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

        var taken = await HeldRunAsync(a, b, "held: on a replica that dies", beforeRelease: () => fixture.App.KillAsync("apiservice", replica: 0), ct);

        Assert.Equal("completed", taken.Ended.GetProperty("status").GetString());
        Assert.NotNull(taken.Ended.GetProperty("video_url").GetString());
        Assert.Equal(Enumerable.Range(1, taken.Live.Count).Select(i => (long)i), taken.Live.Select(Seq));
        Assert.Equal(taken.Live.Select(e => e.GetRawText()), taken.Replayed.Select(e => e.GetRawText()));
        Assert.Equal(WhatHappened(reference.Live), WhatHappened(taken.Live));
        Assert.Equal("processing", (await ProcessAsync(b, taken.ThreadId, "normal: after the crash", ct)).GetProperty("status").GetString());
        // Aspire does not restart a crashed process; the next test needs both replicas again.
        await fixture.App.StartResourceAsync("apiservice", replica: 0, ct);
        await fixture.App.WaitForResourceHealthyAsync("apiservice", ct);
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
        var live = ReadMessagesAsync(StreamAsync(watcher, threadId, null, ct), EndOf(operationId));
        await ReadMessagesAsync(StreamAsync(watcher, threadId, null, ct), e => e.GetProperty("text").GetString() == "Cutting your video… 50%");
        await beforeRelease();
        fixture.Jockey.ReleaseGate();
        var ended = await WaitForEndAsync(watcher, operationId, ct);
        return new HeldRun(threadId, ended, await live, await ReadMessagesAsync(StreamAsync(watcher, threadId, null, ct), EndOf(operationId)));
    }

    /// <summary>A run's events as a person reads them: kind and words, without seqs, ids, URLs or the narration (its place varies).</summary>
    private static List<string> WhatHappened(List<JsonElement> events) =>
        [.. events.Where(e => Name(e) is not ("narration" or "user")).Select(e => $"{Name(e)}: {e.GetProperty("text").GetString()}")];
}
