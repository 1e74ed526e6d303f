using System.Diagnostics;
using Jockey.Testing;

namespace Jockey.Tests;

/// <summary>
/// Holds the local agent's render still: its ffmpeg process is stopped with SIGSTOP as soon as it starts, and continued
/// with SIGCONT when the test says so — what a machine under heavy load does to a render, made certain. A test can then
/// act "mid-run" without racing the render, and nothing in the product knows about it.
/// </summary>
public sealed class PausedRender : IAsyncDisposable
{
    private readonly int _pid;
    private bool _resumed;

    private PausedRender(int pid) => _pid = pid;

    /// <summary>
    /// Waits for the agent to start a render (ffmpeg with <c>-progress</c>; thumbnails have none) and stops it. The
    /// watch ends with its deadline, so a test that gave up cannot leave it to freeze a later test's render.
    /// </summary>
    public static async Task<PausedRender> WhenItStartsAsync(TestingApp app, TimeSpan within, CancellationToken ct)
    {
        var agent = app.Pid("jockey") ?? throw new InvalidOperationException("The agent is not running.");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(within);
        while (true)
        {
            foreach (var pid in ProcessTree.Descendants(agent))
            {
                if (IsRender(pid))
                {
                    await SignalAsync(pid, "STOP");
                    return new PausedRender(pid);
                }
            }
            await Task.Delay(20, deadline.Token);
        }
    }

    /// <summary>
    /// Lets the render run in short slices, holding it between them, until <paramref name="reached"/> says it got where
    /// the test wants to look (a first preview segment on disk); it is held there when this returns.
    /// </summary>
    public async Task StepUntilAsync(Func<bool> reached, CancellationToken ct)
    {
        while (!reached())
        {
            ct.ThrowIfCancellationRequested();
            await SignalAsync(_pid, "CONT");
            await Task.Delay(TimeSpan.FromMilliseconds(30), ct);
            await SignalAsync(_pid, "STOP");
        }
    }

    /// <summary>
    /// Whether a render started after this call has written its preview playlist in <paramref name="outputs"/> (an
    /// index's folder of renders, where earlier renders' previews stay for a while).
    /// </summary>
    public static Func<bool> NewPreviewIn(string outputs)
    {
        var earlier = Playlists(outputs).ToHashSet();
        return () => Playlists(outputs).Any(playlist => !earlier.Contains(playlist));
    }

    /// <summary>Where the app's local agent writes the renders of the sample index.</summary>
    public static string SampleOutputs(TestingApp app) =>
        Path.Combine(app.AgentDataPath ?? throw new InvalidOperationException("The app runs no local agent."), "outputs", "sample");

    private static IEnumerable<string> Playlists(string outputs) =>
        Directory.Exists(outputs) ? Directory.EnumerateFiles(outputs, "*.preview.m3u8") : [];

    public async Task ResumeAsync()
    {
        if (_resumed) return;
        _resumed = true;
        await SignalAsync(_pid, "CONT");
    }

    private static bool IsRender(int pid)
    {
        try
        {
            var args = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            return Path.GetFileName(args[0]) == "ffmpeg" && args.Contains("-progress");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false; // it ended while we looked
        }
    }

    private static async Task SignalAsync(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", pid.ToString()]) { UseShellExecute = false })!;
        await kill.WaitForExitAsync();
    }

    /// <summary>Never leaves a render stopped, whatever the test did.</summary>
    public async ValueTask DisposeAsync() => await ResumeAsync();
}
