using Jockey.ApiService.Jockey;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Jockey.Tests.Api;

/// <summary>The LangGraph client against the fake server over real HTTP: what a run yields and how each failure reads.</summary>
public sealed class JockeyClientTests(FakeJockeyFixture fake) : IClassFixture<FakeJockeyFixture>
{
    private static CancellationToken Timeout => ApiSteps.Timeout(30);

    private static JockeyClient Client(Uri baseAddress, TimeSpan? idle = null, AssistantIdCache? assistants = null, string? assistantId = null, string graphId = "jockey")
    {
        var options = Options.Create(new JockeyOptions { Url = baseAddress.ToString(), IdleTimeout = idle ?? TimeSpan.FromSeconds(20), AssistantId = assistantId, GraphId = graphId });
        var http = new HttpClient { BaseAddress = options.Value.GetBaseUri(), Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        return new JockeyClient(http, options, new JockeyEndpoint(options, new ConfigurationBuilder().Build()), assistants ?? new AssistantIdCache(), NullLogger<JockeyClient>.Instance);
    }

    private static JockeyInput Input(string text) => new([new JockeyMessage("human", "user", text, "m0")], FakeJockeyServer.IndexId);

    private async Task<List<JockeyStreamPart>> RunAsync(string text, TimeSpan? idle = null)
    {
        var client = Client(fake.Server.BaseAddress, idle);
        var thread = await client.CreateThreadAsync(Timeout);
        var parts = new List<JockeyStreamPart>();
        await foreach (var part in client.StreamRunAsync(thread, Input(text), Timeout)) parts.Add(part);
        return parts;
    }

    [Fact]
    public async Task A_normal_run_yields_metadata_first_then_updates_and_events_and_sends_stream_mode_in_the_body()
    {
        var parts = await RunAsync("make a sunrise video");

        Assert.Equal("metadata", parts[0].Event);
        Assert.Contains(parts, p => p.Event == "updates");
        Assert.Contains(parts, p => p.Event == "events");
        Assert.DoesNotContain(parts, p => p.Event == "end");
        var request = fake.Server.RunRequests.Last(r => r["input"]!["chat_history"]![0]!["content"]!.GetValue<string>() == "make a sunrise video");
        Assert.Equal(["updates", "events"], request["stream_mode"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal("reject", request["multitask_strategy"]!.GetValue<string>());
        Assert.Equal("sample", request["input"]!["index_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Malformed_frames_are_skipped_and_the_rest_of_the_run_still_arrives()
    {
        var normal = await RunAsync("normal: x");
        var malformed = await RunAsync("malformed: x");

        Assert.Equal(normal.Select(p => p.Event), malformed.Select(p => p.Event));
    }

    [Theory]
    [InlineData("error: x", "Jockey reported an error: ValueError: TWELVE_LABS_API_KEY is not set")]
    [InlineData("cut: x", "closed the stream before the run finished")]
    [InlineData("notsse: x", "answered the run with text/html instead of an event stream")]
    public async Task Failed_runs_throw_a_readable_message(string text, string expected)
    {
        var failure = await Assert.ThrowsAsync<JockeyException>(() => RunAsync(text));
        Assert.Contains(expected, failure.Message);
    }

    [Fact]
    public async Task A_silent_stream_fails_after_the_idle_timeout_although_heartbeats_arrived_before()
    {
        var failure = await Assert.ThrowsAsync<JockeyException>(() => RunAsync("hang: x", idle: TimeSpan.FromSeconds(1)));
        Assert.Contains("sent nothing for 1 s", failure.Message);
        Assert.Contains(fake.Server.BaseAddress.ToString().TrimEnd('/'), failure.Message);
    }

    [Fact]
    public async Task An_http_error_names_the_server_status_and_body()
    {
        var client = Client(fake.Server.BaseAddress);
        var failure = await Assert.ThrowsAsync<JockeyException>(async () =>
        {
            await foreach (var _ in client.StreamRunAsync("missing", Input("x"), Timeout)) { }
        });
        Assert.Contains("answered 404 Not Found to POST /threads/missing/runs/stream", failure.Message);
        Assert.Contains("Thread missing not found", failure.Message);
    }

    [Fact]
    public async Task An_unreachable_server_is_named_in_the_message()
    {
        var dead = ApiSteps.DeadLoopbackUrl();

        var failure = await Assert.ThrowsAsync<JockeyException>(() => Client(dead).CreateThreadAsync(Timeout));
        Assert.Contains($"Jockey server at {dead.ToString().TrimEnd('/')} is not reachable", failure.Message);
    }
    [Fact]
    public async Task The_assistant_found_by_search_is_cached_across_clients()
    {
        var cache = new AssistantIdCache();
        var before = fake.Server.AssistantSearches;

        var first = await Client(fake.Server.BaseAddress, assistants: cache).GetAssistantIdAsync(Timeout);
        var second = await Client(fake.Server.BaseAddress, assistants: cache).GetAssistantIdAsync(Timeout);

        Assert.Equal((FakeJockeyServer.AssistantId, FakeJockeyServer.AssistantId), (first, second));
        Assert.Equal(before + 1, fake.Server.AssistantSearches);
    }

    [Fact]
    public async Task A_configured_assistant_id_is_used_without_searching()
    {
        var before = fake.Server.AssistantSearches;
        var client = Client(fake.Server.BaseAddress, assistantId: "my-assistant");
        var thread = await client.CreateThreadAsync(Timeout);

        await foreach (var _ in client.StreamRunAsync(thread, Input("configured assistant"), Timeout)) { }

        var request = fake.Server.RunRequests.Last(r => r["input"]!["chat_history"]![0]!["content"]!.GetValue<string>() == "configured assistant");
        Assert.Equal("my-assistant", request["assistant_id"]!.GetValue<string>());
        Assert.Equal(before, fake.Server.AssistantSearches);
    }

    [Fact]
    public async Task A_graph_without_an_assistant_falls_back_to_the_graph_name_which_is_cached_too()
    {
        var cache = new AssistantIdCache();
        var before = fake.Server.AssistantSearches;

        var first = await Client(fake.Server.BaseAddress, assistants: cache, graphId: "montage").GetAssistantIdAsync(Timeout);
        var second = await Client(fake.Server.BaseAddress, assistants: cache, graphId: "montage").GetAssistantIdAsync(Timeout);

        Assert.Equal(("montage", "montage"), (first, second));
        Assert.Equal(before + 1, fake.Server.AssistantSearches);
    }

    [Fact]
    public async Task A_server_error_names_the_server_the_status_and_its_detail()
    {
        var failure = await Assert.ThrowsAsync<JockeyException>(() => RunAsync("http500: x"));

        Assert.Contains($"Jockey server at {fake.Server.BaseAddress.ToString().TrimEnd('/')} answered 500 Internal Server Error to POST /threads/", failure.Message);
        Assert.Contains("graph 'jockey' failed to load", failure.Message);
    }
}

/// <summary>One fake Jockey server per test class.</summary>
public sealed class FakeJockeyFixture : IAsyncLifetime
{
    public FakeJockeyServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await FakeJockeyServer.StartAsync();

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
