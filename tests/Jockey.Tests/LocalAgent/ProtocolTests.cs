using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Jockey.Tests.LocalAgent;

/// <summary>The LangGraph HTTP API over raw HTTP: ids, errors, and the frames each stream mode produces, in order.</summary>
[Collection(LocalAgentCollection.Name)]
public sealed class ProtocolTests(LocalAgentFixture agent)
{
    private readonly HttpClient _client = agent.Client;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ok_and_assistant_search_return_the_jockey_assistant_with_langgraphs_deterministic_id()
    {
        Assert.True((await _client.GetFromJsonAsync<JsonObject>("/ok", Ct))!["ok"]!.GetValue<bool>());
        var assistants = await (await _client.PostAsJsonAsync("/assistants/search", new JsonObject(), Ct)).Content.ReadFromJsonAsync<JsonArray>(Ct);
        var assistant = Assert.Single(assistants!)!;
        Assert.Equal(Agent.AssistantId, assistant["assistant_id"]!.GetValue<string>());
        Assert.Equal("jockey", assistant["graph_id"]!.GetValue<string>());
        Assert.Equal(Agent.AssistantId, (await _client.GetFromJsonAsync<JsonObject>($"/assistants/{Agent.AssistantId}", Ct))!["assistant_id"]!.GetValue<string>());
        Assert.Empty((await (await _client.PostAsJsonAsync("/assistants/search", new JsonObject { ["graph_id"] = "other" }, Ct)).Content.ReadFromJsonAsync<JsonArray>(Ct))!);
    }

