using System.Collections.Concurrent;
using System.Diagnostics;
using Jockey.AppHost.Hosting;
using Jockey.AppHost.Orchestration;

namespace Jockey.Tests.AppHost;

/// <summary>
/// The built AppHost run the way <c>./scripts/dev.sh</c> runs it: a real process, with the dashboard, on the dev
/// code path rather than the testing builder's. The test chooses its whole environment; ports are free ones.
/// </summary>
internal sealed class AppHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly DirectoryInfo _scratch;

    private AppHostProcess(Process process, DirectoryInfo scratch, int dashboardPort)
    {
        _process = process;
        _scratch = scratch;
        DashboardUrl = new Uri($"http://127.0.0.1:{dashboardPort}");
        process.OutputDataReceived += (_, e) => Collect(_stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Collect(_stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public Uri DashboardUrl { get; }

    public IReadOnlyList<string> Stdout => [.. _stdout];

    public IReadOnlyList<string> Stderr => [.. _stderr];

    public string Output => string.Join(Environment.NewLine, Stdout.Select(l => $"  out | {l}").Concat(Stderr.Select(l => $"  err | {l}")));

    /// <param name="path">PATH for the AppHost and everything it starts.</param>
    /// <param name="environment">More variables for the AppHost process (its configuration).</param>
    public static AppHostProcess Start(string path, IReadOnlyDictionary<string, string>? environment = null)
    {
        var scratch = Directory.CreateTempSubdirectory("jockey-apphost-");
        var dashboardPort = PortAllocator.GetFreePort();
        var dotnet = Executables.Find("dotnet") ?? throw new InvalidOperationException("dotnet is not on the test's PATH.");
        var info = new ProcessStartInfo(dotnet, [AssemblyPath])
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment.Clear();
        var variables = new Dictionary<string, string>
        {
            ["PATH"] = path,
            // Dev data (Redis's AOF, Azurite's blobs, the agent's library under XDG_DATA_HOME) goes to the scratch folder.
            ["HOME"] = scratch.FullName,
            ["XDG_DATA_HOME"] = Path.Combine(scratch.FullName, "data"),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["Ports__web"] = PortAllocator.GetFreePort().ToString(),
            ["Ports__apiservice"] = PortAllocator.GetFreePort().ToString(),
            ["Ports__jockey"] = PortAllocator.GetFreePort().ToString(),
            ["Ports__dashboard"] = dashboardPort.ToString(),
        };
        foreach (var (name, value) in variables.Concat(environment ?? new Dictionary<string, string>()))
        {
            info.Environment[name] = value;
        }
        return new AppHostProcess(Process.Start(info)!, scratch, dashboardPort);
    }

    /// <summary>A PATH holding only links to these programs (found on the test's own PATH).</summary>
    public static string PathWith(DirectoryInfo folder, params string[] programs)
    {
        foreach (var program in programs)
        {
            File.CreateSymbolicLink(Path.Combine(folder.FullName, program), Executables.Find(program)!);
        }
        return folder.FullName;
    }

    public async Task<string> WaitForLineAsync(Func<string, bool> match, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (Stdout.Concat(Stderr).FirstOrDefault(match) is { } line)
            {
                return line;
            }
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The AppHost exited with code {_process.ExitCode} first:{Environment.NewLine}{Output}");
            }
            await Task.Delay(200, cancellationToken);
        }
    }

    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        // WaitForExitAsync returns once the streams are drained, so every line is collected.
        return _process.ExitCode;
    }

    /// <summary>What Ctrl-C in the terminal sends.</summary>
    public void Interrupt()
    {
        using var kill = Process.Start("kill", ["-INT", Pid.ToString()]);
        kill.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // A failed test must not leave Redis or the API running: the same tree stop the AppHost uses.
            await ProcessTree.StopAsync(_process.Id, TimeSpan.FromSeconds(5));
        }
        _process.Dispose();
        try
        {
            _scratch.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Nothing is left running by now; a leftover temp folder is harmless.
        }
    }

    private static string AssemblyPath =>
        Path.Combine(Repository.PathOf("src", "Jockey.AppHost"),
            Path.GetRelativePath(Repository.PathOf("tests", "Jockey.Tests"), AppContext.BaseDirectory),
            "Jockey.AppHost.dll");

    private static void Collect(ConcurrentQueue<string> lines, string? line)
    {
        if (line is not null)
        {
            lines.Enqueue(line);
        }
    }
}
