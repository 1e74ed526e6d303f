using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Jockey.Tests.LocalAgent;

/// <summary>A run that cannot work ends with LangGraph's error frame, then end; the thread reports the error and keeps serving.</summary>
[Collection(LocalAgentCollection.Name)]
public sealed class RunFailureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Searching_a_library_without_any_index_streams_an_error_frame_that_names_the_fix_last()
    {
        var dataPath = Directory.CreateTempSubdirectory("jockey-agent-empty-").FullName;
        try
        {
            await using var app = await LocalAgentFixture.StartAgentAsync(dataPath, Ct, ("LocalAgent__GenerateSampleIndex", "false"));
            using var client = app.CreateHttpClient("jockey");
            var thread = await Agent.CreateThreadAsync(client, Ct);

            var frames = await Agent.TurnAsync(client, thread, "show me the ocean", Ct, "updates");

            var named = frames.Where(f => f.Event is not null).ToList();
            Assert.Equal("metadata", named[0].Event);
            Assert.Equal("error", named[^1].Event);
            var error = named[^1].Json!;
            Assert.False(string.IsNullOrEmpty(error["error"]!.GetValue<string>()));
            Assert.Contains("POST /indexes/sample/videos", error["message"]!.GetValue<string>());
            Assert.Equal("error", (await client.GetFromJsonAsync<JsonObject>($"/threads/{thread}", Ct))!["status"]!.GetValue<string>());
            Assert.Empty((await client.GetFromJsonAsync<JsonArray>("/indexes", Ct))!);
        }
        finally
        {
            Directory.Delete(dataPath, recursive: true);
        }
    }
}
