using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Jockey.Tests.LocalAgent;

/// <summary>The media library: the generated sample index and adding videos over HTTP.</summary>
[Collection(LocalAgentCollection.Name)]
public sealed class LibraryTests(LocalAgentFixture agent)
{
    private readonly HttpClient _client = agent.Client;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sample_index_holds_at_least_eight_distinct_640x360_h264_aac_clips_of_5_to_10_seconds_with_subtitles()
    {
        var indexes = await _client.GetFromJsonAsync<JsonArray>("/indexes", Ct);
        Assert.Contains(indexes!, i => i!["index_id"]!.GetValue<string>() == "sample" && i["video_count"]!.GetValue<int>() >= 8);
        var videos = (await _client.GetFromJsonAsync<JsonArray>("/indexes/sample/videos", Ct))!;
        Assert.True(videos.Count >= 8);
        Assert.Equal(videos.Count, videos.Select(v => v!["title"]!.GetValue<string>()).Distinct().Count());
        foreach (var video in videos)
        {
            Assert.InRange(video!["duration"]!.GetValue<double>(), 5, 10.05);
            Assert.True(video["has_subtitles"]!.GetValue<bool>());
            Assert.NotEmpty(video["tags"]!.AsArray());
            var probe = await FFprobe.ProbeAsync(video["video_url"]!.GetValue<string>(), Ct);
            Assert.Equal(("h264", "aac", 640, 360), (probe.VideoCodec, probe.AudioCodec, probe.Width, probe.Height));
        }
        // Renders and thumbnails live outside the scanned folder.
        Assert.All(Directory.GetFiles(Path.Combine(agent.DataPath, "indexes", "sample")),
            f => Assert.DoesNotMatch(@"(thumb-|_montage|\.tmp-)", Path.GetFileName(f)));
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/indexes/nope/videos", Ct)).StatusCode);
    }

    [Fact]
    public async Task Uploaded_video_with_title_and_subtitles_is_listed_and_found_by_search()
    {
        var file = Path.Combine(Path.GetTempPath(), $"upload-{Guid.NewGuid():N}.mp4");
        await TestVideos.RunFFmpegAsync(["-f", "lavfi", "-i", "testsrc2=s=320x180:d=3", "-f", "lavfi", "-i", "sine=f=440:d=3",
            "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", file]);
        try
        {
            using var form = new MultipartFormDataContent
            {
                { new StreamContent(File.OpenRead(file)) { Headers = { ContentType = new MediaTypeHeaderValue("video/mp4") } }, "file", "My Lighthouse Tour.mp4" },
                { new StringContent("Lighthouse tour"), "title" },
                { new StringContent("lighthouse, coast"), "tags" },
                { new StringContent("1\n00:00:00,000 --> 00:00:02,500\nThe old lighthouse keeper climbs the spiral stairs.\n"), "subtitles", "tour.srt" },
            };
            var response = await _client.PostAsync("/indexes/uploads-test/videos", form, Ct);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var video = (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
            Assert.Equal("my-lighthouse-tour", video["video_id"]!.GetValue<string>());
            Assert.InRange(video["duration"]!.GetValue<double>(), 2.5, 3.5);

            var listed = await _client.GetFromJsonAsync<JsonArray>("/indexes/uploads-test/videos", Ct);
            Assert.Contains(listed!, v => v!["title"]!.GetValue<string>() == "Lighthouse tour");

            var body = Agent.RunBody("find the spiral stairs");
            body["input"]!["index_id"] = "uploads-test";
            var state = (await (await _client.PostAsJsonAsync("/runs/wait", body, Ct)).Content.ReadFromJsonAsync<JsonObject>(Ct))!;
            var hit = Assert.Single(Agent.ToolCalls(state, "video-search"))["output"]![0]!;
            Assert.Equal("my-lighthouse-tour", hit["video_id"]!.GetValue<string>());
            Assert.Equal(0, hit["start"]!.GetValue<double>());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Upload_that_is_not_a_video_is_422_and_one_over_the_limit_is_413()
    {
        using var text = new MultipartFormDataContent { { new ByteArrayContent("hello"u8.ToArray()), "file", "notes.mp4" } };
        var response = await _client.PostAsync("/indexes/uploads-test/videos", text, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("not a video", (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["detail"]!.GetValue<string>());

        using var big = new MultipartFormDataContent { { new ByteArrayContent(new byte[LocalAgentFixture.MaxUploadBytes + 1]), "file", "big.mp4" } };
        var tooBig = await _client.PostAsync("/indexes/uploads-test/videos", big, Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        Assert.Contains("MaxUploadBytes", (await tooBig.Content.ReadFromJsonAsync<JsonObject>(Ct))!["detail"]!.GetValue<string>());

        using var missing = new MultipartFormDataContent { { new StringContent("x"), "title" } };
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await _client.PostAsync("/indexes/uploads-test/videos", missing, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/ok", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_video_copied_into_an_index_folder_is_listed_and_searchable_without_a_restart_and_gone_once_deleted()
    {
        var folder = Path.Combine(agent.DataPath, "indexes", "copied-in");
        Directory.CreateDirectory(folder);
        var copy = Path.Combine(folder, "harbour_at_dawn.mp4");
        File.Copy(Path.Combine(agent.DataPath, "indexes", "sample", "ocean-waves.mp4"), copy);

        var videos = (await _client.GetFromJsonAsync<JsonArray>("/indexes/copied-in/videos", Ct))!;
        var video = Assert.Single(videos)!;
        Assert.Equal(("harbour_at_dawn", "Harbour at dawn"), (video["video_id"]!.GetValue<string>(), video["title"]!.GetValue<string>()));
        Assert.Contains((await _client.GetFromJsonAsync<JsonArray>("/indexes", Ct))!, i => i!["index_id"]!.GetValue<string>() == "copied-in");
        var body = Agent.RunBody("show me the harbour");
        body["input"]!["index_id"] = "copied-in";
        var state = (await (await _client.PostAsJsonAsync("/runs/wait", body, Ct)).Content.ReadFromJsonAsync<JsonObject>(Ct))!;
        Assert.Equal("harbour_at_dawn", Assert.Single(Agent.ToolCalls(state, "video-search"))["output"]![0]!["video_id"]!.GetValue<string>());

        File.Delete(copy);
        Assert.Empty((await _client.GetFromJsonAsync<JsonArray>("/indexes/copied-in/videos", Ct))!);
    }

    [Fact]
    public async Task A_thumbnail_is_extracted_once_and_later_searches_are_served_from_the_cache()
    {
        async Task<string> ThumbnailOfFirstHitAsync()
        {
            var state = await Agent.AskAsync(_client, "show me the soccer goal", Ct);
            var url = Assert.Single(Agent.ToolCalls(state, "video-search"))["output"]![0]!["thumbnail_url"]!.GetValue<string>();
            Assert.Equal([0xFF, 0xD8], (await _client.GetByteArrayAsync(url, Ct))[..2]);
            return url;
        }

        var url = await ThumbnailOfFirstHitAsync();
        var cached = new FileInfo(Path.Combine(agent.DataPath, "cache", "sample", Path.GetFileName(new Uri(url).LocalPath)));
        Assert.True(cached.Exists, $"{cached.FullName} was not cached");
        var (written, size) = (cached.LastWriteTimeUtc, cached.Length);

        Assert.Equal(url, await ThumbnailOfFirstHitAsync());
        cached.Refresh();
        Assert.Equal((written, size), (cached.LastWriteTimeUtc, cached.Length)); // not extracted again
    }
}
