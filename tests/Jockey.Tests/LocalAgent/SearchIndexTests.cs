using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Jockey.Tests.LocalAgent;

/// <summary>
/// The persistent search index: ranking among a thousand distractors, serving while indexing (with an ffmpeg that
/// is held for one file, so "part indexed" is a state the test controls), picking up a changed sidecar without a
/// restart, and a restart that probes nothing again.
/// </summary>
[Collection(LocalAgentCollection.Name)]
public sealed class SearchIndexTests(LocalAgentFixture agent)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Among_1000_distractor_videos_sharing_the_sample_words_each_query_still_finds_the_named_clip_first()
    {
        var sample = Path.Combine(agent.DataPath, "indexes", "sample");
        var crowded = Path.Combine(agent.DataPath, "indexes", "crowded");
        Directory.CreateDirectory(crowded);
        foreach (var file in Directory.GetFiles(sample).Where(f => !Path.GetFileName(f).StartsWith('.')))
            File.Copy(file, Path.Combine(crowded, Path.GetFileName(file)));
        SyntheticLibrary.Create(crowded, Directory.GetFiles(sample, "*.mp4"), 1000, "distractor");
        try
        {
            await IndexedAsync(agent.Client, "crowded", 1010, 1010);
            foreach (var (query, videoId) in new[]
            {
                ("show me the sunset", "sunset-beach"), ("find the rocket launch countdown", "rocket-launch"), ("a kitten chasing yarn", "cat-yarn"),
                ("surfers waiting for a wave", "ocean-waves"), ("pasta with tomato sauce", "kitchen-cooking"), ("children building a snowman", "snow-village"),
                ("hikers on a trail", "forest-hike"), ("the striker scores", "soccer-goal"), ("neon signs downtown", "city-night"),
                ("dawn in the mountains", "sunrise-mountains"),
            })
            {
                var hits = await SearchAsync(agent.Client, query, "crowded");
                Assert.True(hits.Count == 5 && hits[0]!["video_id"]!.GetValue<string>() == videoId,
                    $"“{query}” found {string.Join(", ", hits.Select(h => h!["video_id"]))}, not {videoId} first");
            }
        }
        finally
        {
            Directory.Delete(crowded, recursive: true);
        }
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")] // the held ffmpeg is a shell script
    public async Task While_indexing_the_agent_serves_what_is_indexed_says_how_far_then_picks_up_changes_and_a_restart_probes_nothing_again()
    {
        var dataPath = Directory.CreateTempSubdirectory("jockey-agent-index-").FullName;
        var (gate, probes) = (Path.Combine(dataPath, "gate"), Path.Combine(dataPath, "probes.log"));
        var ffmpeg = Path.Combine(dataPath, "ffmpeg-gated.sh");
        // The agent probes with ffmpeg (and renders nothing here): logs every run, holds one that reads a "gated" file until the gate file exists.
        await File.WriteAllTextAsync(ffmpeg, $"""
            #!/bin/sh
            echo "$*" >> '{probes}'
            case "$*" in *gated*) while [ ! -e '{gate}' ]; do sleep 0.05; done ;; esac
            exec ffmpeg "$@"
            """, Ct);
        File.SetUnixFileMode(ffmpeg, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var folder = Path.Combine(dataPath, "indexes", "partial");
        Directory.CreateDirectory(folder);
        var sample = Path.Combine(agent.DataPath, "indexes", "sample");
        foreach (var (from, to) in new[] { ("sunset-beach", "sunset-beach"), ("ocean-waves", "ocean-waves"), ("rocket-launch", "gated-rocket") })
            foreach (var ext in new[] { ".mp4", ".srt", ".json" })
                File.Copy(Path.Combine(sample, from + ext), Path.Combine(folder, to + ext));
        (string, string)[] settings = [("LocalAgent__GenerateSampleIndex", "false"), ("LocalAgent__FFmpegPath", ffmpeg)];
        try
        {
            await using (var app = await LocalAgentFixture.StartServingAsync(dataPath, Ct, settings))
            {
                using var client = app.CreateHttpClient("jockey");
                await IndexedAsync(client, "partial", 2, 3);
                var health = await client.GetFromJsonAsync<JsonObject>("/health", Ct);
                Assert.Equal("Degraded", health!["status"]!.GetValue<string>());
                Assert.Contains("indexed 2 of 3", health["checks"]!["library"]!["description"]!.GetValue<string>());

                var frames = await StreamSearchAsync(client, "show me the sunset", "partial");
                Assert.Equal("sunset-beach", ToolOutput(frames)[0]!["video_id"]!.GetValue<string>());
                var indexing = Agent.Events(frames, "on_custom_event").Select(e => e["data"]!).Single(d => d["stage"]!.GetValue<string>() == "indexing");
                Assert.Contains("indexed 2 of 3", indexing["message"]!.GetValue<string>());
                Assert.Equal(67, indexing["percent"]!.GetValue<double>());
                Assert.Empty(await SearchAsync(client, "rocket launch countdown", "partial"));

                await File.WriteAllTextAsync(gate, "", Ct);
                await IndexedAsync(client, "partial", 3, 3);
                Assert.Equal("gated-rocket", (await SearchAsync(client, "rocket launch countdown", "partial"))[0]!["video_id"]!.GetValue<string>());
                Assert.Equal("Healthy", await LocalAgentFixture.HealthAsync(client, Ct));
                var allIndexed = await StreamSearchAsync(client, "show me the sunset", "partial");
                Assert.DoesNotContain(Agent.Events(allIndexed, "on_custom_event"), e => e["data"]!["stage"]!.GetValue<string>() == "indexing");

                // Changed in place: the folder's listing is the same, so the file watcher is what notices.
                await File.WriteAllTextAsync(Path.Combine(folder, "ocean-waves.json"), """{"title": "Harbour lighthouse", "tags": ["lighthouse"]}""", Ct);
                while ((await SearchAsync(client, "lighthouse", "partial")).Count == 0) await Task.Delay(100, Ct);
                Assert.Equal("ocean-waves", (await SearchAsync(client, "harbour lighthouse", "partial"))[0]!["video_id"]!.GetValue<string>());
            }

            File.Delete(probes);
            await using (var app = await LocalAgentFixture.StartAgentAsync(dataPath, Ct, settings))
            {
                using var client = app.CreateHttpClient("jockey");
                Assert.Equal("gated-rocket", (await SearchAsync(client, "rocket launch countdown", "partial"))[0]!["video_id"]!.GetValue<string>());
                Assert.Equal("ocean-waves", (await SearchAsync(client, "harbour lighthouse", "partial"))[0]!["video_id"]!.GetValue<string>());
                Assert.False(File.Exists(probes), $"probed again after a restart: {(File.Exists(probes) ? await File.ReadAllTextAsync(probes, Ct) : "")}");
            }
        }
        finally
        {
            await File.WriteAllTextAsync(gate, "", CancellationToken.None); // a held ffmpeg ends rather than waiting forever
            Directory.Delete(dataPath, recursive: true);
        }
    }

    /// <summary>Waits on the index's own progress (GET /indexes) until <paramref name="indexed"/> of <paramref name="total"/> files are indexed.</summary>
    private static async Task IndexedAsync(HttpClient client, string indexId, int indexed, int total)
    {
        while (true)
        {
            var index = (await client.GetFromJsonAsync<JsonArray>("/indexes", Ct))!.Single(i => i!["index_id"]!.GetValue<string>() == indexId)!;
            if ((index["files_indexed"]!.GetValue<int>(), index["files_total"]!.GetValue<int>()) == (indexed, total)) return;
            await Task.Delay(100, Ct);
        }
    }

    private static async Task<JsonArray> SearchAsync(HttpClient client, string query, string indexId) => ToolOutput(await StreamSearchAsync(client, query, indexId));

    private static async Task<List<SseItem>> StreamSearchAsync(HttpClient client, string query, string indexId)
    {
        var body = Agent.RunBody(query);
        body["input"]!["index_id"] = indexId;
        using var response = await client.SendAsync(Sse.Post("/runs/stream", body), HttpCompletionOption.ResponseHeadersRead, Ct);
        return await Sse.ReadAllAsync(response, Ct);
    }

    private static JsonArray ToolOutput(List<SseItem> frames) =>
        Agent.Events(frames, "on_tool_end").Single(e => e["name"]!.GetValue<string>() == "simple-video-search")["data"]!["output"]!.AsArray();
}
