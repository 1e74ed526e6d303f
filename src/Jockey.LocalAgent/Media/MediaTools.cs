using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Jockey.LocalAgent.Media;

/// <summary>What ffprobe says about a file; only the fields the agent uses.</summary>
public sealed record MediaInfo(double Duration, int Width, int Height, double FrameRate, bool HasVideo, bool HasAudio);

public sealed class MediaToolException(string message) : Exception(message);

/// <summary>Runs ffmpeg and ffprobe as plain processes: cancellation kills the process, failures carry stderr's tail.</summary>
public sealed class MediaTools(IOptions<LocalAgentOptions> options, ILogger<MediaTools> logger)
{
    private readonly LocalAgentOptions _options = options.Value;

    /// <summary>Runs ffmpeg; <paramref name="onStdoutLine"/> sees each stdout line (where <c>-progress pipe:1</c> writes).</summary>
    public Task RunFFmpegAsync(IReadOnlyList<string> args, CancellationToken ct, Action<string>? onStdoutLine = null)
        => RunAsync(_options.FFmpegPath, ["-hide_banner", "-nostdin", "-y", .. args], ct, onStdoutLine);

    public async Task<MediaInfo> ProbeAsync(string path, CancellationToken ct)
    {
        var output = new StringBuilder();
        await RunAsync(_options.FFprobePath,
            ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", path], ct, line => output.AppendLine(line));
        using var doc = JsonDocument.Parse(output.ToString());
        var root = doc.RootElement;
        double duration = 0;
        if (root.TryGetProperty("format", out var format) && format.TryGetProperty("duration", out var d))
            double.TryParse(d.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out duration);
        int width = 0, height = 0;
        double fps = 0;
        bool hasVideo = false, hasAudio = false;
        if (root.TryGetProperty("streams", out var streams))
        {
            foreach (var s in streams.EnumerateArray())
            {
                var type = s.TryGetProperty("codec_type", out var t) ? t.GetString() : null;
                if (type == "audio") hasAudio = true;
                // Cover art arrives as a one-frame "video" stream; it is not a video.
                if (type != "video" || hasVideo || IsAttachedPicture(s)) continue;
                hasVideo = true;
                width = s.TryGetProperty("width", out var w) ? w.GetInt32() : 0;
                height = s.TryGetProperty("height", out var h) ? h.GetInt32() : 0;
                fps = s.TryGetProperty("avg_frame_rate", out var r) ? ParseRate(r.GetString()) : 0;
                if (fps <= 0 && s.TryGetProperty("r_frame_rate", out var rr)) fps = ParseRate(rr.GetString());
            }
        }
        return new MediaInfo(duration, width, height, fps, hasVideo, hasAudio);
    }

    private static bool IsAttachedPicture(JsonElement stream) =>
        stream.TryGetProperty("disposition", out var disp) && disp.TryGetProperty("attached_pic", out var ap) && ap.GetInt32() == 1;

    private static double ParseRate(string? rate)
    {
        if (string.IsNullOrEmpty(rate)) return 0;
        var parts = rate.Split('/');
        if (parts.Length == 2 && double.TryParse(parts[0], CultureInfo.InvariantCulture, out var n)
            && double.TryParse(parts[1], CultureInfo.InvariantCulture, out var dd) && dd > 0)
            return n / dd;
        return double.TryParse(rate, CultureInfo.InvariantCulture, out var v) ? v : 0;
    }

    private async Task RunAsync(string file, IReadOnlyList<string> args, CancellationToken ct, Action<string>? onStdoutLine)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);

        using var process = new Process { StartInfo = psi };
        var stderrTail = new Queue<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderrTail)
            {
                stderrTail.Enqueue(e.Data);
                if (stderrTail.Count > 12) stderrTail.Dequeue();
            }
        };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) onStdoutLine?.Invoke(e.Data); };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new MediaToolException($"Could not start '{file}' ({ex.Message}). Install ffmpeg (apt-get install ffmpeg) or set LocalAgent:FFmpegPath / LocalAgent:FFprobePath.");
        }
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await process.WaitForExitAsync(CancellationToken.None);
            throw;
        }
        if (process.ExitCode != 0)
        {
            string tail;
            lock (stderrTail) tail = string.Join(" | ", stderrTail);
            logger.LogWarning("{Tool} exited with {ExitCode}: {Stderr}", Path.GetFileName(file), process.ExitCode, tail);
            throw new MediaToolException($"{Path.GetFileName(file)} failed (exit {process.ExitCode}): {tail}");
        }
    }
}
