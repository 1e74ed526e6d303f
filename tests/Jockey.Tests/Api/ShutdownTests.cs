using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Api;

/// <summary>Stopping the API cleanly when nothing around it is well: SIGTERM with Redis gone and sockets open.</summary>
[Collection(RedisFaultsCollection.Name)]
public sealed class ShutdownTests(PersistentRedisFixture fixture)
{
    /// <summary>
    /// Redis is gone (killed, and Aspire does not restart it) while an SSE stream, a hub connection and an audio socket
    /// are open; then the platform stops the API with SIGTERM. It exits with code 0 — no unhandled exception from
    /// unsubscribing or releasing what it held in Redis.
    /// </summary>
    [Fact]
    public async Task Sigterm_with_redis_down_and_sockets_open_exits_with_code_0()
    {
        var ct = Timeout(180);
        await fixture.RestoreAsync(ct);
        using var api = fixture.Api();
        await using var sockets = await OpenSockets.OpenAsync(api, await InitAsync(api, ct), ct);
        await fixture.App.KillAsync("redis");

        var exitCode = await fixture.App.TerminateAsync("apiservice", "Jockey.ApiService", cancellationToken: ct);

        AssertExitedCleanly(fixture.App, "apiservice", exitCode);
    }
}
