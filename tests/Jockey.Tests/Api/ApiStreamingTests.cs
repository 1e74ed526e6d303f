using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Api;

/// <summary>Keep-alive, the hub's own Process/Cancel, and the trace that follows a request into the Jockey call.</summary>
[Collection(ApiCollection.Name)]
public sealed class ApiStreamingTests(ApiAppFixture fixture)
{
    [Fact]
    public async Task An_idle_stream_sends_ping_events()
    {
        var ct = Timeout();
        using var api = fixture.Api();
        var threadId = await InitAsync(api, ct);

        var received = new List<string>();
        await foreach (var item in StreamAsync(api, threadId, null, ct))
        {
            received.Add(item.EventType);
            if (received.Count == 2) break;
        }

        Assert.Equal(["ping", "ping"], received);
    }

    /// <summary>
    /// When a replica ends every stream at once (it stops, or its Redis subscription breaks), browsers reopen them after
    /// the stream's <c>retry:</c>; without one, Chromium waits 3 s, and every page in the same instant.
    /// </summary>
    [Fact]
    public async Task A_stream_opens_with_a_reconnect_time_for_the_browser_between_half_a_second_and_one_and_a_half()
    {
        var ct = Timeout();
        using var api = fixture.Api();
        var threadId = await InitAsync(api, ct);

        using var response = await api.GetAsync($"/api/stream?thread_id={threadId}", HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var parser = SseParser.Create(stream);
        // The first item of an idle thread's stream is its first ping; the retry field came before it.
        await using (var items = parser.EnumerateAsync(ct).GetAsyncEnumerator(ct)) Assert.True(await items.MoveNextAsync());

        Assert.InRange(parser.ReconnectionInterval, TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(1499));
    }

    [Fact]
    public async Task The_hub_starts_and_cancels_runs_and_reports_each_operation_state()
    {
        var ct = Timeout();
        using var api = fixture.Api();
        var threadId = await InitAsync(api, ct);
        var (hub, updates) = await SubscribeHubAsync(api, threadId, ct);
        await using var _ = hub;
        var states = new System.Collections.Concurrent.ConcurrentQueue<string>();
        hub.On<JsonElement>("operation", operation => states.Enqueue(operation.GetProperty("status").GetString()!));

        var started = await hub.InvokeAsync<JsonElement>("Process", new { text = "busy: via the hub", thread_id = threadId }, ct);
        var operationId = started.GetProperty("operation_id").GetString()!;
        await updates.WaitForAsync(e => Name(e) == "planner", ct);
        var cancelled = await hub.InvokeAsync<JsonElement>("Cancel", operationId, ct);

        Assert.Equal("processing", started.GetProperty("status").GetString());
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        Assert.DoesNotContain(threadId, cancelled.GetRawText());
        var events = await updates.WaitForAsync(EndOf(operationId), ct);
        // The narration event lands while the run goes on, so its place next to the planner's may vary.
        Assert.Equal(["user", "planner", "cancelled"], events.Select(Name).Where(n => n != "narration"));
        Assert.Single(events, e => Name(e) == "narration");
        while (states.Count < 2) await Task.Delay(50, ct);
        Assert.Equal(["processing", "cancelled"], states);
    }

    [Fact]
    public async Task Hub_errors_say_what_is_wrong()
    {
        var ct = Timeout();
        using var api = fixture.Api();
        var threadId = await InitAsync(api, ct);
        var (hub, _) = await SubscribeHubAsync(api, threadId, ct);
        await using var __ = hub;

        var unknown = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("Subscribe", "AAAAAAAAAAAAAAAAAAAAAAAA", 0L, ct));
        var empty = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<JsonElement>("Process", new { text = "", thread_id = threadId }, ct));

        Assert.Contains("does not exist", unknown.Message);
        Assert.Contains("Text is required", empty.Message);
    }

    [Fact]
    public async Task The_run_continues_the_trace_of_the_post_into_the_jockey_request_and_the_blob_upload()
    {
        var ct = Timeout();
        using var api = fixture.Api();
        var threadId = await InitAsync(api, ct);
        var traceId = ActivityTraceId.CreateRandom();
        var text = $"Trace me {traceId}";

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/process") { Content = JsonContent.Create(new { text, thread_id = threadId }) };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        using var response = await api.SendAsync(request, ct);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        var operationId = accepted.GetProperty("operation_id").GetString()!;
        Assert.Equal("completed", (await WaitForEndAsync(api, operationId, ct)).GetProperty("status").GetString());

        // The latest run request, as before; a failure names every one whole (once, in a full suite, it was in another trace).
        var traceParents = fixture.Jockey.TraceParents[text];
        Assert.True(traceParents[^1].StartsWith($"00-{traceId}-", StringComparison.Ordinal),
            $"The POST's trace is {traceId}; the run's requests to the Jockey server carried: {string.Join(", ", traceParents)}");
        var run = await fixture.Telemetry.WaitForSpanAsync(s => s.Name == "jockey.run" && s.Attributes.GetValueOrDefault("operation.id") == operationId, ct);
        var upload = await fixture.Telemetry.WaitForSpanAsync(s => s.Name == "blob.upload" && s.TraceId == run.TraceId, ct);
        Assert.Equal(traceId.ToHexString(), run.TraceId);
        Assert.Equal(threadId, run.Attributes["thread.id"]);
        Assert.Equal($"media/{accepted.GetProperty("media_id").GetString()}/{FakeJockeyServer.RenderedFile}", upload.Attributes["blob.path"]);
    }

    [Fact]
    public async Task Hub_subscribe_after_a_seq_replays_only_the_later_events_in_order()
    {
        var ct = Timeout();
        using var api = fixture.Api();
        var threadId = await InitAsync(api, ct);
        var operationId = await StartOperationAsync(api, threadId, "Make a sunrise video", ct);
        var everything = await ReadMessagesAsync(StreamAsync(api, threadId, null, ct), EndOf(operationId));

        var (hub, updates) = await SubscribeHubAsync(api, threadId, ct, afterSeq: 3);
        await using var _ = hub;
        var replayed = await updates.WaitForAsync(EndOf(operationId), ct);

        Assert.Equal(everything.Skip(3).Select(e => e.GetRawText()), replayed.Select(e => e.GetRawText()));
    }
}
