using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Jockey.Testing;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Api;

/// <summary>
/// The configured Jockey server is not running; starting runs is limited to 3 a minute per client, on two replicas;
/// and the only trusted proxy is elsewhere, so the tests' own loopback connections count as clients, not as the web
/// app's proxy.
/// </summary>
public sealed class JockeyDownFixture : ApiAppFixture
{
    public Uri DeadUrl { get; } = DeadLoopbackUrl();

    protected override int Replicas => 2;

    protected override Uri JockeyUrl => DeadUrl;

    protected override void Configure(TestingOptions options)
    {
        options.Environment("apiservice", "Limits__ProcessPermits", "3");
        options.Environment("apiservice", "ForwardedHeaders__KnownProxies__0", "192.0.2.1");
    }
}

public sealed class ApiJockeyDownTests(JockeyDownFixture fixture) : IClassFixture<JockeyDownFixture>
{
    [Fact]
    public async Task With_jockey_down_a_run_fails_naming_the_server_and_the_api_keeps_serving_until_the_rate_limit_shared_by_every_replica()
    {
        var ct = Timeout();
        using var api = fixture.Api(replica: 0);
        var threadId = await InitAsync(api, ct);

        var operationId = await StartOperationAsync(api, threadId, "Make a video", ct);
        var failed = await WaitForEndAsync(api, operationId, ct);

        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Contains($"Jockey server at {fixture.DeadUrl.ToString().TrimEnd('/')} is not reachable", failed.GetProperty("error").GetString());
        var events = await ReadMessagesAsync(StreamAsync(api, threadId, null, ct), EndOf(operationId));
        // The request's narration, then the result's saying why it failed.
        Assert.Equal(["user", "narration", "narration", "failed"], events.Select(Name));
        Assert.StartsWith("Sorry — the video could not be made. Jockey server at", events[2].GetProperty("data").GetProperty("transformed_text").GetString());
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/config", ct)).StatusCode);
        var indexes = await api.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/indexes", ct);
        Assert.Equal("sample", indexes.EnumerateArray().Single().GetProperty("index_id").GetString());
        var health = await api.GetFromJsonAsync<System.Text.Json.JsonElement>("/health", ct);
        Assert.Equal("Degraded", health.GetProperty("status").GetString());
        Assert.Contains("is not reachable", health.GetProperty("checks").GetProperty("jockey").GetProperty("description").GetString());

        // Three runs a minute per client, whichever replica is asked: the first above used one (on replica 0).
        using var other = fixture.Api(replica: 1);
        await ProcessAsync(other, await InitAsync(other, ct), "again", ct);
        await ProcessAsync(api, await InitAsync(api, ct), "again", ct);
        using var limited = await other.PostAsJsonAsync("/api/process", new { text = "one too many", thread_id = threadId }, ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is set");
        // Claiming to be someone else does not buy a fresh budget: the caller is no trusted proxy.
        using var spoofed = new HttpRequestMessage(HttpMethod.Post, "/api/process") { Content = JsonContent.Create(new { text = "a new me", thread_id = threadId }) };
        spoofed.Headers.Add("X-Forwarded-For", "198.51.100.23");
        using var stillLimited = await api.SendAsync(spoofed, ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, stillLimited.StatusCode);
        // The hub draws on the same budget.
        var (hub, _) = await SubscribeHubAsync(api, threadId, ct);
        await using var __ = hub;
        var refused = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => hub.InvokeAsync<System.Text.Json.JsonElement>("Process", new { text = "via the hub", thread_id = threadId }, ct));
        Assert.Contains("Too many runs", refused.Message);
    }
}
