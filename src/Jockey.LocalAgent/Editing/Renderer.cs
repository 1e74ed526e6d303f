using System.Globalization;
using Jockey.LocalAgent.Library;
using Jockey.LocalAgent.Media;
using Microsoft.Extensions.Options;

namespace Jockey.LocalAgent.Editing;

/// <summary>A piece of a source video, seconds from its start.</summary>
public sealed record ClipSpec(string VideoId, double Start, double End);

/// <summary>
/// Reported while rendering: stage is <c>queued</c>, <c>rendering</c>, or <c>preview</c> once the first segment of
/// <see cref="Playlist"/> (a file beside the render, see <see cref="RenderPreview"/>) can be played.
/// </summary>
public sealed record RenderProgress(string Stage, int Percent, string Message, string? Playlist = null);

public sealed record RenderResult(string FileName, string FullPath, double Duration);

public sealed class RenderException(string message) : Exception(message);

/// <summary>
/// The video-editing tools. Every render re-encodes to one size and frame rate (the first clip's) as H.264/AAC with
/// +faststart, writes a hidden temp file and renames it into place only when ffmpeg succeeded, so a cancelled or failed
/// render never leaves anything that the file server would hand out. The same ffmpeg process writes a growing HLS
/// preview beside it (<see cref="RenderPreview"/>), announced as soon as its first segment exists. At most
/// RenderConcurrency renders run at once; the rest wait and say so.
/// </summary>
public sealed class Renderer(IOptions<LocalAgentOptions> options, MediaLibrary library, MediaTools tools, ILogger<Renderer> logger)
{
    private readonly LocalAgentOptions _options = options.Value;
    private readonly SemaphoreSlim _slots = new(options.Value.RenderConcurrency);
    private int _waiting;

    public string OutputPath(string indexId, string file) => Path.Combine(_options.OutputsPath, indexId, file);

    public async Task<RenderResult> CombineAsync(string indexId, IReadOnlyList<ClipSpec> clips, string outputName,
        IProgress<RenderProgress> progress, CancellationToken ct)
    {
        if (clips.Count == 0) throw new RenderException("No clips to combine.");
        var index = await library.GetIndexAsync(indexId, ct) ?? throw new RenderException($"Index '{indexId}' does not exist.");
        var sources = clips.Select(c => (Clip: c, Video: index.Find(c.VideoId)
            ?? throw new RenderException($"Video '{c.VideoId}' is not in index '{indexId}'."))).ToList();

        var first = sources[0].Video.Media;
        var (width, height) = (Even(first.Width), Even(first.Height));
        var fps = Math.Clamp(Math.Round(first.FrameRate > 0 ? first.FrameRate : 24, 3), 1, 60).ToString(CultureInfo.InvariantCulture);
        var args = new List<string>();
        var filters = new List<string>();
        var concatInputs = "";
        var input = 0;
        double total = 0;
        for (var i = 0; i < sources.Count; i++)
        {
            var (clip, video) = sources[i];
            var start = Math.Clamp(clip.Start, 0, video.Media.Duration);
            var length = Math.Min(clip.End, video.Media.Duration) - start;
            if (length <= 0.05) throw new RenderException($"Clip {i + 1} ({clip.VideoId} {clip.Start:0.##}–{clip.End:0.##} s) is empty.");
            total += length;
            var d = S(length);
            args.AddRange(["-ss", S(start), "-t", d, "-i", video.FullPath]);
            var videoInput = input++;
            var audioInput = videoInput;
            if (!video.Media.HasAudio)
            {
                // Silent sources get a silent track so concat sees the same streams in every segment.
                args.AddRange(["-f", "lavfi", "-t", d, "-i", "anullsrc=r=44100:cl=stereo"]);
                audioInput = input++;
            }
            filters.Add($"[{videoInput}:v]trim=duration={d},setpts=PTS-STARTPTS,fps={fps},scale={width}:{height}:force_original_aspect_ratio=decrease," +
                        $"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p[v{i}]");
            filters.Add($"[{audioInput}:a]aresample=44100,aformat=sample_fmts=fltp:channel_layouts=stereo,apad,atrim=duration={d},asetpts=PTS-STARTPTS[a{i}]");
            concatInputs += $"[v{i}][a{i}]";
        }
        filters.Add($"{concatInputs}concat=n={sources.Count}:v=1:a=1[v][a]");
        args.AddRange(["-filter_complex", string.Join(';', filters), "-map", "[v]", "-map", "[a]"]);
        return await RenderAsync(indexId, outputName, args, total, progress, ct);
    }

