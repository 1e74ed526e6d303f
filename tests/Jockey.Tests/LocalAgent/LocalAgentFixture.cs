using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

[assembly: AssemblyFixture(typeof(Jockey.Tests.LocalAgent.LocalAgentFixture))]

namespace Jockey.Tests.LocalAgent;

/// <summary>
/// Starts the built Jockey.LocalAgent.dll once for the test assembly, exactly as the AppHost launches it: a free
/// 127.0.0.1 port in ASPNETCORE_URLS and a fresh LocalAgent__DataPath. Ready when /health is 200, i.e. when the
/// sample index has been generated. Swap for DistributedApplicationTestingBuilder(o => o.Only("jockey")) once it lands.
/// </summary>
public sealed class LocalAgentFixture : IAsyncLifetime
{
    public const int MaxUploadBytes = 4 * 1024 * 1024;
    private Process? _process;
    private readonly List<string> _log = [];

    public string DataPath { get; } = Path.Combine(Path.GetTempPath(), $"jockey-agent-tests-{Guid.NewGuid():N}");
    public Uri BaseAddress { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public TimeSpan SampleGeneration { get; private set; }

    public string OutputsPath => Path.Combine(DataPath, "outputs", "sample");

    public async ValueTask InitializeAsync()
    {
        var port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(AgentDll());
        psi.Environment["ASPNETCORE_URLS"] = BaseAddress.ToString();
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        psi.Environment["LocalAgent__DataPath"] = DataPath;
        psi.Environment["LocalAgent__HeartbeatSeconds"] = "0.2";
        psi.Environment["LocalAgent__MaxUploadBytes"] = MaxUploadBytes.ToString();
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        var started = Stopwatch.StartNew();
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.Add(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(3) };
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The local agent exited with {_process.ExitCode}:\n{Log()}");
            try
            {
                if ((await Client.GetAsync("/health", timeout.Token)).StatusCode == HttpStatusCode.OK) break;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(200, timeout.Token);
        }
        SampleGeneration = started.Elapsed;
    }

    public string Log()
    {
        lock (_log) return string.Join('\n', _log.TakeLast(80));
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        try { Directory.Delete(DataPath, recursive: true); } catch (IOException) { }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The agent built alongside the tests (the AppHost references it), same configuration as this assembly.</summary>
    private static string AgentDll()
    {
        var baseDir = AppContext.BaseDirectory;
        var configuration = baseDir.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var dir = new DirectoryInfo(baseDir);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Jockey.sln"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("Jockey.sln not found above " + baseDir);
        var bin = Path.Combine(dir.FullName, "src", "Jockey.LocalAgent", "bin", configuration);
        var dll = Directory.Exists(bin) ? Directory.EnumerateFiles(bin, "Jockey.LocalAgent.dll", SearchOption.AllDirectories).FirstOrDefault() : null;
        return dll ?? throw new InvalidOperationException($"Jockey.LocalAgent.dll not found under {bin}: build the solution first.");
    }
}
