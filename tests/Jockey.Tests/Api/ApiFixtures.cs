using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Jockey.Testing;
using Microsoft.AspNetCore.SignalR.Client;

namespace Jockey.Tests.Api;

/// <summary>The app through Aspire.Hosting.Testing (real Redis, Azurite), its Jockey replaced by the fake.</summary>
public class ApiAppFixture : IAsyncLifetime
{
    public const string WebOrigin = "http://web.example:5173";
    public const string JockeyApiKey = "lgk-test-0123456789";

    public FakeJockeyServer Jockey { get; private set; } = null!;

    /// <summary>Where the API exports its traces.</summary>
    public OtlpReceiver Telemetry { get; private set; } = null!;

    public TestingApp App { get; private set; } = null!;

    protected virtual int Replicas => 1;

    protected virtual Uri JockeyUrl => Jockey.BaseAddress;

    protected virtual void Configure(TestingOptions options)
    {
        // Short, so the wedged (hang) scenario fails quickly and a silent step outlasts it; runs that must stay open
        // use the busy scenario, whose status says running however long a test takes.
        options.Environment("apiservice", "Jockey__IdleTimeout", "00:00:04");
        // The longest allowed: reflect chunks then go out by size or at the end of the message, never by the clock.
        options.Environment("apiservice", "Jockey__ReflectChunkInterval", "00:00:10");
        options.Environment("apiservice", "Jockey__ApiKey", JockeyApiKey);
        options.Environment("apiservice", "Limits__ProcessPermits", "1000");
        options.Environment("apiservice", "EventLog__PingInterval", "00:00:01");
        options.Environment("apiservice", "Limits__CorsOrigins__0", WebOrigin);
        options.Environment("apiservice", "OTEL_EXPORTER_OTLP_ENDPOINT", Telemetry.BaseAddress.ToString().TrimEnd('/'));
        options.Environment("apiservice", "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        options.Environment("apiservice", "OTEL_BSP_SCHEDULE_DELAY", "200");
    }

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var ct = timeout.Token;
        Jockey = await FakeJockeyServer.StartAsync();
        Telemetry = await OtlpReceiver.StartAsync();
        App = await TestingApp.StartAsync(options =>
        {
            options.ApiReplicas = Replicas;
            options.JockeyUrl = JockeyUrl;
            options.Only("apiservice");
            Configure(options);
        }, ct);
        await App.WaitForResourceHealthyAsync("apiservice", ct);
    }

    public HttpClient Api(int? replica = null) => App.CreateHttpClient("apiservice", replica);

    public virtual async ValueTask DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync();
        if (Jockey is not null) await Jockey.DisposeAsync();
        if (Telemetry is not null) await Telemetry.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
[RunsFor(90)]
public sealed class ApiCollection : ICollectionFixture<ApiAppFixture>
{
    public const string Name = "api";
}

/// <summary>What a browser does with the API, as test steps.</summary>
public static class ApiSteps
{
    public static readonly string[] TerminalNames = ["completed", "failed", "cancelled"];

    /// <summary>An http URL on 127.0.0.1 where nothing listens (the port was free a moment ago).</summary>
    public static Uri DeadLoopbackUrl()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return new Uri($"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}");
    }

    /// <summary>The test's overall deadline (disposed when the test ends).</summary>
    public static CancellationToken Timeout(int seconds = 60) => TestDeadlines.Start(seconds);

    public static async Task<string> InitAsync(HttpClient api, CancellationToken ct)
    {
        using var response = await api.PostAsync("/api/process/init", null, ct);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal("initialized", body.GetProperty("status").GetString());
        return body.GetProperty("thread_id").GetString()!;
    }

    public static async Task<JsonElement> ProcessAsync(HttpClient api, string threadId, string text, CancellationToken ct)
    {
        using var response = await api.PostAsJsonAsync("/api/process", new { text, thread_id = threadId }, ct);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        var operation = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal($"/api/operations/{operation.GetProperty("operation_id").GetString()}", response.Headers.Location?.ToString());
        return operation;
    }

    /// <summary><see cref="ProcessAsync"/> for a test that needs only the accepted operation's id.</summary>
    public static async Task<string> StartOperationAsync(HttpClient api, string threadId, string text, CancellationToken ct) =>
        (await ProcessAsync(api, threadId, text, ct)).GetProperty("operation_id").GetString()!;

    public static async Task<JsonElement> GetOperationAsync(HttpClient api, string operationId, CancellationToken ct) =>
        await api.GetFromJsonAsync<JsonElement>($"/api/operations/{operationId}", ct);

    /// <summary>Polls until the operation leaves <c>processing</c>.</summary>
    public static async Task<JsonElement> WaitForEndAsync(HttpClient api, string operationId, CancellationToken ct)
    {
        while (true)
        {
            var operation = await GetOperationAsync(api, operationId, ct);
            if (operation.GetProperty("status").GetString() != "processing") return operation;
            await Task.Delay(100, ct);
        }
    }

    /// <summary>
    /// Asks a replica's /health until its overall status is <paramref name="status"/> (it follows Redis within a check
    /// or two); returns that report.
    /// </summary>
    public static async Task<string> WaitForHealthAsync(HttpClient api, string status, CancellationToken ct)
    {
        while (true)
        {
            using var response = await api.GetAsync("/health", ct);
            var report = await response.Content.ReadAsStringAsync(ct);
            if (JsonDocument.Parse(report).RootElement.GetProperty("status").GetString() == status) return report;
            await Task.Delay(200, ct);
        }
    }

