using Jockey.AppHost.Testing;

namespace Jockey.Tests.LocalAgent;

/// <summary>
/// Every local-agent test class shares one agent, and they run one at a time: renders share the agent's single render
/// slot, and the lifecycle tests reason about it (queueing, no temp files left after a cancel).
/// </summary>
[CollectionDefinition(Name)]
public sealed class LocalAgentCollection : ICollectionFixture<LocalAgentFixture>
{
    public const string Name = "local-agent";
}

/// <summary>
/// One local agent for the local-agent test collection, started through the AppHost's testing builder with only the
/// <c>jockey</c> resource: a free 127.0.0.1 port and a fresh LocalAgent__DataPath, exactly as in dev. Ready when
/// its /health is healthy, i.e. when the sample index has been generated.
/// </summary>
public sealed class LocalAgentFixture : IAsyncLifetime
{
    public const int MaxUploadBytes = 4 * 1024 * 1024;
    private TestingApp? _app;

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

    /// <summary>Another agent (only the <c>jockey</c> resource) on <paramref name="dataPath"/>, healthy when this returns.</summary>
    public static async Task<TestingApp> StartAgentAsync(string dataPath, CancellationToken ct, params (string Name, string Value)[] environment)
    {
        var app = await DistributedApplicationTestingBuilder.StartAsync(o =>
        {
            o.Only("jockey");
            o.AgentDataPath = dataPath;
            foreach (var (name, value) in environment) o.Environment("jockey", name, value);
        }, ct);
        await app.WaitForResourceHealthyAsync("jockey", ct);
        return app;
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        try { Directory.Delete(DataPath, recursive: true); } catch (IOException) { }
    }
}
