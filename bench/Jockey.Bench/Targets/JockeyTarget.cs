using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jockey.Testing;
using Jockey.Bench.Clients;
using Jockey.Bench.Fake;
using Jockey.Bench.Measure;

namespace Jockey.Bench.Targets;

/// <summary>
/// Jockey as Aspire.Hosting.Testing starts it from the AppHost: Redis, Azurite and the API replicas, with the fake Jockey
/// server as the external agent. Runs start with <c>POST /api/process</c>, as the web app starts them.
/// </summary>
public sealed class JockeyTarget : ITarget
{
    private readonly TestingApp _app;
    private readonly FakeJockeyServer _fake;
    private readonly HttpClient[] _streamClients;
    private readonly HttpClient[] _apiClients;

    private JockeyTarget(TestingApp app, FakeJockeyServer fake, int replicas)
    {
        _app = app;
        _fake = fake;
        _streamClients = [.. Enumerable.Range(0, replicas).Select(r => SseSubscriber.Client(app.GetEndpoint("apiservice", r)))];
        _apiClients = [.. Enumerable.Range(0, replicas).Select(r => app.CreateHttpClient("apiservice", r))];
    }

    public string Name => "jockey";

    public TestingApp App => _app;

    /// <param name="narration">Off for fan-out, which is measured alone: otherwise every bench run would also
    /// synthesize its prompt with espeak-ng.</param>
    /// <param name="profile">Lets perf name the replicas' JIT-compiled code (see <see cref="Profiler"/>).</param>
    public static async Task<JockeyTarget> StartAsync(FakeJockeyServer fake, int replicas, BenchSettings settings, CancellationToken ct, bool narration = false, bool profile = false)
    {
        var app = await TestingApp.StartAsync(options =>
        {
            options.ApiReplicas = replicas;
            options.JockeyUrl = fake.BaseAddress;
            options.Only("apiservice");
            // The bench starts hundreds of runs from one address; the per-client limit is for people.
            options.Environment("apiservice", "Limits__ProcessPermits", "100000");
            options.Environment("apiservice", "Narration__Enabled", narration ? "true" : "false");
            // Telemetry stays instrumented but is not exported: no collector runs here, and the AppHost's dev setting
            // (export every second to the dashboard, with retries) would be measured as the replica's own idle work.
            options.Environment("apiservice", "OTEL_EXPORTER_OTLP_ENDPOINT", "");
            // As deployed (the container's default) and as the peer runs (NODE_ENV=production): the launch profile's
            // Development adds the developer exception page, whose frame every open stream would hold.
            options.Environment("apiservice", "ASPNETCORE_ENVIRONMENT", "Production");
            foreach (var (name, value) in settings.ApiEnvironment) options.Environment("apiservice", name, value);
            if (profile)
            {
                foreach (var (name, value) in Profiler.DotnetEnvironment) options.Environment("apiservice", name, value);
            }
        }, ct);
        try
        {
            await app.WaitForResourceHealthyAsync("apiservice", ct);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return new JockeyTarget(app, fake, replicas);
    }

    public async Task<string> CreateThreadAsync(CancellationToken ct)
    {
        using var response = await _apiClients[^1].PostAsync("/api/process/init", null, ct);
        return (await ReadJsonAsync(response, "POST /api/process/init", ct)).GetProperty("thread_id").GetString()!;
    }

    public Subscriber CreateSubscriber(Transport transport, int replica) => transport switch
    {
        Transport.Sse => new SseSubscriber(_streamClients[replica]),
        Transport.SignalR => new SignalRSubscriber(_app.GetEndpoint("apiservice", replica)),
        _ => throw new ArgumentException($"Jockey does not speak {transport}.", nameof(transport)),
    };

    public Task<string> ProduceAsync(string threadId, RunPlan plan, int replica, CancellationToken ct) =>
        StartRunAsync(threadId, _fake.Register(plan), replica, ct);

    /// <summary><c>POST /api/process</c> on a replica; returns the operation id once the API has answered.</summary>
    public async Task<string> StartRunAsync(string threadId, string text, int replica, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await _apiClients[replica].PostAsJsonAsync("/api/process", new { text, thread_id = threadId }, ct);
            // The previous run's lock is released just after its terminal event; a subscriber can be faster than that.
            if (response.StatusCode == HttpStatusCode.Conflict && DateTime.UtcNow < deadline)
            {
                await Task.Delay(5, ct);
                continue;
            }
            return (await ReadJsonAsync(response, "POST /api/process", ct)).GetProperty("operation_id").GetString()!;
        }
    }

    /// <summary>The replica's API process (not DCP's <c>dotnet run</c> around it), whose memory and CPU the figures are.</summary>
    public int ProcessId(int replica) =>
        _app.ServicePid("apiservice", "Jockey.ApiService", replica) ?? throw new InvalidOperationException($"apiservice replica {replica} is not running.");

    /// <summary>
    /// Besides its 1-2 s timers (the takeover scan, the Redis clients' heartbeats), a replica answers the orchestrator's
    /// health probe every 30 s, which checks Redis and Blob Storage, so it still compiles at 2-4 minutes: at 90 s, the
    /// no-connection window had 0.6-0.8 % of a core in the tiered compiler in every run; at 300 s, none (perf map of
    /// both replicas, docs/benchmarks.md, 2026-12-07).
    /// </summary>
    public TimeSpan SettledAfter => TimeSpan.FromMinutes(5);

    public Task<string> RedisConnectionStringAsync(CancellationToken ct) => _app.GetConnectionStringAsync("redis", ct);

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{what} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _streamClients.Concat(_apiClients)) client.Dispose();
        await _app.DisposeAsync();
    }
}
