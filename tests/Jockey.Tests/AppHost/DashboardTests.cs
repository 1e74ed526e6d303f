using System.Net;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Jockey.AppHost.Testing;

namespace Jockey.Tests.AppHost;

/// <summary>Redis and Azurite running, Jockey an external URL, the API and web not started; the dashboard on a free port.</summary>
public sealed class DashboardApp : IAsyncLifetime
{
    public static readonly Uri ExternalJockey = new("http://127.0.0.1:9/");

    public TestingApp App { get; private set; } = null!;

    public HttpClient Dashboard { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        App = await DistributedApplicationTestingBuilder.StartAsync(o =>
        {
            o.WithDashboard = true;
            o.JockeyUrl = ExternalJockey;
            o.Only("redis", "blobs");
        }, timeout.Token);
        await App.WaitForResourceHealthyAsync("redis", timeout.Token);
        await App.WaitForResourceHealthyAsync("blobs", timeout.Token);
        Dashboard = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = App.DashboardUrl };
    }

    public async ValueTask DisposeAsync()
    {
        Dashboard?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }
}

/// <summary>The AppHost's dashboard: its page, the resources API behind it, and the live log tail per resource.</summary>
public sealed class DashboardTests(DashboardApp fixture) : IClassFixture<DashboardApp>
{
    private static CancellationToken Timeout() => TestDeadlines.Start(60);

    [Fact]
    public async Task Page_is_served_with_its_resource_table_and_log_panel()
    {
        using var response = await fixture.Dashboard.GetAsync("/", Timeout());
        var html = await response.Content.ReadAsStringAsync(Timeout());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>Jockey AppHost</title>", html);
        Assert.Contains("fetch('/api/resources')", html);
        Assert.Contains("id=\"log\"", html);
    }

    [Fact]
    public async Task Resources_api_lists_every_resource_with_its_state_pid_endpoints_and_start_time()
    {
        var rows = await ResourcesAsync();

        Assert.Equal(["redis", "storage", "blobs", "jockey", "apiservice", "web"], rows.Keys);
        var redis = rows["redis"];
        Assert.Equal("Running", redis.GetProperty("state").GetString());
        Assert.Equal("Healthy", redis.GetProperty("health").GetString());
        Assert.Equal(fixture.App.GetResource("redis").Pid, redis.GetProperty("pid").GetInt32());
        Assert.Equal($"tcp://127.0.0.1:{fixture.App.GetEndpoint("redis").Port}", redis.GetProperty("endpoints")[0].GetString());
        Assert.True(redis.GetProperty("started_at").GetDateTimeOffset() <= DateTimeOffset.UtcNow);
        Assert.Equal("Healthy", rows["blobs"].GetProperty("health").GetString());
        Assert.Equal("NotStarted", rows["apiservice"].GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, rows["apiservice"].GetProperty("pid").ValueKind);
    }

    [Fact]
    public async Task Log_tail_streams_a_resource_log_then_its_new_lines_live()
    {
        var ct = Timeout();
        await using var tail = TailAsync("redis", ct).GetAsyncEnumerator(ct);

        await ReadUntilAsync(tail, line => line.Contains("Ready to accept connections"));
        // Something happens after the tail opened: the line about it arrives on the same stream.
        await fixture.App.KillAsync("redis");
        var exited = await ReadUntilAsync(tail, line => line.Contains("[apphost] redis exited with code"));

        Assert.True(exited.IsError);
        await fixture.App.WaitForResourceHealthyAsync("redis", ct);
    }

    [Fact]
    public async Task Blobs_row_tails_the_storage_process_that_serves_it()
    {
        var ct = Timeout();
        var rows = await ResourcesAsync();
        Assert.Equal("storage", rows["blobs"].GetProperty("log_instance").GetString());

        await using var tail = TailAsync("blobs", ct).GetAsyncEnumerator(ct);
        var started = await ReadUntilAsync(tail, line => line.Contains("[apphost] started"));

        Assert.Equal("storage", started.Instance);
        Assert.Contains($"(pid {fixture.App.GetResource("storage").Pid})", started.Text);
    }

    [Fact]
    public async Task An_external_service_has_no_log_link_and_its_log_tail_says_why()
    {
        var rows = await ResourcesAsync();
        var jockey = rows["jockey"];
        Assert.Equal(JsonValueKind.Null, jockey.GetProperty("log_instance").ValueKind);
        Assert.Equal(DashboardApp.ExternalJockey.ToString(), jockey.GetProperty("endpoints")[0].GetString());

        using var response = await fixture.Dashboard.GetAsync("/api/resources/jockey/logs", Timeout());
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Timeout())).RootElement;

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("runs no process for it", problem.GetProperty("detail").GetString());
    }

    private async Task<Dictionary<string, JsonElement>> ResourcesAsync()
    {
        var json = await fixture.Dashboard.GetStringAsync("/api/resources", Timeout());
        return JsonDocument.Parse(json).RootElement.EnumerateArray()
            .ToDictionary(row => row.GetProperty("instance_name").GetString()!, row => row.Clone());
    }

    private async IAsyncEnumerable<LogEvent> TailAsync(string instance, [EnumeratorCancellation] CancellationToken ct)
    {
        using var response = await fixture.Dashboard.GetAsync($"/api/resources/{instance}/logs", HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        await foreach (var item in SseParser.Create(body, (_, data) => JsonSerializer.Deserialize<LogEvent>(data, Json)!).EnumerateAsync(ct))
        {
            yield return item.Data;
        }
    }

    private static async Task<LogEvent> ReadUntilAsync(IAsyncEnumerator<LogEvent> tail, Func<string, bool> match)
    {
        while (await tail.MoveNextAsync())
        {
            if (match(tail.Current.Text))
            {
                return tail.Current;
            }
        }
        throw new InvalidOperationException("The log tail ended before the expected line.");
    }

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed record LogEvent(long Number, string Instance, string Text, bool IsError);
}
