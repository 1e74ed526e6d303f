using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Api;

/// <summary>Runs through the API against the fake Jockey: the happy path, failures, cancel, one run per thread.</summary>
[Collection(ApiCollection.Name)]
public sealed class ApiRunTests(ApiAppFixture fixture)
{
    [Fact]
    public async Task A_run_streams_its_events_in_order_over_sse_and_signalr_and_stores_the_rendered_video()
    {
        var ct = Timeout();
        using var api = fixture.Api();
        var threadId = await InitAsync(api, ct);
        var (hub, hubUpdates) = await SubscribeHubAsync(api, threadId, ct);
        await using var _ = hub;
        var sse = StreamAsync(api, threadId, null, ct);

        var operation = await ProcessAsync(api, threadId, "Make a short sunrise video", ct);
        var operationId = operation.GetProperty("operation_id").GetString()!;
        Assert.Equal("processing", operation.GetProperty("status").GetString());
        Assert.Equal("Make a short sunrise video", operation.GetProperty("response").GetProperty("original_text").GetString());
        Assert.Contains("/narration.ogg", operation.GetProperty("audio_urls").GetProperty("main").GetString());
        Assert.False(operation.GetProperty("stats").GetProperty("streaming_enabled").GetBoolean());

        var events = await ReadMessagesAsync(sse, EndOf(operationId));

        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(Seq));
        var names = events.Select(Name).ToList();
        string[] milestones = ["user", "planner", "instructor", "search-results", "progress", "video-ready", "reflect", "completed"];
        Assert.Equal(milestones, names.Where(milestones.Contains).Distinct());
        Assert.Single(names, "search-results");
        Assert.Single(names, "video-ready");
        // The agent streamed the closing message token by token; it arrives whole, in fewer events, the last one final.
        var reflect = events.Where(e => Name(e) == "reflect").ToList();
        Assert.Equal(FakeJockeyServer.ReflectText, string.Concat(reflect.Select(e => e.GetProperty("text").GetString())));
        Assert.True(reflect.Count < FakeJockeyServer.ReflectText.Split(' ').Length, $"{reflect.Count} reflect events for as many tokens");
        Assert.Equal([.. Enumerable.Repeat(false, reflect.Count - 1), true], reflect.Select(e => e.GetProperty("data").GetProperty("final").GetBoolean()));

        var clip = events.Single(e => Name(e) == "search-results").GetProperty("data").GetProperty("clips")[0];
        Assert.StartsWith("/api/jockey/files/sample/v1.jpg?exp=", clip.GetProperty("thumbnail_url").GetString());
        using (var thumbnail = await api.GetAsync(clip.GetProperty("thumbnail_url").GetString(), ct))
        {
            Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
            Assert.Equal("image/jpeg", thumbnail.Content.Headers.ContentType?.MediaType);
        }
        // The clip's source video plays through the API too, seekable: a player asks for the segment's bytes.
        Assert.StartsWith("/api/jockey/files/sample/v1.mp4?exp=", clip.GetProperty("video_url").GetString());
        using (var segment = new HttpRequestMessage(HttpMethod.Get, clip.GetProperty("video_url").GetString()))
        {
            segment.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(100, 1123);
            using var partial = await api.SendAsync(segment, ct);
            Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
            Assert.Equal(fixture.Jockey.Video.AsSpan(100, 1024).ToArray(), await partial.Content.ReadAsByteArrayAsync(ct));
        }

        var ready = events.Single(e => Name(e) == "video-ready").GetProperty("data");
        Assert.Equal(FakeJockeyServer.RenderedFile, ready.GetProperty("file_name").GetString());
        Assert.Equal(9, ready.GetProperty("duration").GetDouble());
        Assert.Equal($"/api/media/{operation.GetProperty("media_id").GetString()}/{FakeJockeyServer.RenderedFile}", ready.GetProperty("media_url").GetString());
        Assert.Equal("combine-clips", ready.GetProperty("tool_call").GetProperty("name").GetString());

        var finished = await GetOperationAsync(api, operationId, ct);
        Assert.Equal("completed", finished.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, finished.GetProperty("timeline").GetProperty("end_time").ValueKind);
        var videoUrl = finished.GetProperty("video_url").GetString()!;
        Assert.Equal(videoUrl, ready.GetProperty("video_url").GetString());
        Assert.Contains("sp=r", videoUrl);
        using var anonymous = new HttpClient();
        Assert.Equal(fixture.Jockey.Video, await anonymous.GetByteArrayAsync(videoUrl, ct));

