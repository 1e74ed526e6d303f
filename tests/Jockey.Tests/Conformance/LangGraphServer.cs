using System.Diagnostics;
using System.Text;

namespace Jockey.Tests.Conformance;

/// <summary>
/// The real LangGraph JS API server (<c>langgraphjs dev</c> from npm, pinned in tests/langgraph-server) serving the
/// Jockey-shaped test graph, on a free port on 127.0.0.1, in a process group of its own that is killed on dispose.
/// Rendered videos land in <see cref="FilesDirectory"/>, which the same server serves as <c>/{index_id}/{file}</c>.
/// </summary>
public sealed class LangGraphServer : IAsyncDisposable
{
    /// <summary>How long the <c>#silent</c> step says nothing: longer than the API's Jockey:IdleTimeout in the tests (4 s).</summary>
    public const int SilentSeconds = 9;

    /// <summary>The pause between the <c>#slow</c> render's progress steps: time enough to cut its stream mid-run.</summary>
    public const int SlowMilliseconds = 1500;

    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private LangGraphServer(Process process, Uri baseAddress, string filesDirectory)
    {
        _process = process;
        BaseAddress = baseAddress;
        FilesDirectory = filesDirectory;
    }

    public static string ProjectDirectory => Repository.PathOf("tests", "langgraph-server");

    public Uri BaseAddress { get; }

    public string FilesDirectory { get; }

    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    public static async Task<LangGraphServer> StartAsync(CancellationToken ct)
    {
        var cli = Path.Combine(ProjectDirectory, "node_modules", ".bin", "langgraphjs");
        if (!File.Exists(cli)) throw new InvalidOperationException($"{cli} is missing: run ./scripts/bootstrap.sh --test (it runs npm ci in tests/langgraph-server).");
        var files = Directory.CreateTempSubdirectory("jockey-langgraph-files-").FullName;
        var port = FreePort();
        // setsid: the CLI starts node, which starts the server; one group to kill on dispose.
        var info = new ProcessStartInfo("setsid", [cli, "dev", "--port", port.ToString(), "--host", "127.0.0.1", "--no-browser", "--no-reload"])
        {
            WorkingDirectory = ProjectDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // No tracing, no analytics, no browser: nothing that reaches for the network and hangs offline.
        info.Environment["LANGSMITH_TRACING"] = "false";
        info.Environment["LANGCHAIN_TRACING_V2"] = "false";
        info.Environment["LANGGRAPH_CLI_NO_ANALYTICS"] = "1";
        info.Environment["BROWSER"] = "none";
        info.Environment["NO_COLOR"] = "1";
        info.Environment["JOCKEY_FILES_DIR"] = files;
        info.Environment["JOCKEY_SILENT_SECONDS"] = SilentSeconds.ToString();
        info.Environment["JOCKEY_SLOW_MS"] = SlowMilliseconds.ToString();
        // The dev server keeps its in-memory state here between starts; every test run starts empty.
        var state = Path.Combine(ProjectDirectory, ".langgraph_api");
        if (Directory.Exists(state)) Directory.Delete(state, recursive: true);

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the LangGraph server.");
        var server = new LangGraphServer(process, new Uri($"http://127.0.0.1:{port}/"), files);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilUpAsync(ct);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    private async Task WaitUntilUpAsync(CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The LangGraph server exited ({_process.ExitCode}):\n{Log}");
            try
            {
                using var ok = await http.GetAsync("ok", ct);
                if (ok.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // Still compiling the graph.
            }
            await Task.Delay(200, ct);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // The whole group: the CLI, the server it spawned and esbuild.
            using var kill = Process.Start("kill", ["-KILL", "--", $"-{_process.Id}"]);
            await kill.WaitForExitAsync();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Directory.Delete(FilesDirectory, recursive: true);
    }
}
