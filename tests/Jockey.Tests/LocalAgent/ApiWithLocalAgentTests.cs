using System.Text.Json;
using Jockey.Tests.Api;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.LocalAgent;

/// <summary>The whole path a user takes, with the local agent as the Jockey server: the API's client against the real thing.</summary>
[Collection(LocalAgentAppCollection.Name)]
public sealed class ApiWithLocalAgentTests(LocalAgentAppFixture fixture)
{
    [Fact]
    public async Task Api_runs_a_montage_on_the_local_agent_and_publishes_a_playable_video()
    {
        var ct = Timeout(240);
        using var api = fixture.App.CreateHttpClient("apiservice");

        var thread = await InitAsync(api, ct);
        var operation = await ProcessAsync(api, thread, "make a montage of the sunset and the rocket launch", ct);
        var finished = await WaitForEndAsync(api, operation.GetProperty("operation_id").GetString()!, ct);
        Assert.True(finished.GetProperty("status").GetString() == "completed", finished.ToString());

        var events = await ReadMessagesAsync(StreamAsync(api, thread, null, ct), EndOf(operation.GetProperty("operation_id").GetString()!));
        var found = events.First(e => Name(e) == "search-results").GetProperty("data").GetProperty("clips").EnumerateArray()
            .Select(c => c.GetProperty("video_id").GetString()).ToList();
        Assert.Equal(["rocket-launch", "sunset-beach"], found.Order(StringComparer.Ordinal));
        Assert.Contains(events, e => Name(e) == "progress");
        Assert.Contains(events, e => Name(e) == "reflect");

        var videoUrl = finished.GetProperty("video_url").GetString()!;
        var probe = await FFprobe.ProbeAsync(videoUrl, ct);
        Assert.True(probe.HasVideo && probe.HasAudio, JsonSerializer.Serialize(probe));
    }
}
