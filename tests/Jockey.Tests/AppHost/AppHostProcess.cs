using System.Collections.Concurrent;
using System.Diagnostics;
using Jockey.Testing;

namespace Jockey.Tests.AppHost;

/// <summary>
/// The built AppHost run the way <c>./scripts/dev.sh</c> runs it: a real process with DCP and the dashboard, on the
/// dev code path rather than Aspire.Hosting.Testing's. The test chooses its PATH; every port is a free one.
/// </summary>
internal sealed class AppHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly DirectoryInfo _scratch;

    private AppHostProcess(Process process, DirectoryInfo scratch)
    {
        _process = process;
        _scratch = scratch;
        process.OutputDataReceived += (_, e) => Collect(_stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Collect(_stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public IReadOnlyList<string> Stdout => [.. _stdout];

    public IReadOnlyList<string> Stderr => [.. _stderr];

    public string Output => string.Join(Environment.NewLine, Stdout.Select(l => $"  out | {l}").Concat(Stderr.Select(l => $"  err | {l}")));

    /// <param name="path">PATH for the AppHost and everything it starts.</param>
    public static AppHostProcess Start(string path)
    {
        var scratch = Directory.CreateTempSubdirectory("jockey-apphost-");
        var dotnet = Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(dir => Path.Combine(dir, "dotnet")).First(File.Exists);
        // As from a terminal, where Ctrl-C reaches it: a process started in the background by a non-interactive shell
        // (nohup, `cmd &`, some CI runners) has SIGINT ignored, every descendant inherits that, and .NET keeps an
        // inherited SIG_IGN — the AppHost would never see the test's Ctrl-C. `env --default-signal` restores it.
        var info = new ProcessStartInfo("/usr/bin/env", ["--default-signal=INT", dotnet, AssemblyPath])
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["PATH"] = path;
        // The agent's library (under XDG_DATA_HOME) and Redis's and Azurite's data go to the scratch folder.
        info.Environment["XDG_DATA_HOME"] = scratch.FullName;
        info.Environment["AppHost__DataDirectory"] = Path.Combine(scratch.FullName, "apphost");
        // What launchSettings.json gives `dotnet run`, on free ports; the resources' ports are chosen by DCP.
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{PortAllocator.GetFreePort()}";
        info.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{PortAllocator.GetFreePort()}";
        info.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        info.Environment["DOTNET_ENVIRONMENT"] = "Development";
        info.Environment["DcpPublisher__RandomizePorts"] = "true";
        return new AppHostProcess(Process.Start(info)!, scratch);
    }

    /// <summary>A PATH holding only links to these programs (found on the test's own PATH).</summary>
    public static string PathWith(DirectoryInfo folder, params string[] programs)
    {
        foreach (var program in programs)
        {
            var target = Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(dir => Path.Combine(dir, program)).First(File.Exists);
            File.CreateSymbolicLink(Path.Combine(folder.FullName, program), target);
        }
        return folder.FullName;
    }

    /// <summary>
    /// The AppHost's processes and DCP's: DCP detaches from the AppHost and watches it (<c>--monitor pid</c>), and
    /// every resource is a child of DCP's controllers.
    /// </summary>
    public IReadOnlyDictionary<int, string> ProcessTreeWithDcp()
    {
        var dcp = Directory.EnumerateDirectories("/proc")
            .Select(dir => int.TryParse(Path.GetFileName(dir), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && ProcessTree.CommandLine(pid).Contains($"--monitor {Pid}"));
        var roots = dcp.Append(Pid).ToList();
        return roots.Concat(roots.SelectMany(ProcessTree.Descendants)).Distinct().ToDictionary(pid => pid, ProcessTree.CommandLine);
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
            // A failed test must not leave Redis or the API running.
            foreach (var pid in ProcessTreeWithDcp().Keys) ProcessTree.KillTree(pid);
            await _process.WaitForExitAsync();
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

    /// <summary>The AppHost as built in its own project folder (the same configuration as the tests).</summary>
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
