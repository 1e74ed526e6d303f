using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Api;

/// <summary>
/// The agent's <c>preview</c> event becomes a <c>preview</c> event in the thread's log, its playlist and segments
/// served same-origin by signed URLs (docs/api.md, "Watching a render").
/// </summary>
[Collection(LocalAgentAppCollection.Name)]
public sealed class ApiPreviewTests(LocalAgentAppFixture fixture)
{
    /// <summary>
    /// The render is held at its first segment, so everything here happens mid-render: the event is logged, a late
    /// joiner replays it, the playlist is served with every URI signed and unfinished, a segment answers Range.
    /// </summary>
    [Fact]
    public async Task A_render_in_progress_is_logged_as_a_preview_whose_playlist_and_segments_the_api_serves_signed()
    {
        var ct = Timeout(300);
        using var api = fixture.App.CreateHttpClient("apiservice");
        var threadId = await InitAsync(api, ct);
        var previewWritten = PausedRender.NewPreviewIn(PausedRender.SampleOutputs(fixture.App));
        var pausing = PausedRender.WhenItStartsAsync(fixture.App, TimeSpan.FromMinutes(3), ct);
        var operationId = await StartOperationAsync(api, threadId, "a 30 second montage of the sunrise, the ocean, the rocket launch and the city at night", ct);
        var watching = ReadMessagesAsync(StreamAsync(api, threadId, null, ct), EndOf(operationId));

        await using (var render = await pausing)
        {
            await render.StepUntilAsync(previewWritten, ct);
            var early = await ReadMessagesAsync(StreamAsync(api, threadId, null, ct), ev => Name(ev) == "preview");
            var preview = early[^1];
            Assert.Equal("preview", Name(preview));
            Assert.DoesNotContain(early, ev => Name(ev) is "video-ready" or "completed");
            var playlistUrl = preview.GetProperty("data").GetProperty("playlist_url").GetString()!;
            Assert.StartsWith("/api/jockey/files/sample/", playlistUrl);
            Assert.Contains("&sig=", playlistUrl);

            using var served = await api.GetAsync(playlistUrl, ct);
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal("application/vnd.apple.mpegurl", served.Content.Headers.ContentType?.MediaType);
            Assert.True(served.Headers.CacheControl?.NoStore, "A growing playlist must not be cached.");
            var playlist = HlsPlaylist.Parse(await served.Content.ReadAsStringAsync(ct));
            Assert.False(playlist.Ended, playlist.Text);
            Assert.All([playlist.Map!, .. playlist.Segments], uri =>
            {
                Assert.StartsWith("/api/jockey/files/sample/", uri);
                Assert.Contains("&sig=", uri);
            });

            // A segment answers Range as the agent does: the bytes asked for, 206.
            var whole = await api.GetByteArrayAsync(playlist.Segments[0], ct);
            using var request = new HttpRequestMessage(HttpMethod.Get, playlist.Segments[0]) { Headers = { Range = new RangeHeaderValue(100, 199) } };
            using var part = await api.SendAsync(request, ct);
            Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
            Assert.Equal($"bytes 100-199/{whole.Length}", part.Content.Headers.ContentRange?.ToString());
            Assert.Equal(whole[100..200], await part.Content.ReadAsByteArrayAsync(ct));

            // Each URL is signed for its own file: a segment's name under the playlist's signature is refused.
            var forged = playlist.Segments[0].Split('?')[0] + "?" + playlistUrl.Split('?')[1];
            Assert.Equal(HttpStatusCode.Forbidden, (await api.GetAsync(forged, ct)).StatusCode);
        }

        var events = await watching;
        Assert.Equal("completed", Name(events[^1]));
        var names = events.Select(Name).ToList();
        Assert.True(names.IndexOf("preview") < names.IndexOf("video-ready"), string.Join(", ", names));
        var finalPlaylist = events.Single(ev => Name(ev) == "preview").GetProperty("data").GetProperty("playlist_url").GetString()!;
        var ended = HlsPlaylist.Parse(await api.GetStringAsync(finalPlaylist, ct));
        Assert.True(ended.Ended, ended.Text);
        var duration = events.Single(ev => Name(ev) == "video-ready").GetProperty("data").GetProperty("duration").GetDouble();
        Assert.InRange(ended.Seconds, duration - 0.5, duration + 0.5);
    }
}
