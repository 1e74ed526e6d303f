using Jockey.AppHost.Orchestration;

namespace Jockey.Tests.AppHost;

/// <summary>The AppHost as <c>./scripts/dev.sh</c> runs it: a real process, its console, its exit code, its children.</summary>
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
            // Everything else the app needs is there (npm on PATH, node_modules, built projects); redis-server is not.
            await using var apphost = AppHostProcess.Start(AppHostProcess.PathWith(bin, "npm"));

            var exitCode = await apphost.WaitForExitAsync(ct);

            Assert.True(exitCode == 1, $"exit code {exitCode}:{Environment.NewLine}{apphost.Output}");
            var error = Assert.Single(apphost.Stderr);
            Assert.EndsWith("redis-server not found: run ./scripts/dev.sh, which installs it", error);
            Assert.DoesNotContain(apphost.Stdout.Concat(apphost.Stderr), line => line.StartsWith("   at ") || line.Contains("Unhandled exception"));
        }
        finally
        {
            bin.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Ctrl_c_stops_every_process_in_reverse_dependency_order_and_exits_0()
    {
        var ct = Timeout(300);
        await using var apphost = AppHostProcess.Start(Environment.GetEnvironmentVariable("PATH")!);
        var ready = await apphost.WaitForLineAsync(line => line.Contains("Jockey is ready") || line.Contains("failed:"), ct);
        Assert.True(ready.Contains("Jockey is ready"), apphost.Output);

        var tree = ProcessTree.Descendants(apphost.Pid).ToDictionary(pid => pid, CommandLine);
        Assert.Contains(tree.Values, command => command.StartsWith("redis-server"));
        Assert.Contains(tree.Values, command => command.Contains("Jockey.ApiService.dll"));
        // The web app is npm → sh → node (Vite): the grandchildren are what a naive stop leaves behind.
        Assert.Contains(tree.Values, command => command.StartsWith("npm"));
        Assert.Contains(tree.Values, command => command.StartsWith("node") && command.Contains("vite"));

        apphost.Interrupt();
        var exitCode = await apphost.WaitForExitAsync(ct);

        Assert.True(exitCode == 0, $"exit code {exitCode}:{Environment.NewLine}{apphost.Output}");
        Assert.Empty(tree.Where(process => ProcessTree.IsAlive(process.Key)).Select(process => $"{process.Key}: {process.Value}"));
        var stops = apphost.Stdout.Where(line => line.Contains("Stopping ")).Select(line => line[(line.IndexOf("Stopping ") + 9)..]).ToList();
        Assert.Equal(["web", "apiservice-0, apiservice-1", "redis, storage, jockey"], stops);
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return "(exited)";
        }
    }
}