    /// <summary>A process stopped with SIGTERM exited with code 0 and threw nothing on its way out.</summary>
    public static void AssertExitedCleanly(TestingApp app, string name, int? exitCode)
    {
        Assert.True(exitCode == 0, $"{name} exited with {exitCode}:{Environment.NewLine}{app.LogTail(name)}");
        Assert.DoesNotContain("Unhandled exception", app.LogTail(name, 400));
    }

    /// <summary>The thread's SSE stream, every item (message, ping, error) as it arrives.</summary>
    public static async IAsyncEnumerable<SseItem<string>> StreamAsync(HttpClient api, string threadId, long? lastEventId, [EnumeratorCancellation] CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/stream?thread_id={threadId}");
        if (lastEventId is { } id) request.Headers.Add("Last-Event-ID", id.ToString());
        using var response = await api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(ct)) yield return item;
    }

    /// <summary>The rest of an open stream, without disposing it when a reader stops early.</summary>
    public static async IAsyncEnumerable<SseItem<string>> Remaining(IAsyncEnumerator<SseItem<string>> stream)
    {
        while (await stream.MoveNextAsync()) yield return stream.Current;
    }

    /// <summary>Message events until (and including) one that satisfies <paramref name="stop"/>; checks each id: equals its seq.</summary>
    public static async Task<List<JsonElement>> ReadMessagesAsync(IAsyncEnumerable<SseItem<string>> stream, Func<JsonElement, bool> stop)
    {
        var events = new List<JsonElement>();
        await foreach (var item in stream)
        {
            if (item.EventType != "message") continue;
            var ev = JsonElement.Parse(item.Data);
            Assert.Equal(ev.GetProperty("seq").GetInt64().ToString(), item.EventId);
            events.Add(ev);
            if (stop(ev)) break;
        }
        return events;
    }

    public static Func<JsonElement, bool> EndOf(string operationId) => ev =>
        ev.GetProperty("operation_id").GetString() == operationId && TerminalNames.Contains(ev.GetProperty("name").GetString());

    public static string? Name(JsonElement ev) => ev.GetProperty("name").GetString();

    public static long Seq(JsonElement ev) => ev.GetProperty("seq").GetInt64();

    /// <summary>
    /// What docs/api.md promises a hub client that subscribed before the run: every event once, in seq order — the
    /// <c>narration</c> event too, though the narration appends it while the run appends the rest.
    /// </summary>
    public static void AssertHubReceivedWhatSseDid(List<JsonElement> sse, List<JsonElement> hub) =>
        Assert.Equal(sse.Select(e => e.GetRawText()), hub.Select(e => e.GetRawText()));

    /// <summary>
    /// How the web app connects (useJockeyHub.ts): WebSockets without negotiate, so a connection through DCP's proxy,
    /// which has no sticky sessions, is one request to one replica.
    /// </summary>
    private static void WebSocketsOnly(Microsoft.AspNetCore.Http.Connections.Client.HttpConnectionOptions options)
    {
        options.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
        options.SkipNegotiation = true;
    }

    /// <summary>A connection to <c>/hubs/jockey</c> set up as the web app's: WebSockets only, and the hub's keep-alive.</summary>
    public static HubConnection Hub(Uri replica, Action<Microsoft.AspNetCore.Http.Connections.Client.HttpConnectionOptions>? configure = null) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(replica, "/hubs/jockey"), options =>
            {
                WebSocketsOnly(options);
                configure?.Invoke(options);
            })
            .WithKeepAliveInterval(Jockey.ApiService.Streaming.HubKeepAlive.Interval)
            .WithServerTimeout(Jockey.ApiService.Streaming.HubKeepAlive.ClientTimeout)
            .Build();

    /// <summary>A hub connection that records every <c>update</c> as it arrives, subscribed to the thread after <paramref name="afterSeq"/>.</summary>
    public static async Task<(HubConnection Hub, HubUpdates Updates)> SubscribeHubAsync(HttpClient api, string threadId, CancellationToken ct, long afterSeq = 0)
    {
        var hub = Hub(api.BaseAddress!);
        var updates = new HubUpdates();
        hub.On<JsonElement>("update", updates.Add);
        await hub.StartAsync(ct);
        await hub.InvokeAsync("Subscribe", threadId, afterSeq, ct);
        return (hub, updates);
    }
}

/// <summary>
/// The <c>update</c>s a hub client received, raw: in arrival order, repeats kept. docs/api.md allows a repeat only where
/// <c>Subscribe</c>'s replay overlaps live events; the tests subscribe before a run (nothing to replay) or after it
/// (nothing live), so what arrives must be every event once, in seq order.
/// </summary>
public sealed class HubUpdates
{
    private readonly List<JsonElement> _received = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _arrived = new(0);

    public void Add(JsonElement update)
    {
        lock (_gate) _received.Add(update.Clone());
        _arrived.Release();
    }

    public List<JsonElement> Snapshot()
    {
        lock (_gate) return [.. _received];
    }

    public async Task<List<JsonElement>> WaitForAsync(Func<JsonElement, bool> last, CancellationToken ct)
    {
        while (!Snapshot().Any(last)) await _arrived.WaitAsync(ct);
        return Snapshot();
    }
}
