using System.Diagnostics;
using System.Net.Http.Json;
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

        await foreach (var item in StreamAsync(api, threadId, null, ct))
        {
            Assert.Equal("ping", item.EventType);
            break;
        }
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

        var started = await hub.InvokeAsync<JsonElement>("Process", new { text = "hang: via the hub", thread_id = threadId }, ct);
        var operationId = started.GetProperty("operation_id").GetString()!;
        await updates.WaitForAsync(e => Name(e) == "planner", ct);
        var cancelled = await hub.InvokeAsync<JsonElement>("Cancel", operationId, ct);

        Assert.Equal("processing", started.GetProperty("status").GetString());
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
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
    public async Task The_run_continues_the_trace_of_the_post_into_the_jockey_request()
    {
        var ct = Timeout();
        using var api = fixture.Api();
        var threadId = await InitAsync(api, ct);
        var traceId = ActivityTraceId.CreateRandom();
        var text = $"Trace me {traceId}";

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/process") { Content = JsonContent.Create(new { text, thread_id = threadId }) };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        using var response = await api.SendAsync(request, ct);
        var operationId = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("operation_id").GetString()!;
        await WaitForEndAsync(api, operationId, ct);

        Assert.StartsWith($"00-{traceId}-", fixture.Jockey.TraceParents[text]);
    }
}
