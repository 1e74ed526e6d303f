using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Jockey.Testing;
using Jockey.Tests.LocalAgent;

namespace Jockey.Tests.Security;

/// <summary>
/// Finding 2 of issue 19: the local agent answered any Host and any web page. Over real HTTP against the agent the
/// local-agent tests share (no key, as in dev) and a second one started with <c>LocalAgent:ApiKey</c> (as in Azure).
/// </summary>
[Collection(LocalAgentCollection.Name)]
public sealed class AgentAccessTests(LocalAgentFixture agent)
{
    private const string Key = "agent-key-0123456789abcdef";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("Origin", "http://attacker.example")]
    [InlineData("Origin", "null")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    public async Task A_request_from_a_web_page_is_refused_before_it_reaches_the_graph(string header, string value)
    {
        // What a page can send without a preflight: a text/plain POST that would start a run.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/runs/wait")
        {
            Content = new StringContent("""{"assistant_id":"jockey","input":{}}""", Encoding.UTF8, "text/plain"),
        };
        request.Headers.TryAddWithoutValidation(header, value);
        using var response = await agent.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("web page", (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_host_name_that_is_not_the_agents_own_is_refused_as_a_rebinding_attempt_would_be()
    {
        using var rebound = new HttpRequestMessage(HttpMethod.Get, "/indexes");
        rebound.Headers.Host = $"attacker.example:{agent.BaseAddress.Port}";
        using var refused = await agent.Client.SendAsync(rebound, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("LocalAgent:AllowedHosts", (await refused.Content.ReadFromJsonAsync<JsonObject>(Ct))!["detail"]!.GetValue<string>());

        using var own = new HttpRequestMessage(HttpMethod.Get, "/indexes");
        own.Headers.Host = $"localhost:{agent.BaseAddress.Port}";
        using var answered = await agent.Client.SendAsync(own, Ct);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
    }

    [Fact]
    public async Task With_a_key_configured_every_request_but_health_needs_it_and_a_configured_host_is_accepted()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), $"jockey-agent-key-{Guid.NewGuid():N}");
        await using var keyed = await LocalAgentFixture.StartServingAsync(dataPath, Ct,
            ("LocalAgent__ApiKey", Key), ("LocalAgent__AllowedHosts__0", "jockey.internal.example"), ("LocalAgent__GenerateSampleIndex", "false"));
        try
        {
            using var client = keyed.CreateHttpClient("jockey");
            var thread = Guid.NewGuid().ToString();
            foreach (var (method, path) in new[] { ("GET", "/indexes"), ("GET", $"/threads/{thread}/state"), ("POST", "/threads") })
            {
                Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, method, path, key: null));
                Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, method, path, key: Key + "x"));
            }
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "GET", "/indexes", Key));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "POST", "/threads", Key));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "GET", "/indexes", Key, host: "jockey.internal.example"));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "GET", "/alive", key: null, host: "10.1.2.3"));
        }
        finally
        {
            try { Directory.Delete(dataPath, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string method, string path, string? key, string? host = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST") request.Content = JsonContent.Create(new JsonObject());
        if (key is not null) request.Headers.Add("x-api-key", key);
        if (host is not null) request.Headers.Host = host;
        using var response = await client.SendAsync(request, Ct);
        return response.StatusCode;
    }
}
