using Jockey.Testing;
using Jockey.Tests.Api;

namespace Jockey.Tests.Conformance;

/// <summary>
/// The API as the other API tests start it, its Jockey the real LangGraph JS server. The API reaches the server
/// through a <see cref="TcpForwarder"/>, so a test can cut the run's stream mid-run as a network would.
/// </summary>
public sealed class LangGraphApiFixture : ApiAppFixture, IAsyncLifetime
{
    public LangGraphServer Server { get; private set; } = null!;

    public TcpForwarder Path { get; private set; } = null!;

    protected override Uri JockeyUrl => Path.Address;

    protected override void Configure(TestingOptions options)
    {
        base.Configure(options);
        // Rendered files straight from the server (the stream's path is the one under test).
        options.Environment("apiservice", "Jockey__FilesUrl", Server.BaseAddress.ToString());
    }

    async ValueTask IAsyncLifetime.InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        Server = await LangGraphServer.StartAsync(timeout.Token);
        Path = new TcpForwarder(0, Server.BaseAddress);
        await InitializeAsync();
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await DisposeAsync();
        if (Path is not null) await Path.DisposeAsync();
        if (Server is not null) await Server.DisposeAsync();
    }
}
