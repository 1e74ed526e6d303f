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

    /// <summary>
    /// Runs ffmpeg; <paramref name="onStdoutLine"/> sees each stdout line (where <c>-progress pipe:1</c> writes).
    /// Relative output names resolve in <paramref name="workingDirectory"/>: the tee muxer's output list cannot hold
    /// every path a data folder may have (its separators are '|', '[', ']' and ':').
    /// </summary>
    public Task RunFFmpegAsync(IReadOnlyList<string> args, CancellationToken ct, Action<string>? onStdoutLine = null, string? workingDirectory = null)
        => RunAsync(_options.FFmpegPath, ["-hide_banner", "-nostdin", "-y", .. args], ct, onStdoutLine, workingDirectory);

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

    /// <summary>
    /// The facts of many files from one ffmpeg process: <c>ffmpeg -i a -i b …</c> with no output dumps every input and
    /// stops, at a fifteenth of the CPU of an ffprobe per file (most of either is loading ffmpeg's libraries). ffmpeg
    /// stops at the first input it cannot open; that one and the ones after it are probed one by one with ffprobe.
    /// Null for a file ffprobe cannot read either.
    /// </summary>
    public async Task<MediaInfo?[]> ProbeManyAsync(IReadOnlyList<string> paths, CancellationToken ct)
    {
        var stderr = new List<string>();
        await RunProcessAsync(_options.FFmpegPath, ["-hide_banner", "-nostdin", .. paths.SelectMany(p => new[] { "-i", p })], ct, null, null,
            line => { lock (stderr) stderr.Add(line); });
        Dictionary<int, MediaInfo> dumped;
        lock (stderr) dumped = InputDump.Parse(stderr);
        var infos = new MediaInfo?[paths.Count];
        for (var i = 0; i < paths.Count; i++)
        {
            if (dumped.TryGetValue(i, out var info)) infos[i] = info;
            else
            {
                try
                {
                    infos[i] = await ProbeAsync(paths[i], ct);
                }
                catch (MediaToolException ex)
                {
                    logger.LogWarning("Skipping {Path}: {Reason}", paths[i], ex.Message);
                }
            }
        }
        return infos;
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

    private async Task RunAsync(string file, IReadOnlyList<string> args, CancellationToken ct, Action<string>? onStdoutLine, string? workingDirectory = null)
    {
        var stderrTail = new Queue<string>();
        var exitCode = await RunProcessAsync(file, args, ct, onStdoutLine, workingDirectory, line =>
        {
            lock (stderrTail)
            {
                stderrTail.Enqueue(line);
                if (stderrTail.Count > 12) stderrTail.Dequeue();
            }
        });
        if (exitCode != 0)
        {
            string tail;
            lock (stderrTail) tail = string.Join(" | ", stderrTail);
            logger.LogWarning("{Tool} exited with {ExitCode}: {Stderr}", Path.GetFileName(file), exitCode, tail);
            throw new MediaToolException($"{Path.GetFileName(file)} failed (exit {exitCode}): {tail}");
        }
    }

    /// <summary>Runs a tool to its end and returns its exit code; cancellation kills it.</summary>
    private static async Task<int> RunProcessAsync(string file, IReadOnlyList<string> args, CancellationToken ct, Action<string>? onStdoutLine,
        string? workingDirectory, Action<string> onStderrLine)
    {
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory ?? "",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);

        using var process = new Process { StartInfo = psi };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) onStderrLine(e.Data); };
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
        return process.ExitCode;
    }
}
