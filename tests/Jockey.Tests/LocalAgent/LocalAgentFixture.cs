using System.Net.Http.Json;
using Jockey.Testing;

namespace Jockey.Tests.LocalAgent;

/// <summary>
/// Every local-agent test class shares one agent, and they run one at a time: renders share the agent's single render
/// slot, and the lifecycle tests reason about it (queueing, no temp files left after a cancel).
/// </summary>
[CollectionDefinition(Name)]
[RunsFor(300)]
public sealed class LocalAgentCollection : ICollectionFixture<LocalAgentFixture>
{
    public const string Name = "local-agent";
}

/// <summary>
/// One local agent for the local-agent test collection, started through Aspire.Hosting.Testing with only the
/// <c>jockey</c> resource: a free 127.0.0.1 port and a fresh LocalAgent__DataPath, exactly as in dev. Ready when
/// its /health says Healthy, i.e. when the sample index has been generated (it serves, Degraded, before that).
/// </summary>
public sealed class LocalAgentFixture : IAsyncLifetime
{
    public const int MaxUploadBytes = 4 * 1024 * 1024;
    private TestingApp? _app;

    /// <summary>The app holding the agent: tests reach its process (to hold a render still, see <see cref="PausedRender"/>).</summary>
    public TestingApp App => _app ?? throw new InvalidOperationException("The agent has not started.");

    public string DataPath { get; } = Path.Combine(Path.GetTempPath(), $"jockey-agent-tests-{Guid.NewGuid():N}");
    public Uri BaseAddress { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    public string OutputsPath => Path.Combine(DataPath, "outputs", "sample");

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        // Short heartbeats make "the stream stays alive while a render waits" observable in a test.
        _app = await StartAgentAsync(DataPath, timeout.Token,
            ("LocalAgent__HeartbeatSeconds", "0.2"), ("LocalAgent__MaxUploadBytes", MaxUploadBytes.ToString()));
        BaseAddress = _app.GetEndpoint("jockey");
        Client = _app.CreateHttpClient("jockey");
    }

    /// <summary>Another agent (only the <c>jockey</c> resource) on <paramref name="dataPath"/>, its sample index ready when this returns.</summary>
    public static async Task<TestingApp> StartAgentAsync(string dataPath, CancellationToken ct, params (string Name, string Value)[] environment)
    {
        var app = await StartServingAsync(dataPath, ct, environment);
        using var client = app.CreateHttpClient("jockey");
        while (await HealthAsync(client, ct) != "Healthy") await Task.Delay(100, ct);
        return app;
    }

    /// <summary>An agent as soon as it serves: on an empty data path its sample index is still being generated.</summary>
    public static async Task<TestingApp> StartServingAsync(string dataPath, CancellationToken ct, params (string Name, string Value)[] environment)
    {
        var app = await TestingApp.StartAsync(o =>
        {
            o.Only("jockey");
            o.AgentDataPath = dataPath;
            foreach (var (name, value) in environment) o.Environment("jockey", name, value);
        }, ct);
        await app.WaitForResourceHealthyAsync("jockey", ct);
        return app;
    }

    /// <summary>The overall status /health reports: Healthy, Degraded or Unhealthy.</summary>
    public static async Task<string?> HealthAsync(HttpClient client, CancellationToken ct) =>
        (await client.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/health", ct))?["status"]?.GetValue<string>();

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        try { Directory.Delete(DataPath, recursive: true); } catch (IOException) { }
    }
}
