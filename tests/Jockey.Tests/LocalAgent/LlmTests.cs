using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Jockey.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jockey.Tests.LocalAgent;

/// <summary>
/// A second agent on the local-agent collection's data path (the sample index is already there), with LocalAgent:Llm
/// pointed at a fake speaking the real chat-completions wire format. It fails any request whose text says "broken".
/// </summary>
public sealed class LlmAgentFixture(LocalAgentFixture agent) : IAsyncLifetime
{
    private WebApplication? _fakeLlm;
    private TestingApp? _app;

    public HttpClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _fakeLlm = builder.Build();
        _fakeLlm.MapPost("/v1/chat/completions", async (HttpRequest request) =>
        {
            var body = (await request.ReadFromJsonAsync<JsonObject>())!;
            var messages = body["messages"]!.AsArray();
            var system = messages[0]!["content"]!.ToString();
            var user = messages[^1]!["content"]!.ToString();
            if (user.Contains("broken", StringComparison.Ordinal)) return Results.StatusCode(500);
            var answer = system.StartsWith("You route requests", StringComparison.Ordinal)
                ? "{\"intent\": \"search\", \"query\": \"rocket launch\"}"
                : "From the model: the rocket launch is at the top of the list.";
            return Results.Json(new JsonObject
            {
                ["id"] = "chatcmpl-1", ["object"] = "chat.completion", ["created"] = 1_700_000_000, ["model"] = body["model"]!.ToString(),
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0, ["finish_reason"] = "stop",
                    ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = answer },
                }),
                ["usage"] = new JsonObject { ["prompt_tokens"] = 1, ["completion_tokens"] = 1, ["total_tokens"] = 2 },
            });
        });
        await _fakeLlm.StartAsync(timeout.Token);
        var llmUrl = _fakeLlm.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        _app = await LocalAgentFixture.StartAgentAsync(agent.DataPath, timeout.Token,
            ("LocalAgent__Llm__Endpoint", llmUrl + "/v1"), ("LocalAgent__Llm__Model", "fake-model"), ("LocalAgent__Llm__ApiKey", "test-key"));
        Client = _app.CreateHttpClient("jockey");
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        if (_fakeLlm is not null) await _fakeLlm.DisposeAsync();
    }
}

/// <summary>The agent plans and reflects through the LLM, and falls back to the rules when the LLM fails.</summary>
[Collection(LocalAgentCollection.Name)]
public sealed class LlmTests(LlmAgentFixture llm) : IClassFixture<LlmAgentFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_llm_plans_the_search_and_words_the_answer()
    {
        // The rules alone would search for "space things" and find nothing.
        var state = await Agent.AskAsync(llm.Client, "I want to watch space things", Ct);
        var search = Assert.Single(Agent.ToolCalls(state, "video-search"));
        Assert.Equal("rocket launch", search["args"]!["query"]!.GetValue<string>());
        Assert.Equal("rocket-launch", search["output"]![0]!["video_id"]!.GetValue<string>());
        Assert.Equal("From the model: the rocket launch is at the top of the list.", Agent.Reflect(state));
    }

    [Fact]
    public async Task A_failing_llm_falls_back_to_the_rules()
    {
        var state = await Agent.AskAsync(llm.Client, "show me the broken soccer goal", Ct);
        var search = Assert.Single(Agent.ToolCalls(state, "video-search"));
        Assert.Equal("soccer-goal", search["output"]![0]!["video_id"]!.GetValue<string>());
        Assert.StartsWith("I found", Agent.Reflect(state));
    }
}