        using var redirect = await api.GetAsync(ready.GetProperty("media_url").GetString(), ct);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal(fixture.Jockey.Video, await anonymous.GetByteArrayAsync(redirect.Headers.Location, ct));
        // Download: the storage service itself answers with an attachment, so the browser saves the file and stays on the page.
        using var download = await api.GetAsync(ready.GetProperty("media_url").GetString() + "?download=true&name=" + Uri.EscapeDataString("Ocean + Forest, 10 s"), ct);
        Assert.Equal(HttpStatusCode.Redirect, download.StatusCode);
        using var saved = await anonymous.GetAsync(download.Headers.Location, ct);
        Assert.Equal("attachment", saved.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("Ocean + Forest, 10 s.mp4", saved.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(fixture.Jockey.Video, await saved.Content.ReadAsByteArrayAsync(ct));

        var hubEvents = await hubUpdates.WaitForAsync(EndOf(operationId), ct);
        AssertHubReceivedWhatSseDid(events, hubEvents);

        var thread = await api.GetFromJsonAsync<JsonElement>($"/api/threads/{threadId}", ct);
        Assert.Equal(events.Count, thread.GetProperty("last_seq").GetInt64());
        Assert.Equal(JsonValueKind.Null, thread.GetProperty("active_operation_id").ValueKind);
        Assert.Equal(operationId, thread.GetProperty("operations")[0].GetProperty("operation_id").GetString());
    }

    [Theory]
    [InlineData("error: a run the agent rejects", "Jockey reported an error: ValueError: TWELVE_LABS_API_KEY is not set", false)]
    [InlineData("cut: a stream that breaks off", "closed the stream before the run finished", true)]
    [InlineData("hang: a run that goes silent", "sent nothing for 4 s", true)]
    [InlineData("notsse: a URL that is not LangGraph", "instead of an event stream", true)]
    [InlineData("http500: a server error", "answered 500 Internal Server Error to POST /threads/", true)]
    public async Task A_failing_run_ends_failed_with_a_readable_reason_and_the_api_keeps_serving(string text, string reason, bool namesServer)
    {
        var ct = Timeout();
        using var api = fixture.Api();
        var threadId = await InitAsync(api, ct);
        var operationId = await StartOperationAsync(api, threadId, text, ct);

        var events = await ReadMessagesAsync(StreamAsync(api, threadId, null, ct), EndOf(operationId));

        var failed = events[^1];
        Assert.Equal(("failed", "error"), (Name(failed), failed.GetProperty("type").GetString()));
        Assert.Contains(reason, failed.GetProperty("data").GetProperty("reason").GetString());
        var operation = await GetOperationAsync(api, operationId, ct);
        Assert.Equal("failed", operation.GetProperty("status").GetString());
        Assert.Contains(reason, operation.GetProperty("error").GetString());
        if (namesServer) Assert.Contains(fixture.Jockey.BaseAddress.ToString().TrimEnd('/'), operation.GetProperty("error").GetString());

        // The thread is free again and the API answers as before.
        Assert.Equal("processing", (await ProcessAsync(api, threadId, "normal: again", ct)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/config", ct)).StatusCode);
    }

    [Fact]
    public async Task Malformed_frames_are_skipped_and_the_run_still_completes()
    {
        var ct = Timeout();
        using var api = fixture.Api();
        var threadId = await InitAsync(api, ct);
        var operationId = await StartOperationAsync(api, threadId, "malformed: frames in between", ct);

        var events = await ReadMessagesAsync(StreamAsync(api, threadId, null, ct), EndOf(operationId));

        Assert.Equal("completed", Name(events[^1]));
        Assert.Contains(events, e => Name(e) == "video-ready");
    }

    [Fact]
    public async Task Every_call_to_the_langgraph_server_carries_the_configured_api_key()
    {
        var ct = Timeout();
        using var api = fixture.Api();
        var threadId = await InitAsync(api, ct);
        var operationId = await StartOperationAsync(api, threadId, "Make a video with the key", ct);
        await WaitForEndAsync(api, operationId, ct);

        var calls = fixture.Jockey.Requests.ToList();
        Assert.Contains(calls, c => c.Call == "POST /threads");
        Assert.Contains(calls, c => c.Call.StartsWith("POST /threads/", StringComparison.Ordinal) && c.Call.EndsWith("/runs/stream", StringComparison.Ordinal));
        Assert.All(calls.Where(c => c.Call is "POST /threads" or "POST /assistants/search" or "GET /ok" || c.Call.EndsWith("/runs/stream", StringComparison.Ordinal)),
            c => Assert.Equal(ApiAppFixture.JockeyApiKey, c.ApiKey));
    }

    [Fact]
    public async Task The_assistant_is_looked_up_once_and_then_reused()
    {
        var ct = Timeout();
        using var api = fixture.Api();
        var threadId = await InitAsync(api, ct);
        await WaitForEndAsync(api, await StartOperationAsync(api, threadId, "Make a first video", ct), ct);
        var searches = fixture.Jockey.AssistantSearches;

        await WaitForEndAsync(api, await StartOperationAsync(api, threadId, "Make a second video", ct), ct);

        Assert.NotEqual(0, searches);
        Assert.Equal(searches, fixture.Jockey.AssistantSearches);
        Assert.Equal(FakeJockeyServer.AssistantId, fixture.Jockey.RunRequests.Last()["assistant_id"]!.GetValue<string>());
    }
}
