using Jockey.ApiService.Jockey;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Jockey.Tests.Api;

/// <summary>The LangGraph client against the fake server over real HTTP: what a run yields and how each failure reads.</summary>
public sealed class JockeyClientTests(FakeJockeyFixture fake) : IClassFixture<FakeJockeyFixture>
{
    private static CancellationToken Timeout => ApiSteps.Timeout(30);

    /// <summary>A client of the Jockey server at <paramref name="baseAddress"/> (the fake here, the real LangGraph server in the conformance tests).</summary>
    internal static JockeyClient Client(Uri baseAddress, TimeSpan? idle = null, AssistantIdCache? assistants = null, string? assistantId = null, string graphId = "jockey", string[]? streamModes = null)
    {
        var options = Options.Create(new JockeyOptions { Url = baseAddress.ToString(), IdleTimeout = idle ?? TimeSpan.FromSeconds(20), AssistantId = assistantId, GraphId = graphId, StreamModes = streamModes });
        var http = new HttpClient { BaseAddress = options.Value.GetBaseUri(), Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        return new JockeyClient(http, options, new JockeyEndpoint(options, new ConfigurationBuilder().Build()), assistants ?? new AssistantIdCache(), NullLogger<JockeyClient>.Instance);
    }

    private static JockeyInput Input(string text) => new([new JockeyMessage("human", "user", text, "m0")], FakeJockeyServer.IndexId);

    private async Task<List<JockeyStreamPart>> RunAsync(string text, TimeSpan? idle = null) => (await FollowAsync(text, idle)).Parts;

    private async Task<(List<JockeyStreamPart> Parts, JockeyRunStream Run)> FollowAsync(string text, TimeSpan? idle = null)
    {
        var client = Client(fake.Server.BaseAddress, idle);
        var thread = await client.CreateThreadAsync(Timeout);
        var parts = new List<JockeyStreamPart>();
        await using var run = await client.StartRunAsync(thread, Input(text), Timeout);
        await foreach (var part in run.ReadAllAsync(Timeout)) parts.Add(part);
        return (parts, run);
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
    [InlineData("cut: x", "closed the stream before the run finished and no longer knows run")]
    [InlineData("notsse: x", "answered the run with text/html instead of an event stream")]
    public async Task Failed_runs_throw_a_readable_message(string text, string expected)
    {
        var failure = await Assert.ThrowsAsync<JockeyException>(() => RunAsync(text));
        Assert.Contains(expected, failure.Message);
    }

    [Fact]
    public async Task A_silent_stream_whose_status_does_not_answer_fails_after_the_idle_timeout()
    {
        var failure = await Assert.ThrowsAsync<JockeyException>(() => RunAsync("hang: x", idle: TimeSpan.FromSeconds(1)));
        Assert.Contains("sent nothing for 1 s and did not answer for the run's status", failure.Message);
        Assert.Contains("504", failure.Message);
        Assert.Contains(fake.Server.BaseAddress.ToString().TrimEnd('/'), failure.Message);
    }

    [Fact]
    public async Task A_silent_step_longer_than_the_idle_timeout_lives_on_while_the_run_status_says_running()
    {
        // The gated run goes silent at 50 %; it goes on only once the client has asked for its status twice.
        var ct = Timeout;
        var released = Task.Run(async () =>
        {
            while (!fake.Server.RunIds.ContainsKey("gated: silent")) await Task.Delay(20, ct);
            var status = $"/runs/{fake.Server.RunIds["gated: silent"]}";
            while (fake.Server.Requests.Count(r => r.Call.StartsWith("GET ", StringComparison.Ordinal) && r.Call.EndsWith(status, StringComparison.Ordinal)) < 2) await Task.Delay(20, ct);
            fake.Server.ReleaseGate();
        }, ct);

        var (parts, run) = await FollowAsync("gated: silent", idle: TimeSpan.FromMilliseconds(300));
        await released;

        Assert.Equal(100, parts[^1].Data.GetProperty("data").GetProperty("percent").GetInt32());
        Assert.True(run.Finished);
        Assert.Equal(0, run.Rejoins);
    }

    [Fact]
    public async Task A_dropped_connection_is_rejoined_from_the_last_event_id_with_nothing_lost_or_repeated()
    {
        var normal = await RunAsync("normal: x");
        var (dropped, run) = await FollowAsync("drop: x");

        Assert.Equal(1, run.Rejoins);
        Assert.Equal(normal.Select(p => (p.Event, p.Id)), dropped.Select(p => (p.Event, p.Id)));
        Assert.Equal(dropped.Count, dropped.Select(p => p.Id).Distinct().Count());
        Assert.Contains(fake.Server.Requests, r => r.Call == $"GET /threads/{run.ThreadId}/runs/{run.RunId}/stream");
    }

    [Fact]
    public async Task A_finished_runs_frames_its_stream_closed_without_are_read_by_rejoining_it()
    {
        var normal = await RunAsync("normal: x");
        var (unsent, run) = await FollowAsync("unsent: x");

        Assert.Equal(normal.Select(p => (p.Event, p.Id)), unsent.Select(p => (p.Event, p.Id)));
        Assert.True(run.Finished);
        Assert.Contains(fake.Server.Requests, r => r.Call == $"GET /threads/{run.ThreadId}/runs/{run.RunId}/stream");
    }

    [Fact]
    public async Task A_server_that_cannot_rejoin_a_stream_is_waited_out_with_join_and_its_final_state()
    {
        var (parts, run) = await FollowAsync("norejoin: x");

        Assert.Equal(["metadata", "updates", "values"], parts.Select(p => p.Event));
        Assert.Equal(FakeJockeyServer.ReflectText, parts[^1].Data.GetProperty("chat_history")[0].GetProperty("content").GetString());
        Assert.True(run.Finished);
        Assert.Contains(fake.Server.Requests, r => r.Call == $"GET /threads/{run.ThreadId}/runs/{run.RunId}/join");
    }

    [Fact]
    public async Task The_run_id_comes_from_content_location_and_a_run_can_be_joined_from_an_event_id()
    {
        var (parts, run) = await FollowAsync("normal: joined later");
        var client = Client(fake.Server.BaseAddress);

        await using var joined = client.JoinRun(run.Run!, parts[3].Id);
        var rest = new List<JockeyStreamPart>();
        await foreach (var part in joined.ReadAllAsync(Timeout)) rest.Add(part);

        Assert.Equal(fake.Server.RunIds["normal: joined later"], run.RunId);
        Assert.Equal(parts.Skip(4).Select(p => p.Id), rest.Select(p => p.Id));
    }

    [Fact]
    public async Task A_busy_thread_reads_as_one_clear_reason_whatever_the_status_code()
    {
        var client = Client(fake.Server.BaseAddress);
        var thread = await client.CreateThreadAsync(Timeout);
        await using var first = await client.StartRunAsync(thread, Input("busy: holds the thread"), Timeout);

        var failure = await Assert.ThrowsAsync<JockeyBusyException>(() => client.StartRunAsync(thread, Input("second"), Timeout));
        await client.CancelRunAsync(first.Run!, wait: true, Timeout);
        await using var after = await client.StartRunAsync(thread, Input("normal: after the cancel"), Timeout);

        Assert.Contains("is still running an earlier run on this conversation's thread", failure.Message);
        Assert.Contains("422: Thread is already running a task", failure.Message);
        Assert.Equal("interrupted", await client.GetRunStatusAsync(first.Run!, Timeout));
    }

    [Fact]
    public async Task An_http_error_names_the_server_status_and_body()
    {
        var client = Client(fake.Server.BaseAddress);
        var failure = await Assert.ThrowsAsync<JockeyException>(() => client.StartRunAsync("missing", Input("x"), Timeout));
        Assert.Contains("answered 404 Not Found to POST /threads/missing/runs/stream", failure.Message);
        Assert.Contains("Thread missing not found", failure.Message);
    }

    /// <summary>
    /// The server goes away while the run is on it: its stream breaks and new connections are refused. Neither the
    /// run's status nor a rejoin answers, so the run is abandoned as unreachable — what the API cancels with the short
    /// deadline only.
    /// </summary>
    [Fact]
    public async Task A_server_gone_mid_run_abandons_the_run_as_unreachable_naming_the_server()
    {
        var path = new TcpForwarder(0, fake.Server.BaseAddress);
        var client = Client(path.Address);
        var thread = await client.CreateThreadAsync(Timeout);
        await using var run = await client.StartRunAsync(thread, Input("hang: x"), Timeout);
        await using var parts = run.ReadAllAsync(Timeout).GetAsyncEnumerator(Timeout);
        Assert.True(await parts.MoveNextAsync());
        Assert.Equal("metadata", parts.Current.Event);

        await path.DisposeAsync();

        var failure = await Assert.ThrowsAsync<JockeyUnreachableException>(async () => { while (await parts.MoveNextAsync()) { } });
        Assert.Contains($"Jockey server at {path.Address.ToString().TrimEnd('/')} could not say how the run stands twice in a row", failure.Message);
        Assert.False(run.Finished);
    }

    /// <summary>
    /// A port that takes connections and answers nothing, as Aspire's dev proxy does in front of a dead agent: the
    /// health probe says the server did not answer, in words, instead of throwing its own cancellation.
    /// </summary>
    [Fact]
    public async Task A_server_that_takes_the_connection_but_never_answers_reads_as_not_answering_the_probe()
    {
        var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        try
        {
            var address = new Uri($"http://127.0.0.1:{((System.Net.IPEndPoint)silent.LocalEndpoint).Port}/");

            var problem = await Client(address).CheckOkAsync(TimeSpan.FromSeconds(1), Timeout);

            Assert.Equal($"Jockey server at {address.ToString().TrimEnd('/')} did not answer GET /ok within 1 s.", problem);
            Assert.Null(await Client(fake.Server.BaseAddress).CheckOkAsync(TimeSpan.FromSeconds(10), Timeout));
        }
        finally
        {
            silent.Stop();
        }
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

        await using var run = await client.StartRunAsync(thread, Input("configured assistant"), Timeout);
        await foreach (var _ in run.ReadAllAsync(Timeout)) { }

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
