using System.Net;
using System.Text.Json;
using Jockey.Testing;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Api;

/// <summary>The app as it runs in dev: the API in front of the embedded local agent (no fake).</summary>
public sealed class LocalAgentAppFixture : IAsyncLifetime
{
    /// <summary>The API's upload limit here: small, so a test can go past it cheaply.</summary>
    public const long MaxUploadBytes = 2 * 1024 * 1024;

    public TestingApp App { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        var ct = timeout.Token;
        App = await TestingApp.StartAsync(options =>
        {
            options.Only("apiservice");
            options.Environment("apiservice", "Library__MaxUploadBytes", MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }, ct);
        await App.WaitForResourceHealthyAsync("apiservice", ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync();
    }
}

/// <summary>The classes that run the API against the local agent share one app.</summary>
[CollectionDefinition(Name)]
public sealed class LocalAgentAppCollection : ICollectionFixture<LocalAgentAppFixture>
{
    public const string Name = "api-with-local-agent";
}

[Collection(LocalAgentAppCollection.Name)]
public sealed class ApiLocalAgentTests(LocalAgentAppFixture fixture)
{
    [Fact]
    public async Task A_montage_request_to_the_local_agent_ends_completed_with_the_rendered_video_in_blob_storage()
    {
        var ct = Timeout(240);
        using var api = fixture.App.CreateHttpClient("apiservice");
        var threadId = await InitAsync(api, ct);

        var operationId = await StartOperationAsync(api, threadId, "make a montage of the sunrise and the rocket launch", ct);
        var events = await ReadMessagesAsync(StreamAsync(api, threadId, null, ct), EndOf(operationId));

        Assert.True(Name(events[^1]) == "completed", $"The run ended with: {events[^1].GetRawText()}");
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(Seq));
        Assert.Contains(events, e => Name(e) == "planner");
        var clips = events.First(e => Name(e) == "search-results").GetProperty("data").GetProperty("clips");
        Assert.True(clips.GetArrayLength() > 0);
        var thumbnail = clips[0].GetProperty("thumbnail_url").GetString()!;
        Assert.StartsWith("/api/jockey/files/", thumbnail);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(thumbnail, ct)).StatusCode);

        var ready = events.Single(e => Name(e) == "video-ready").GetProperty("data");
        var file = ready.GetProperty("file_name").GetString()!;
        var index = ready.GetProperty("tool_call").GetProperty("args").TryGetProperty("index_id", out var i) ? i.GetString() : "sample";
        using var anonymous = new HttpClient();
        var stored = await anonymous.GetByteArrayAsync(ready.GetProperty("video_url").GetString(), ct);
        // The agent's copy, by a URL signed as the API signs them (with the key the API stored in Redis as it started).
        var served = await api.GetByteArrayAsync(await Security.SignedFileUrls.UrlAsync(fixture.App, index!, file, ct), ct);
        Assert.Equal(served, stored);
        Assert.Equal("ftyp", System.Text.Encoding.ASCII.GetString(stored, 4, 4));
        Assert.Equal("completed", (await GetOperationAsync(api, operationId, ct)).GetProperty("status").GetString());
    }

    /// <summary>
    /// The agent restarts mid-render (killed while its render is held still, so the run cannot finish first, then
    /// started again): the restarted agent no longer knows the run, so it ends failed with a reason naming the Jockey
    /// server; a subscriber sees that ending, and the thread takes the next run.
    /// </summary>
    [Fact]
    public async Task An_agent_killed_mid_run_ends_the_run_failed_naming_the_jockey_server_and_the_thread_takes_the_next_run()
    {
        var ct = Timeout(300);
        using var api = fixture.App.CreateHttpClient("apiservice");
        var threadId = await InitAsync(api, ct);
        var pausing = PausedRender.WhenItStartsAsync(fixture.App, TimeSpan.FromMinutes(3), ct);
        var operationId = await StartOperationAsync(api, threadId, "make a montage of the ocean and the forest", ct);
        var watching = ReadMessagesAsync(StreamAsync(api, threadId, null, ct), EndOf(operationId));

        try
        {
            await using (await pausing) await fixture.App.KillAsync("jockey");
        }
        finally
        {
            // The app is shared: the next test needs the agent whether or not this one got as far as killing it.
            await fixture.App.EnsureRunningAsync("jockey", cancellationToken: ct);
        }
        var events = await watching;
        var next = await StartOperationAsync(api, threadId, "show me the sunrise", ct);
        var nextEvents = await ReadMessagesAsync(StreamAsync(api, threadId, Seq(events[^1]), ct), EndOf(next));

        Assert.Equal("failed", Name(events[^1]));
        Assert.Contains("Jockey server at", events[^1].GetProperty("text").GetString());
        Assert.Equal("failed", (await GetOperationAsync(api, operationId, ct)).GetProperty("status").GetString());
        Assert.Equal("completed", Name(nextEvents[^1]));
    }
}