    [Theory]
    [InlineData("GET", "/assistants/3f0c6f0e-0000-0000-0000-000000000000")]
    [InlineData("GET", "/threads/3f0c6f0e-0000-0000-0000-000000000000")]
    [InlineData("GET", "/threads/3f0c6f0e-0000-0000-0000-000000000000/state")]
    [InlineData("POST", "/threads/3f0c6f0e-0000-0000-0000-000000000000/runs/stream")]
    public async Task Unknown_assistants_and_threads_are_404_with_a_detail(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(Agent.RunBody("show me the ocean")) };
        var response = await _client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("not found", (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_run_on_a_real_thread_is_404_and_unknown_assistant_in_a_run_is_404()
    {
        var thread = await Agent.CreateThreadAsync(_client, Ct);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.PostAsync($"/threads/{thread}/runs/{Guid.NewGuid()}/cancel", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/threads/{thread}/runs/{Guid.NewGuid()}/join", Ct)).StatusCode);
        var body = Agent.RunBody("show me the ocean");
        body["assistant_id"] = "no-such-graph";
        Assert.Equal(HttpStatusCode.NotFound, (await _client.PostAsJsonAsync($"/threads/{thread}/runs/stream", body, Ct)).StatusCode);
    }

    [Theory]
    [InlineData("{\"input\": {}}", "assistant_id")]
    [InlineData("{\"assistant_id\": \"jockey\", \"stream_mode\": \"telepathy\"}", "stream_mode")]
    [InlineData("{\"assistant_id\": \"jockey\", \"stream_mode\": 3}", "stream_mode")]
    [InlineData("{\"assistant_id\": \"jockey\", \"multitask_strategy\": \"shove\"}", "multitask_strategy")]
    [InlineData("{\"assistant_id\": \"jockey\", \"input\": \"text\"}", "input")]
    [InlineData("not json", "JSON")]
    public async Task Unusable_run_bodies_are_422_naming_the_field(string body, string field)
    {
        var response = await _client.PostAsync("/runs/stream", new StringContent(body, Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(field, (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Creating_an_existing_thread_is_409_unless_if_exists_do_nothing()
    {
        var id = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.OK, (await _client.PostAsJsonAsync("/threads", new JsonObject { ["thread_id"] = id }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await _client.PostAsJsonAsync("/threads", new JsonObject { ["thread_id"] = id }, Ct)).StatusCode);
        var again = await _client.PostAsJsonAsync("/threads", new JsonObject { ["thread_id"] = id, ["if_exists"] = "do_nothing" }, Ct);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("idle", (await again.Content.ReadFromJsonAsync<JsonObject>(Ct))!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Updates_mode_streams_metadata_then_each_node_in_graph_order_then_closes_without_end()
    {
        var thread = await Agent.CreateThreadAsync(_client, Ct);
        var frames = await Agent.TurnAsync(_client, thread, "find the snowman", Ct, "updates");

        var events = frames.Where(f => f.Event is not null).ToList();
        Assert.Equal("metadata", events[0].Event);
        Assert.False(string.IsNullOrEmpty(events[0].Json!["run_id"]!.GetValue<string>()));
        // As LangGraph's JS server: the stream just closes, no `end`; the run's status says how it ended.
        Assert.DoesNotContain(events, e => e.Event == "end");
        Assert.All(events.Skip(1), f => Assert.Equal("updates", f.Event));
        var nodes = events.Skip(1).Select(f => Assert.Single(f.Json!.AsObject()).Key).ToList();
        Assert.Equal(["supervisor", "planner", "supervisor", "instructor", "video-search", "supervisor", "reflect"], nodes);
        Assert.All(events, f => Assert.NotNull(f.Id));
    }

    [Fact]
    public async Task Values_mode_as_a_string_streams_the_whole_state_with_a_growing_chat_history()
    {
        var thread = await Agent.CreateThreadAsync(_client, Ct);
        var frames = await Agent.TurnAsync(_client, thread, "find the snowman", Ct, JsonValue.Create("values"));

        var values = frames.Where(f => f.Event == "values").Select(f => f.Json!.AsObject()).ToList();
        Assert.Equal(["metadata", .. Enumerable.Repeat("values", values.Count)], frames.Where(f => f.Event is not null).Select(f => f.Event!));
        var lengths = values.Select(v => v["chat_history"]!.AsArray().Count).ToList();
        Assert.Equal(lengths.Order(), lengths);
        Assert.Equal(1, lengths[0]);
        var final = values[^1];
        Assert.Contains("Snowfall in the village", Agent.Reflect(final));
        Assert.Equal("sample", final["index_id"]!.GetValue<string>());
        var state = await _client.GetFromJsonAsync<JsonObject>($"/threads/{thread}/state", Ct);
        Assert.Equal(final["chat_history"]!.AsArray().Count, state!["values"]!["chat_history"]!.AsArray().Count);
    }

    [Fact]
    public async Task Events_mode_pairs_node_and_tool_events_and_streams_reflect_tokens()
    {
        var thread = await Agent.CreateThreadAsync(_client, Ct);
        var frames = await Agent.TurnAsync(_client, thread, "show me the rocket launch", Ct, new JsonArray("events", "updates"));
        var events = frames.Where(f => f.Event == "events").Select(f => f.Json!.AsObject()).ToList();

        var nodeStarts = events.Where(e => e["event"]!.GetValue<string>() == "on_chain_start" && e["metadata"]!["langgraph_node"] is not null).ToList();
        var nodeEnds = events.Where(e => e["event"]!.GetValue<string>() == "on_chain_end" && e["metadata"]!["langgraph_node"] is not null).ToList();
        Assert.Equal(nodeStarts.Select(e => e["name"]!.GetValue<string>()), nodeEnds.Select(e => e["name"]!.GetValue<string>()));
        Assert.All(nodeStarts, e => Assert.Equal(e["name"]!.GetValue<string>(), e["metadata"]!["langgraph_node"]!.GetValue<string>()));

        var toolStart = Assert.Single(Agent.Events(frames, "on_tool_start"));
        Assert.Equal("simple-video-search", toolStart["name"]!.GetValue<string>());
        Assert.Equal("video-search", toolStart["metadata"]!["langgraph_node"]!.GetValue<string>());
        Assert.Contains("rocket", toolStart["data"]!["input"]!["query"]!.GetValue<string>());
        var clips = Assert.Single(Agent.Events(frames, "on_tool_end"))["data"]!["output"]!.AsArray();
        Assert.Equal("rocket-launch", clips[0]!["video_id"]!.GetValue<string>());
        foreach (var key in new[] { "video_title", "start", "end", "score", "confidence", "thumbnail_url", "video_url" }) Assert.NotNull(clips[0]![key]);

        var tokens = Agent.Events(frames, "on_chat_model_stream").ToList();
        Assert.True(tokens.Count > 3);
        Assert.All(tokens, t => Assert.Equal("reflect", t["metadata"]!["langgraph_node"]!.GetValue<string>()));
        var streamed = string.Concat(tokens.Select(t => t["data"]!["chunk"]!["content"]!.GetValue<string>()));
        var reflect = frames.Last(f => f.Event == "updates").Json!["reflect"]!["chat_history"]![0]!["content"]!.GetValue<string>();
        Assert.Equal(reflect, streamed);
        Assert.Single(Agent.Events(frames, "on_chat_model_end"));
    }

    [Fact]
    public async Task Run_body_with_the_sdks_config_checkpoint_webhook_and_interrupt_fields_is_accepted()
    {
        var thread = await Agent.CreateThreadAsync(_client, Ct);
        // What langgraph-sdk's runs.stream sends when a caller uses these options; none of them mean anything here.
        var body = Agent.RunBody("find the snowman", new JsonArray("updates"));
        body["config"] = new JsonObject { ["configurable"] = new JsonObject { ["index_id"] = "sample" }, ["tags"] = new JsonArray("sdk"), ["recursion_limit"] = 25 };
        body["checkpoint"] = new JsonObject { ["thread_id"] = thread, ["checkpoint_ns"] = "", ["checkpoint_id"] = Guid.NewGuid().ToString() };
        body["checkpoint_id"] = null;
        body["webhook"] = "http://127.0.0.1:9/hooks/jockey";
        body["interrupt_before"] = new JsonArray("video-editing");
        body["interrupt_after"] = "*";
        body["feedback_keys"] = new JsonArray("score");
        body["stream_subgraphs"] = false;
        body["after_seconds"] = 0;
        body["metadata"] = new JsonObject { ["source"] = "sdk-test" };
        body["on_completion"] = "keep";

        using var response = await _client.SendAsync(Sse.Post($"/threads/{thread}/runs/stream", body), HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var frames = await Sse.ReadAllAsync(response, Ct);

        Assert.DoesNotContain(frames, f => f.Event == "error");
        Assert.DoesNotContain(frames, f => f.Event == "end");
        var reflect = frames.Last(f => f.Event == "updates").Json!["reflect"]!["chat_history"]![0]!["content"]!.GetValue<string>();
        Assert.Contains("Snowfall in the village", reflect);
        var runs = await _client.GetFromJsonAsync<JsonArray>($"/threads/{thread}/runs", Ct);
        Assert.Equal("sdk-test", runs![0]!["metadata"]!["source"]!.GetValue<string>());
    }

    [Fact]
    public async Task Stateless_run_accepts_the_seeds_body_with_the_index_prefix_in_the_message()
    {
        var body = new JsonObject
        {
            ["assistant_id"] = Agent.AssistantId,
            ["index_id"] = "sample",
            ["thread_id"] = Guid.NewGuid().ToString(),
            ["input"] = new JsonObject
            {
                ["chat_history"] = new JsonArray(new JsonObject
                {
                    ["type"] = "user", ["content"] = "sample show me the kitten", ["additional_kwargs"] = new JsonObject(), ["response_metadata"] = new JsonObject(),
                    ["id"] = Guid.NewGuid().ToString(), ["example"] = false, ["name"] = "",
                }),
                ["next_worker"] = "planner", ["made_plan"] = false, ["active_plan"] = "",
            },
        };
        using var response = await _client.SendAsync(Sse.Post("/runs/stream", body), HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var frames = await Sse.ReadAllAsync(response, Ct);

        var final = Agent.LastValues(frames)!;
        var search = Assert.Single(Agent.ToolCalls(final, "video-search"));
        Assert.Equal("tool_call", search["type"]!.GetValue<string>());
        Assert.Equal("kitten", search["args"]!["query"]!.GetValue<string>());
        Assert.Equal("cat-yarn", search["output"]![0]!["video_id"]!.GetValue<string>());
        Assert.DoesNotContain(frames, f => f.Event == "end");
    }
}
