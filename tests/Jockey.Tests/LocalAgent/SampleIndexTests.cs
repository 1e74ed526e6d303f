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
}
