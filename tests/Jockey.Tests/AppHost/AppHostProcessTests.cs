namespace Jockey.Tests.AppHost;

/// <summary>The AppHost as <c>./scripts/dev.sh</c> runs it: a real process, its console, its exit code, its children.</summary>
public sealed class AppHostProcessTests
{
    private static CancellationToken Timeout(int seconds) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

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
}
