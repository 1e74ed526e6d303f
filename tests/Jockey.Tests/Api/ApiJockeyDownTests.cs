using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Jockey.AppHost.Testing;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Api;

/// <summary>The configured Jockey server is not running; starting runs is limited to 3 a minute per client.</summary>
public sealed class JockeyDownFixture : ApiAppFixture
{
    public Uri DeadUrl { get; } = FreeLoopbackUrl();

    protected override Uri JockeyUrl => DeadUrl;

    protected override void Configure(TestingOptions options) =>
        options.Environment("apiservice", "Limits__ProcessPermits", "3");

    private static Uri FreeLoopbackUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
    }
}

public sealed class ApiJockeyDownTests(JockeyDownFixture fixture) : IClassFixture<JockeyDownFixture>
{
    [Fact]
    public async Task With_jockey_down_a_run_fails_naming_the_server_and_the_api_keeps_serving_until_the_rate_limit()
    {
        var ct = Timeout();
        using var api = fixture.Api();
        var threadId = await InitAsync(api, ct);

        var operationId = (await ProcessAsync(api, threadId, "Make a video", ct)).GetProperty("operation_id").GetString()!;
        var failed = await WaitForEndAsync(api, operationId, ct);

        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Contains($"Jockey server at {fixture.DeadUrl.ToString().TrimEnd('/')} is not reachable", failed.GetProperty("error").GetString());
        var events = await ReadMessagesAsync(StreamAsync(api, threadId, null, ct), EndOf(operationId));
        Assert.Equal(["user", "failed"], events.Select(Name));
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/config", ct)).StatusCode);
        var health = await api.GetFromJsonAsync<System.Text.Json.JsonElement>("/health", ct);
        Assert.Equal("Degraded", health.GetProperty("status").GetString());
        Assert.Contains("is not reachable", health.GetProperty("checks").GetProperty("jockey").GetProperty("description").GetString());

        // Three runs a minute per client: the first above used one.
        for (var i = 0; i < 2; i++) await ProcessAsync(api, await InitAsync(api, ct), "again", ct);
        using var limited = await api.PostAsJsonAsync("/api/process", new { text = "one too many", thread_id = threadId }, ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is set");
    }
}
