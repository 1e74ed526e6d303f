using Aspire.Hosting.ApplicationModel;
using Jockey.Testing;
using PortAllocator = Jockey.Testing.PortAllocator;

namespace Jockey.Tests.AppHost;

/// <summary>The AppHost's model run by Aspire, each test on an app of its own: WaitFor, crashes, cleanup.</summary>
[Collection(WholeAppHostCollection.Name)]
public sealed class AppHostTests
{
    private static CancellationToken Timeout(int seconds = 90) => TestDeadlines.Start(seconds);

    [Fact]
    public async Task A_resource_whose_dependency_is_unhealthy_waits_and_is_never_started()
    {
        var ct = Timeout();
        await using var app = await TestingApp.StartAsync(o =>
        {
            o.Only("apiservice");
            // The agent listens elsewhere than its endpoint, so it runs but its health check never passes.
            o.Environment("jockey", "ASPNETCORE_URLS", $"http://127.0.0.1:{PortAllocator.GetFreePort()}");
            o.Environment("jockey", "LocalAgent__GenerateSampleIndex", "false");
        }, ct);

        await app.Application.ResourceNotifications.WaitForResourceAsync("jockey", e =>
            e.Snapshot.State?.Text == KnownResourceStates.Running &&
            e.Snapshot.HealthReports.Any(r => r.Status == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy), ct);

        Assert.Equal(KnownResourceStates.Waiting, app.Snapshot("apiservice").State?.Text);
        Assert.Null(app.Pid("apiservice"));
    }

    [Fact]
    public async Task A_resource_that_crashes_at_start_is_left_exited_with_its_log_and_what_waits_for_it_never_starts()
    {
        var ct = Timeout();
        await using var app = await TestingApp.StartAsync(o =>
        {
            o.Only("apiservice");
            // Options are validated at start, so the agent ends within moments, as a misconfigured one would.
            o.Environment("jockey", "LocalAgent__RenderConcurrency", "0");
        }, ct);

        var exited = await app.Application.ResourceNotifications.WaitForResourceAsync("jockey",
            [KnownResourceStates.Exited, KnownResourceStates.Finished, KnownResourceStates.FailedToStart], ct);

        Assert.NotEqual(KnownResourceStates.FailedToStart, exited);
        Assert.NotEqual(0, app.Snapshot("jockey").ExitCode);
        Assert.Contains("RenderConcurrency", await app.WaitForLogAsync("jockey", "RenderConcurrency", ct));
        Assert.Equal(KnownResourceStates.Waiting, app.Snapshot("apiservice").State?.Text);
        Assert.Null(app.Pid("apiservice"));
    }

    [Fact]
    public async Task Disposing_the_app_leaves_no_child_process()
    {
        var ct = Timeout();
        var app = await TestingApp.StartAsync(o => o.Only("apiservice"), ct);
        await app.WaitForResourceHealthyAsync("apiservice", ct);
        Assert.Equal(4, new[] { "redis", "storage", "jockey", "apiservice" }.Select(name => app.Pid(name)).OfType<int>().Count());

        await app.DisposeAsync();

        // Every resource's process and its descendants: stopped by DCP as the app stops, and given up to 30 s to exit
        // (a service may still be draining); what still ran then is listed here (and killed, so it cannot be seen alive after).
        Assert.Empty(app.LeftRunning);
    }
}
