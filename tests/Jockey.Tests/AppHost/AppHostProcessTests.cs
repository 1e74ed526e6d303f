using Jockey.Testing;

namespace Jockey.Tests.AppHost;

/// <summary>The AppHost as <c>./scripts/dev.sh</c> runs it: a real process, its console, its exit code, its children.</summary>
[Collection(WholeAppHostCollection.Name)]
public sealed class AppHostProcessTests
{
    private static CancellationToken Timeout(int seconds) => TestDeadlines.Start(seconds);

    [Fact]
    public async Task A_missing_redis_server_ends_the_apphost_with_one_line_naming_the_fix_and_exit_code_1()
    {
        var ct = Timeout(60);
        var bin = Directory.CreateTempSubdirectory("jockey-path-");
        try
        {
            // Everything else the app needs is there (npm and ffmpeg on PATH, node_modules, built projects); redis-server is not.
            await using var apphost = AppHostProcess.Start(AppHostProcess.PathWith(bin, "dotnet", "npm", "ffmpeg"));

            var exitCode = await apphost.WaitForExitAsync(ct);

            Assert.True(exitCode == 1, $"exit code {exitCode}:{Environment.NewLine}{apphost.Output}");
            var error = Assert.Single(apphost.Stderr);
            Assert.Equal("redis-server not found: run ./scripts/dev.sh, which installs it", error);
            Assert.DoesNotContain(apphost.ProcessTreeWithDcp().Keys, ProcessTree.IsAlive);
        }
        finally
        {
            bin.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Ctrl_c_stops_every_process_npm_node_and_vite_included_and_exits_0()
    {
        var starting = Timeout(300);
        await using var apphost = AppHostProcess.Start(Environment.GetEnvironmentVariable("PATH")!);
        // Every resource has a process once the web app (which waits for the API, which waits for the rest) runs Vite.
        IReadOnlyDictionary<int, string> tree;
        while (!(tree = apphost.ProcessTreeWithDcp()).Values.Any(command => command.StartsWith("node") && command.Contains("vite")))
        {
            await Task.Delay(200, starting);
        }
        Assert.Contains(tree.Values, command => command.StartsWith("redis-server"));
        Assert.Contains(tree.Values, command => command.Contains("azurite-blob"));
        Assert.Equal(2, tree.Values.Count(command => command.EndsWith("Jockey.ApiService")));
        Assert.Contains(tree.Values, command => command.EndsWith("Jockey.LocalAgent"));
        // The web app is npm → sh → node (Vite): the grandchildren are what a naive stop leaves behind.
        Assert.Contains(tree.Values, command => command.StartsWith("npm"));

        // The stop has a deadline of its own: on a loaded machine a slow start must not eat its time.
        apphost.Interrupt();
        var stopping = Timeout(180);
        int exitCode;
        try
        {
            exitCode = await apphost.WaitForExitAsync(stopping);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The AppHost did not exit within 180 s of Ctrl-C. Still running: {string.Join("; ", Alive(tree))}{Environment.NewLine}{apphost.Output}");
            throw;
        }

        Assert.True(exitCode == 0, $"exit code {exitCode}:{Environment.NewLine}{apphost.Output}");
        // DCP stops the resources as it sees the AppHost go; the test waits for that, and names whatever stays.
        while (tree.Keys.Any(ProcessTree.IsAlive) && !stopping.IsCancellationRequested)
        {
            await Task.Delay(200, CancellationToken.None);
        }
        Assert.Empty(Alive(tree));
    }

    private static IEnumerable<string> Alive(IReadOnlyDictionary<int, string> tree) =>
        tree.Where(process => ProcessTree.IsAlive(process.Key)).Select(process => $"{process.Key}: {process.Value}");
}
