using System.Diagnostics;
using System.Globalization;

namespace Jockey.Tests;

/// <summary>Small real videos made with ffmpeg, for tests that add a person's own video to the library.</summary>
public static class TestVideos
{
    public static async Task RunFFmpegAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("ffmpeg") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in new[] { "-v", "error", "-y" }.Concat(args)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, await err);
    }

    /// <summary>An H.264/AAC MP4 of a test pattern and a tone, <paramref name="seconds"/> long, at <paramref name="path"/>.</summary>
    public static async Task<string> MakeAsync(string path, double seconds = 3)
    {
        var d = seconds.ToString(CultureInfo.InvariantCulture);
        await RunFFmpegAsync("-f", "lavfi", "-i", $"testsrc2=s=320x180:d={d}", "-f", "lavfi", "-i", $"sine=f=440:d={d}",
            "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", path);
        return path;
    }
}
