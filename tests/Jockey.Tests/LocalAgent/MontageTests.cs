using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Jockey.Tests.LocalAgent;

/// <summary>Real ffmpeg montages, checked with ffprobe, served with Range, and edited by follow-ups in the same thread.</summary>
[Collection(LocalAgentCollection.Name)]
public sealed class MontageTests(LocalAgentFixture agent)
{
    private readonly HttpClient _client = agent.Client;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Montage_has_video_and_audio_and_lasts_the_sum_of_its_segments()
    {
        var thread = await Agent.CreateThreadAsync(_client, Ct);
        var frames = await Agent.TurnAsync(_client, thread, "Make a montage of the sunrise, the rocket launch and the soccer goal", Ct,
            new JsonArray("updates", "events", "values"));

        var state = Agent.LastValues(frames)!;
        var edit = Assert.Single(Agent.ToolCalls(state, "video-editing"));
        Assert.Equal("combine-clips", edit["name"]!.GetValue<string>());
        var clips = edit["args"]!["clips"]!.AsArray().Select(c => c!["video_id"]!.GetValue<string>()).ToList();
        Assert.Equal(["sunrise-mountains", "rocket-launch", "soccer-goal"], clips); // in the order they were asked for

        var url = edit["output"]!.GetValue<string>();
        Assert.StartsWith(agent.BaseAddress.ToString().TrimEnd('/') + "/sample/", url);
        var probe = await FFprobe.ProbeAsync(url, Ct);
        Assert.True(probe.HasVideo && probe.HasAudio);
        Assert.Equal(("h264", "aac", 640, 360), (probe.VideoCodec, probe.AudioCodec, probe.Width, probe.Height));
        Assert.InRange(probe.Duration, Agent.Seconds(edit) - 0.5, Agent.Seconds(edit) + 0.5);
        Assert.Contains(frames, f => f.Event == "events" && f.Json!["event"]!.GetValue<string>() == "on_custom_event" && f.Json["name"]!.GetValue<string>() == "progress"
            && f.Json["metadata"]!["langgraph_node"]!.GetValue<string>() == "video-editing" && f.Json["data"]!["percent"]!.GetValue<int>() == 100);
        // The reply says what is in the video, in words; its file name is for the timeline's details.
        var reply = Agent.Reflect(state);
        Assert.StartsWith("Here is your ", reply);
        Assert.Contains("Sunrise", reply);
        Assert.DoesNotContain(".mp4", reply);
    }

    [Fact]
    public async Task Make_it_shorter_then_drop_the_second_clip_each_render_a_shorter_video_in_the_same_thread()
    {
        var thread = await Agent.CreateThreadAsync(_client, Ct);
        var first = await Agent.TurnAsync(_client, thread, "combine the ocean waves, the city at night and the kitchen", Ct, new JsonArray("updates", "events"));
        var shorter = await Agent.TurnAsync(_client, thread, "make it shorter", Ct, new JsonArray("updates", "events"));
        var dropped = await Agent.TurnAsync(_client, thread, "drop the second clip", Ct, new JsonArray("updates", "events"));

        var durations = new List<double>();
        foreach (var frames in new[] { first, shorter, dropped })
            durations.Add((await FFprobe.ProbeAsync(Agent.RenderedUrl(frames), Ct)).Duration);
        Assert.True(durations[1] < durations[0] - 1, $"shorter: {durations[1]} vs {durations[0]}");
        Assert.True(durations[2] < durations[1] - 0.5, $"dropped: {durations[2]} vs {durations[1]}");

        var state = (await _client.GetFromJsonAsync<JsonObject>($"/threads/{thread}/state", Ct))!["values"]!;
        var edits = Agent.ToolCalls(state, "video-editing");
        Assert.Equal(["combine-clips", "combine-clips", "remove-segment"], edits.Select(e => e["name"]!.GetValue<string>()));
        Assert.Equal(3, state["chat_history"]!.AsArray().Count(m => m!["name"]?.GetValue<string>() == "user"));
        var remaining = edits[2]["args"]!["clips"]!.AsArray().Select(c => c!["video_id"]!.GetValue<string>()).ToList();
        var before = edits[1]["args"]!["clips"]!.AsArray().Select(c => c!["video_id"]!.GetValue<string>()).ToList();
        Assert.Equal(before.Where((_, i) => i != 1), remaining);
        // The reply names the clip it took out (issue 20: "without clip 2" named nothing).
        Assert.Contains("without City", Agent.Reflect(state));
    }

    [Fact]
    public async Task Add_the_sunset_one_appends_the_sunset_clip_to_the_last_video()
    {
        var thread = await Agent.CreateThreadAsync(_client, Ct);
        await Agent.TurnAsync(_client, thread, "make a reel of the snowman", Ct);
        var added = await Agent.TurnAsync(_client, thread, "add the sunset one", Ct, new JsonArray("updates", "events"));

        var edit = Agent.Events(added, "on_tool_end").Single(e => e["name"]!.GetValue<string>() == "combine-clips");
        var clips = edit["data"]!["input"]!["clips"]!.AsArray().Select(c => c!["video_id"]!.GetValue<string>()).ToList();
        Assert.Equal(["snow-village", "sunset-beach"], clips);
    }

