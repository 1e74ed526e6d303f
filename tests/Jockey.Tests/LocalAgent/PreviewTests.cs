using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Jockey.Tests.LocalAgent;

/// <summary>
/// A render can be watched while it is cut: the agent writes an HLS event playlist of fMP4 segments beside the final
/// file and announces it with a <c>preview</c> custom event once the first segment exists (docs/local-agent.md).
/// </summary>
[Collection(LocalAgentCollection.Name)]
public sealed class PreviewTests(LocalAgentFixture agent)
{
    private readonly HttpClient _client = agent.Client;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// ffmpeg is held (SIGSTOP) from its start and stepped forward until its playlist exists; with the render held
    /// there, the announcement must still come (the agent does not wait on ffmpeg for it) and the playlist must be an
    /// unfinished prefix of the one the render ends with.
    /// </summary>
    [Fact]
    public async Task The_preview_is_announced_mid_render_and_its_playlist_grows_into_the_whole_video()
    {
        var thread = await Agent.CreateThreadAsync(_client, Ct);
        var previewWritten = PausedRender.NewPreviewIn(agent.OutputsPath);
        var pausing = PausedRender.WhenItStartsAsync(agent.App, TimeSpan.FromMinutes(2), Ct);
        using var response = await _client.SendAsync(Sse.Post($"/threads/{thread}/runs/stream",
            Agent.RunBody("a 30 second montage of the sunrise, the ocean, the rocket launch and the city at night")), HttpCompletionOption.ResponseHeadersRead, Ct);
        var frames = Channel.CreateUnbounded<SseItem>();
        var reading = Task.Run(async () =>
        {
            await foreach (var frame in Sse.ReadAsync(response, Ct)) await frames.Writer.WriteAsync(frame, Ct);
            frames.Writer.Complete();
        }, Ct);

        await using var render = await pausing;
        await render.StepUntilAsync(previewWritten, Ct);

        var seen = new List<SseItem>();
        JsonObject? preview = null;
        await foreach (var frame in frames.Reader.ReadAllAsync(Ct))
        {
            seen.Add(frame);
            if (IsCustom(frame, "preview")) { preview = frame.Json!["data"]!.AsObject(); break; }
        }
        Assert.NotNull(preview);
        Assert.DoesNotContain(Agent.Events(seen, "on_tool_end"), e => e["name"]!.GetValue<string>() == "combine-clips");
        Assert.Equal("video-editing", seen[^1].Json!["metadata"]!["langgraph_node"]!.GetValue<string>());

        var playlistUrl = new Uri(preview["playlist_url"]!.GetValue<string>());
        Assert.StartsWith(agent.BaseAddress.ToString().TrimEnd('/') + "/sample/", playlistUrl.ToString());
        using var early = await _client.GetAsync(playlistUrl, Ct);
        Assert.Equal(HttpStatusCode.OK, early.StatusCode);
        Assert.Equal("application/vnd.apple.mpegurl", early.Content.Headers.ContentType?.MediaType);
        var during = HlsPlaylist.Parse(await early.Content.ReadAsStringAsync(Ct));
        Assert.True(during.IsEvent, during.Text);
        Assert.False(during.Ended, during.Text);
        Assert.NotEmpty(during.Segments);
        Assert.NotNull(during.Map);

        // The first segment is already a playable piece of the montage, video and sound.
        var first = await HlsPlaylist.JoinAsync(_client, new Uri(playlistUrl, during.Map).ToString(), new Uri(playlistUrl, during.Segments[0]).ToString(), Ct);
        try
        {
            var probe = await FFprobe.ProbeAsync(first, Ct);
            Assert.Equal(("h264", "aac", 640, 360), (probe.VideoCodec, probe.AudioCodec, probe.Width, probe.Height));
        }
        finally
        {
            File.Delete(first);
        }

        await render.ResumeAsync();
        await foreach (var frame in frames.Reader.ReadAllAsync(Ct)) seen.Add(frame);
        await reading;

        var finalUrl = Agent.RenderedUrl(seen);
        var after = HlsPlaylist.Parse(await _client.GetStringAsync(playlistUrl, Ct));
        Assert.True(after.Ended, after.Text);
        Assert.True(after.Segments.Count > during.Segments.Count, $"{during.Segments.Count} segment(s) mid-render, {after.Segments.Count} at the end");
        Assert.Equal(during.Segments, after.Segments.Take(during.Segments.Count));
        var final = await FFprobe.ProbeAsync(finalUrl, Ct);
        Assert.InRange(after.Seconds, final.Duration - 0.5, final.Duration + 0.5);
        var last = await HlsPlaylist.JoinAsync(_client, new Uri(playlistUrl, after.Map).ToString(), new Uri(playlistUrl, after.Segments[^1]).ToString(), Ct);
        try
        {
            Assert.True((await FFprobe.ProbeAsync(last, Ct)).HasVideo);
        }
        finally
        {
            File.Delete(last);
        }
    }

    [Fact]
    public async Task Preview_files_in_progress_are_never_served_and_unknown_names_are_404()
    {
        using var response = await _client.GetAsync("/sample/nothing_12345678.preview.m3u8", Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var temp = await _client.GetAsync("/sample/nothing_12345678.preview-000.m4s.tmp", Ct);
        Assert.Equal(HttpStatusCode.NotFound, temp.StatusCode);
    }

    private static bool IsCustom(SseItem frame, string name) =>
        frame.Event == "events" && frame.Json!["event"]!.GetValue<string>() == "on_custom_event" && frame.Json["name"]!.GetValue<string>() == name;
}
