using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Jockey.AppHost.Testing;
using Microsoft.AspNetCore.SignalR.Client;

namespace Jockey.Tests.Api;

/// <summary>The app through the AppHost testing builder (real Redis, Azurite), its Jockey replaced by the fake.</summary>
public class ApiAppFixture : IAsyncLifetime
{
    public const string WebOrigin = "http://web.example:5173";

    public FakeJockeyServer Jockey { get; private set; } = null!;

    public TestingApp App { get; private set; } = null!;

    protected virtual int Replicas => 1;

    protected virtual Uri JockeyUrl => Jockey.BaseAddress;

    protected virtual void Configure(TestingOptions options)
    {
        // Short enough for the hang scenario to fail quickly, long enough for every scripted pause.
        options.Environment("apiservice", "Jockey__IdleTimeout", "00:00:04");
        options.Environment("apiservice", "Limits__ProcessPermits", "1000");
        options.Environment("apiservice", "EventLog__PingInterval", "00:00:01");
        options.Environment("apiservice", "Limits__CorsOrigins__0", WebOrigin);
    }

    public async ValueTask InitializeAsync()
    {
        var ct = new CancellationTokenSource(TimeSpan.FromSeconds(120)).Token;
        Jockey = await FakeJockeyServer.StartAsync();
        App = await DistributedApplicationTestingBuilder.StartAsync(options =>
        {
            options.ApiReplicas = Replicas;
            options.JockeyUrl = JockeyUrl;
            options.Only("apiservice");
            Configure(options);
        }, ct);
        await App.WaitForResourceHealthyAsync("apiservice", ct);
    }

    public HttpClient Api(int? replica = null) => App.CreateHttpClient("apiservice", replica);

    public async ValueTask DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync();
        if (Jockey is not null) await Jockey.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
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

    public static CancellationToken Timeout(int seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

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

    /// <summary>A hub connection that collects <c>update</c>s (deduplicated by seq, as clients must) after subscribing.</summary>
    public static async Task<(HubConnection Hub, HubUpdates Updates)> SubscribeHubAsync(HttpClient api, string threadId, CancellationToken ct)
    {
        var hub = new HubConnectionBuilder().WithUrl(new Uri(api.BaseAddress!, "/hubs/jockey")).Build();
        var updates = new HubUpdates();
        hub.On<JsonElement>("update", updates.Add);
        await hub.StartAsync(ct);
        await hub.InvokeAsync("Subscribe", threadId, 0L, ct);
        return (hub, updates);
    }
}

public sealed class HubUpdates
{
    private readonly SortedDictionary<long, JsonElement> _bySeq = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _arrived = new(0);

    public void Add(JsonElement update)
    {
        lock (_gate) _bySeq.TryAdd(update.GetProperty("seq").GetInt64(), update.Clone());
        _arrived.Release();
    }

    public List<JsonElement> Snapshot()
    {
        lock (_gate) return [.. _bySeq.Values];
    }

    public async Task<List<JsonElement>> WaitForAsync(Func<JsonElement, bool> last, CancellationToken ct)
    {
        while (!Snapshot().Any(last)) await _arrived.WaitAsync(ct);
        return Snapshot();
    }
}
