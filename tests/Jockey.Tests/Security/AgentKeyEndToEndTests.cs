using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jockey.Testing;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Security;

/// <summary>The API and the local agent with one shared key, as infra/main.bicep deploys them: the API's calls carry it.</summary>
public sealed class KeyedAgentAppFixture : IAsyncLifetime
{
    public const string Key = "shared-agent-key-0123456789abcdef";

    public TestingApp App { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        App = await TestingApp.StartAsync(options =>
        {
            options.Only("apiservice");
            options.Environment("apiservice", "Jockey__ApiKey", Key);
            options.Environment("jockey", "LocalAgent__ApiKey", Key);
        }, timeout.Token);
        await App.WaitForResourceHealthyAsync("apiservice", timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync();
    }
}

public sealed class AgentKeyEndToEndTests(KeyedAgentAppFixture fixture) : IClassFixture<KeyedAgentAppFixture>
{
    [Fact]
    public async Task With_one_key_on_both_sides_the_api_reaches_the_agent_and_nobody_else_does()
    {
        var ct = Timeout(120);
        using var api = fixture.App.CreateHttpClient("apiservice");
        using var agent = fixture.App.CreateHttpClient("jockey");

        // Threads, listings and files all go to the agent with the key.
        await InitAsync(api, ct);
        JsonElement videos;
        // On a fresh data path the agent is still generating its sample index.
        while ((videos = await api.GetFromJsonAsync<JsonElement>("/api/indexes/sample/videos", ct)).GetArrayLength() == 0) await Task.Delay(200, ct);
        var video = videos[0];
        using (var thumbnail = await api.GetAsync(video.GetProperty("thumbnail_url").GetString(), ct)) Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
        var health = await api.GetFromJsonAsync<JsonElement>("/health", ct);
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("jockey").GetProperty("status").GetString());

        using (var withoutKey = await agent.GetAsync("/indexes", ct)) Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
    }
}