    /// <summary>Cuts <paramref name="start"/>–<paramref name="end"/> out of an earlier render.</summary>
    public async Task<RenderResult> RemoveSegmentAsync(string indexId, string sourceFile, double start, double end, string outputName,
        IProgress<RenderProgress> progress, CancellationToken ct)
    {
        var source = OutputPath(indexId, sourceFile);
        if (!Names.IsSafe(sourceFile) || !File.Exists(source)) throw new RenderException($"There is no rendered video '{sourceFile}' to edit.");
        var media = await tools.ProbeAsync(source, ct);
        start = Math.Clamp(start, 0, media.Duration);
        end = Math.Clamp(end, start, media.Duration);
        if (end - start <= 0.05) throw new RenderException("The segment to remove is empty.");
        if (start <= 0.05 && end >= media.Duration - 0.05) throw new RenderException("Removing that segment would leave an empty video.");

        var parts = new List<(double From, double To)>();
        if (start > 0.05) parts.Add((0, start));
        if (end < media.Duration - 0.05) parts.Add((end, media.Duration));
        var filters = parts.Select((p, i) =>
            $"[0:v]trim=start={S(p.From)}:end={S(p.To)},setpts=PTS-STARTPTS[v{i}];[0:a]atrim=start={S(p.From)}:end={S(p.To)},asetpts=PTS-STARTPTS[a{i}]").ToList();
        filters.Add($"{string.Concat(parts.Select((_, i) => $"[v{i}][a{i}]"))}concat=n={parts.Count}:v=1:a=1[v][a]");
        var total = parts.Sum(p => p.To - p.From);
        return await RenderAsync(indexId, outputName,
            ["-i", source, "-filter_complex", string.Join(';', filters), "-map", "[v]", "-map", "[a]"], total, progress, ct);
    }

    private async Task<RenderResult> RenderAsync(string indexId, string outputName, List<string> args, double total,
        IProgress<RenderProgress> progress, CancellationToken ct)
    {
        if (!_slots.Wait(0))
        {
            var ahead = Interlocked.Increment(ref _waiting);
            progress.Report(new RenderProgress("queued", 0, $"Queued: {ahead} render(s) ahead of this one; it starts when a render slot frees up."));
            try { await _slots.WaitAsync(ct); }
            finally { Interlocked.Decrement(ref _waiting); }
        }
        try
        {
            var dir = Path.Combine(_options.OutputsPath, indexId);
            Directory.CreateDirectory(dir);
            RenderPreview.Sweep(dir, DateTime.UtcNow.AddMinutes(-_options.PreviewRetentionMinutes));
            // As Jockey does: the requested name plus a random suffix, so renders never overwrite each other.
            var stem = Names.Slug(Path.GetFileNameWithoutExtension(outputName));
            var baseName = $"{stem}_{Guid.NewGuid().ToString("N")[..8]}";
            var fileName = $"{baseName}.mp4";
            var temp = $".tmp-{Guid.NewGuid():N}.mp4";
            var final = Path.Combine(dir, fileName);
            var preview = new RenderPreview(dir, baseName);
            progress.Report(new RenderProgress("rendering", 0, $"Rendering {fileName} ({total:0.#} s)…"));
            var lastPercent = 0;
            var rendered = false;
            try
            {
                var rendering = tools.RunFFmpegAsync(
                [
                    "-v", "error", .. args,
                    "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-c:a", "aac", "-b:a", "128k",
                    "-progress", "pipe:1", "-nostats", .. preview.OutputArgs(temp),
                ], ct, line =>
                {
                    var percent = ParseProgress(line, total);
                    if (percent is null || percent <= lastPercent) return;
                    lastPercent = percent.Value;
                    progress.Report(new RenderProgress("rendering", percent.Value, $"Rendering {fileName}: {percent}%"));
                }, workingDirectory: dir);
                await preview.AnnounceWhenReadyAsync(rendering, playlist =>
                    progress.Report(new RenderProgress("preview", lastPercent, $"Rendering {fileName}: the preview plays while the rest is cut.", playlist)));
                await rendering;
                File.Move(Path.Combine(dir, temp), final);
                rendered = true;
            }
            catch (MediaToolException ex)
            {
                throw new RenderException(ex.Message);
            }
            finally
            {
                File.Delete(Path.Combine(dir, temp));
                if (!rendered) preview.Delete();
            }
            progress.Report(new RenderProgress("rendering", 100, $"Rendered {fileName}"));
            logger.LogInformation("Rendered {File} ({Seconds:F1} s of video)", final, total);
            return new RenderResult(fileName, final, Math.Round(total, 2));
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>ffmpeg's <c>-progress</c> writes key=value lines; out_time_us (and, misnamed, out_time_ms) are microseconds.</summary>
    private static int? ParseProgress(string line, double total)
    {
        if (total <= 0) return null;
        var eq = line.IndexOf('=');
        if (eq < 0) return null;
        var key = line[..eq];
        if (key is "progress" && line[(eq + 1)..] == "end") return 100;
        if (key is not ("out_time_us" or "out_time_ms") || !long.TryParse(line[(eq + 1)..], out var us) || us < 0) return null;
        return (int)Math.Clamp(us / 1e6 / total * 100, 0, 99);
    }

    private static int Even(int v) => v <= 0 ? 640 : v - v % 2;

    private static string S(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