    [Fact]
    public async Task Rendered_videos_are_served_with_range_requests()
    {
        var thread = await Agent.CreateThreadAsync(_client, Ct);
        var url = Agent.RenderedUrl(await Agent.TurnAsync(_client, thread, "montage of the cat", Ct));
        var whole = await _client.GetByteArrayAsync(url, Ct);

        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Range = new RangeHeaderValue(1000, 1999);
        var response = await _client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal($"bytes 1000-1999/{whole.Length}", response.Content.Headers.ContentRange!.ToString());
        Assert.Equal(whole[1000..2000], await response.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("video/mp4", response.Content.Headers.ContentType!.MediaType);

        var poll = new HttpRequestMessage(HttpMethod.Get, url);
        poll.Headers.Range = new RangeHeaderValue(0, 0);
        Assert.Equal(whole[..1], await (await _client.SendAsync(poll, Ct)).Content.ReadAsByteArrayAsync(Ct));
    }

    [Theory]
    [InlineData("/sample/..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/sample/.tmp-123.mp4")]
    [InlineData("/sample/%2Fetc%2Fpasswd")]
    [InlineData("/..%2Foutputs/x.mp4")]
    [InlineData("/sample/..%5C..%5Cx.mp4")]
    [InlineData("/sample/no-such-video.mp4")]
    [InlineData("/sample/sunset-beach.json")]
    public async Task Unsafe_or_unknown_file_names_are_400_or_404(string path)
    {
        var response = await _client.GetAsync(path, Ct);
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{path} → {(int)response.StatusCode}");
        Assert.False(response.Content.Headers.ContentType?.MediaType == "video/mp4");
    }

    /// <summary>
    /// Sent as raw request lines over TCP: HttpClient's Uri would collapse the dot segments before sending, so the
    /// server would never see them.
    /// </summary>
    [Theory]
    [InlineData("/sample/../../../../etc/passwd")]
    [InlineData("/sample/..%2f..%2f..%2f..%2fetc%2fpasswd")]
    [InlineData("/../../../../etc/passwd")]
    [InlineData("/sample/..\\..\\..\\..\\etc\\passwd")]
    [InlineData("/sample/../../indexes/sample/sunset-beach.srt")]
    public async Task Path_traversal_in_the_raw_request_line_never_reaches_a_file(string target)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(agent.BaseAddress.Host, agent.BaseAddress.Port, Ct);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: {agent.BaseAddress.Authority}\r\nConnection: close\r\n\r\n"), Ct);
        var response = await new StreamReader(stream, Encoding.UTF8).ReadToEndAsync(Ct);

        var status = int.Parse(response.Split(' ', 3)[1], CultureInfo.InvariantCulture);
        Assert.True(status is 400 or 404, $"{target} → {response[..Math.Min(200, response.Length)]}");
        Assert.DoesNotContain("root:", response);
        Assert.DoesNotContain("-->", response); // no subtitle file either
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/ok", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("Make an 8-second montage of the sunrise, the ocean waves and the city at night", 8, true)]
    [InlineData("Make a 20 second reel of the rocket launch, the snowman and the kitten", 20, false)]
    public async Task Montage_asked_for_in_seconds_lasts_that_long(string prompt, double seconds, bool cutDown)
    {
        var thread = await Agent.CreateThreadAsync(_client, Ct);
        var state = Agent.LastValues(await Agent.TurnAsync(_client, thread, prompt, Ct, new JsonArray("values")))!;

        var found = Assert.Single(Agent.ToolCalls(state, "video-search"))["output"]!.AsArray()
            .Sum(c => c!["end"]!.GetValue<double>() - c["start"]!.GetValue<double>());
        Assert.True(cutDown ? found > seconds + 1 : found < seconds - 1, $"the search found {found:0.#} s; this case needs the fit to {(cutDown ? "cut" : "extend")}");
        var edit = Assert.Single(Agent.ToolCalls(state, "video-editing"));
        Assert.InRange(Agent.Seconds(edit), seconds - 0.5, seconds + 0.5);
        var probe = await FFprobe.ProbeAsync(edit["output"]!.GetValue<string>(), Ct);
        Assert.InRange(probe.Duration, seconds - 1, seconds + 1);
        Assert.DoesNotContain("second", edit["args"]!["output_filename"]!.GetValue<string>()); // "8-second" was not searched for
    }

    [Theory]
    [InlineData("find the 90s sunrise", "90s")]
    [InlineData("find sunrise shots from the 80s", "80s")]
    public async Task A_decade_is_searched_for_not_read_as_a_length(string prompt, string word)
    {
        var state = await Agent.AskAsync(_client, prompt, Ct);

        var search = Assert.Single(Agent.ToolCalls(state, "video-search"));
        Assert.Contains(word, search["args"]!["query"]!.GetValue<string>());
    }

    [Fact]
    public async Task Make_it_a_given_number_of_seconds_refits_the_last_video()
    {
        var thread = await Agent.CreateThreadAsync(_client, Ct);
        await Agent.TurnAsync(_client, thread, "combine the forest hike, the beach sunset and the soccer goal", Ct);
        var frames = await Agent.TurnAsync(_client, thread, "make it 6 seconds", Ct);

        var probe = await FFprobe.ProbeAsync(Agent.RenderedUrl(frames), Ct);
        Assert.InRange(probe.Duration, 5, 7);
    }
}
