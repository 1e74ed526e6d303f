using System.Diagnostics;
using System.Net;
using Jockey.Testing;

namespace Jockey.Tests.Browser;

/// <summary>
/// The production web server (<c>src/Jockey.Web/server.mjs</c>) serving the built <c>dist/</c> and proxying to an API,
/// as the container runs it. The app is built with <c>npm run build</c> once per test run, however many servers start.
/// </summary>
public sealed class ProductionWebServer : IAsyncDisposable
{
    private static readonly Lazy<Task> Build = new(BuildOnceAsync);
    private readonly Process _process;
    private readonly List<string> _output = [];

    private ProductionWebServer(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    public static string WebDirectory { get; } = Path.Combine(Repository.Root, "src", "Jockey.Web");

    /// <summary>
    /// Builds the app if this test run has not yet, then starts <c>node server.mjs</c> on a free loopback port. With the
    /// blob storage connection string, its CSP lets pages play what the API stores there.
    /// </summary>
    public static async Task<ProductionWebServer> StartAsync(Uri apiUrl, CancellationToken ct, string? blobs = null)
    {
        await Build.Value.WaitAsync(ct);
        var port = PortAllocator.GetFreePort();
        var psi = new ProcessStartInfo("node", ["server.mjs"])
        {
            WorkingDirectory = WebDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment =
            {
                ["PORT"] = port.ToString(),
                ["HOST"] = "127.0.0.1",
                ["services__apiservice__http__0"] = apiUrl.ToString().TrimEnd('/'),
            },
        };
        if (blobs is not null) psi.Environment["ConnectionStrings__blobs"] = blobs;
        var server = new ProductionWebServer(Process.Start(psi)!, new Uri($"http://127.0.0.1:{port}/"));
        server._process.OutputDataReceived += (_, e) => server.Log(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Log(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        await server.WaitUntilServingAsync(ct);
        return server;
    }

    private void Log(string? line)
    {
        if (line is null) return;
        lock (_output) _output.Add(line);
    }

    private async Task WaitUntilServingAsync(CancellationToken ct)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"server.mjs exited with {_process.ExitCode}: {string.Join('\n', _output)}");
            try
            {
                if ((await client.GetAsync(Url, timeout.Token)).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(100, timeout.Token);
        }
    }

    private static async Task BuildOnceAsync()
    {
        var psi = new ProcessStartInfo("npm", ["run", "build", "--silent"])
        {
            WorkingDirectory = WebDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var npm = Process.Start(psi)!;
        var output = npm.StandardOutput.ReadToEndAsync();
        var errors = npm.StandardError.ReadToEndAsync();
        await npm.WaitForExitAsync();
        if (npm.ExitCode != 0)
            throw new InvalidOperationException($"npm run build failed in {WebDirectory} (exit {npm.ExitCode}):\n{await output}\n{await errors}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(); // our own node process, by its id
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
