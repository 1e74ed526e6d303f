using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Jockey.Tests.LocalAgent;

/// <summary>First start on an empty data path: the sample index is generated once, even by two agents at once.</summary>
[Collection(LocalAgentCollection.Name)]
public sealed class SampleIndexTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_agents_starting_at_once_on_one_data_path_generate_one_complete_sample_index()
    {
        var dataPath = Directory.CreateTempSubdirectory("jockey-agent-shared-").FullName;
        try
        {
            var apps = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => LocalAgentFixture.StartAgentAsync(dataPath, Ct)));
            try
            {
                var sample = Path.Combine(dataPath, "indexes", "sample");
                var files = Directory.GetFiles(sample).Select(Path.GetFileName).ToList();
                Assert.Equal(10, files.Count(f => f!.EndsWith(".mp4", StringComparison.Ordinal)));
                Assert.DoesNotContain(files, f => f!.StartsWith(".tmp-", StringComparison.Ordinal));
                // One generated it; the other waited on the lock file and found it complete.
                Assert.Single(apps, a => a.LogTail("jockey", lines: 2000).Contains("Generated the sample index", StringComparison.Ordinal));
                foreach (var app in apps)
                {
                    using var client = app.CreateHttpClient("jockey");
                    var videos = await client.GetFromJsonAsync<JsonArray>("/indexes/sample/videos", Ct);
                    Assert.Equal(10, videos!.Count);
                }
            }
            finally
            {
                foreach (var app in apps) await app.DisposeAsync();
            }
        }
        finally
        {
            Directory.Delete(dataPath, recursive: true);
        }
    }

    [Fact]
    public async Task On_a_first_start_the_agent_serves_at_once_and_a_search_waits_for_the_sample_index_showing_its_progress()
    {
        var dataPath = Directory.CreateTempSubdirectory("jockey-agent-first-").FullName;
        try
        {
            // Another agent generating the sample on this data path holds its lock file; so do we, until we let go.
            Directory.CreateDirectory(Path.Combine(dataPath, "indexes"));
            var held = new FileStream(Path.Combine(dataPath, "indexes", ".sample.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            await using var app = await LocalAgentFixture.StartServingAsync(dataPath, Ct);
            using var client = app.CreateHttpClient("jockey");
            Assert.Equal("Degraded", await LocalAgentFixture.HealthAsync(client, Ct));

            var threadId = await Agent.CreateThreadAsync(client, Ct);
            using var response = await client.SendAsync(Sse.Post($"/threads/{threadId}/runs/stream", Agent.RunBody("find the sunrise")), HttpCompletionOption.ResponseHeadersRead, Ct);
            await using var frames = Sse.ReadAsync(response, Ct).GetAsyncEnumerator(Ct);
            JsonNode? waiting = null;
            while (waiting is null && await frames.MoveNextAsync())
            {
                if (frames.Current.Event == "events" && LibraryProgress(frames.Current) is { } progress) waiting = progress;
            }
            Assert.StartsWith("Preparing the sample library", waiting!["message"]!.GetValue<string>());

            await held.DisposeAsync();
            var rest = new List<SseItem>();
            while (await frames.MoveNextAsync()) rest.Add(frames.Current);
            Assert.Equal(100, rest.Select(LibraryProgress).OfType<JsonNode>().Last()["percent"]!.GetValue<double>());
            var search = rest.Single(f => f.Event == "events" && f.Json?["event"]?.GetValue<string>() == "on_tool_end" && f.Json?["name"]?.GetValue<string>() == "simple-video-search");
            Assert.Equal("sunrise-mountains", search.Json!["data"]!["output"]![0]!["video_id"]!.GetValue<string>());
            Assert.DoesNotContain(rest, f => f.Event == "end");
            Assert.Equal("Healthy", await LocalAgentFixture.HealthAsync(client, Ct));
        }
        finally
        {
            Directory.Delete(dataPath, recursive: true);
        }
    }

    private static JsonNode? LibraryProgress(SseItem frame) =>
        frame.Json is { } json && json["event"]?.GetValue<string>() == "on_custom_event" && json["data"]?["stage"]?.GetValue<string>() == "library" ? json["data"] : null;
}
