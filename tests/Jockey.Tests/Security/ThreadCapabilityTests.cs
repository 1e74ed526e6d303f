using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Jockey.Tests.Api;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Security;

/// <summary>
/// Finding 1 of issue 19: a video link handed over its thread. The thread id is the credential for the conversation
/// (history, live stream, new runs, cancel); nothing meant to be passed on — an operation's answer, its events' links,
/// a stored video or narration — may carry it. Sharing is a separate, read-only, revocable share id.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ThreadCapabilityTests(ApiAppFixture fixture)
{
    [Fact]
    public async Task An_operation_id_and_every_media_link_of_a_run_name_neither_its_thread_nor_its_operation()
    {
        var ct = Timeout();
        using var api = fixture.Api();
        var threadId = await InitAsync(api, ct);
        var accepted = await ProcessAsync(api, threadId, "Make a short sunrise video", ct);
        // The seed's contract: the caller of POST /api/process already holds the thread, and is told it again.
        Assert.Equal(threadId, accepted.GetProperty("response").GetProperty("thread_id").GetString());
        var operationId = accepted.GetProperty("operation_id").GetString()!;
        var events = await ReadMessagesAsync(StreamAsync(api, threadId, null, ct), EndOf(operationId));
        Assert.Equal("completed", Name(events[^1]));

        using var answer = await api.GetAsync($"/api/operations/{operationId}", ct);
        var operation = await answer.Content.ReadAsStringAsync(ct);
        Assert.DoesNotContain(threadId, operation);
        Assert.DoesNotContain("thread_id", operation);
        using var cancelled = await api.PostAsync($"/api/operations/{operationId}/cancel", null, ct);
        Assert.DoesNotContain(threadId, await cancelled.Content.ReadAsStringAsync(ct));

        var ready = events.Single(e => Name(e) == "video-ready").GetProperty("data");
        var narrations = events.Where(e => Name(e) == "narration").Select(e => e.GetProperty("data").GetProperty("audio_url").GetString()!).ToList();
        Assert.Equal(2, narrations.Count);
        string[] links = [ready.GetProperty("video_url").GetString()!, ready.GetProperty("media_url").GetString()!, .. narrations];
        foreach (var link in links)
        {
            Assert.DoesNotContain(threadId, link);
            Assert.DoesNotContain(operationId, link);
        }
        foreach (var ev in events) Assert.DoesNotContain(threadId, ev.GetRawText());
        // The media link still plays: it redirects to a fresh read-only URL of the stored video.
        using var redirect = await api.GetAsync(links[1], ct);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.DoesNotContain(threadId, redirect.Headers.Location!.ToString());
    }

    [Fact]
    public async Task A_share_link_shows_the_thread_read_only_until_its_holder_revokes_it()
    {
        var ct = Timeout();
        using var api = fixture.Api();
        var threadId = await InitAsync(api, ct);
        var operationId = await StartOperationAsync(api, threadId, "Make a short sunrise video", ct);
        var own = await ReadMessagesAsync(StreamAsync(api, threadId, null, ct), EndOf(operationId));

        using var created = await api.PostAsync($"/api/threads/{threadId}/shares", null, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var share = await created.Content.ReadFromJsonAsync<JsonElement>(ct);
        var shareId = share.GetProperty("share_id").GetString()!;
        Assert.NotEqual(threadId, shareId);
        Assert.Equal($"/api/shared/{shareId}", created.Headers.Location?.ToString());

        var view = await api.GetStringAsync($"/api/shared/{shareId}", ct);
        Assert.DoesNotContain(threadId, view);
        Assert.DoesNotContain(operationId, view);
        var shown = JsonElement.Parse(view).GetProperty("operations")[0];
        Assert.Equal("completed", shown.GetProperty("status").GetString());
        Assert.Equal("Make a short sunrise video", shown.GetProperty("response").GetProperty("original_text").GetString());

        // The same events, in the same order, with an operation reference that cancels nothing.
        var shared = await ReadSharedAsync(api, shareId, own.Count, ct);
        Assert.Equal(own.Select(e => (Seq(e), Name(e))), shared.Select(e => (Seq(e), Name(e))));
        var reference = shared[0].GetProperty("operation_id").GetString()!;
        Assert.Equal(shown.GetProperty("operation_id").GetString(), reference);
        foreach (var ev in shared) Assert.DoesNotContain(threadId, ev.GetRawText());
        foreach (var ev in shared) Assert.DoesNotContain(operationId, ev.GetRawText());
        using (var cancel = await api.PostAsync($"/api/operations/{reference}/cancel", null, ct)) Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
        using (var asThread = await api.GetAsync($"/api/threads/{shareId}", ct)) Assert.Equal(HttpStatusCode.NotFound, asThread.StatusCode);
        using (var run = await api.PostAsJsonAsync("/api/process", new { text = "more", thread_id = shareId }, ct)) Assert.Equal(HttpStatusCode.NotFound, run.StatusCode);

        // Only the thread's holder revokes it; then the link is dead at once.
        var otherThread = await InitAsync(api, ct);
        using (var wrong = await api.DeleteAsync($"/api/threads/{otherThread}/shares/{shareId}", ct)) Assert.Equal(HttpStatusCode.NotFound, wrong.StatusCode);
        using (var revoked = await api.DeleteAsync($"/api/threads/{threadId}/shares/{shareId}", ct)) Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        using var gone = await api.GetAsync($"/api/shared/{shareId}", ct);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("application/problem+json", gone.Content.Headers.ContentType?.MediaType);
        using var goneStream = await api.GetAsync($"/api/shared/{shareId}/stream", ct);
        Assert.Equal(HttpStatusCode.NotFound, goneStream.StatusCode);
    }

    [Fact]
    public async Task A_thread_that_does_not_exist_cannot_be_shared()
    {
        var ct = Timeout();
        using var api = fixture.Api();
        using var response = await api.PostAsync("/api/threads/AAAAAAAAAAAAAAAAAAAAAAAA/shares", null, ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<List<JsonElement>> ReadSharedAsync(HttpClient api, string shareId, int count, CancellationToken ct)
    {
        using var response = await api.GetAsync($"/api/shared/{shareId}/stream", HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var events = new List<JsonElement>();
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(ct))
        {
            if (item.EventType == "message") events.Add(JsonElement.Parse(item.Data));
            if (events.Count == count) break;
        }
        return events;
    }
}
