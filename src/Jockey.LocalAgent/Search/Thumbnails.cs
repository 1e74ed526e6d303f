using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Jockey.LocalAgent.Library;
using Jockey.LocalAgent.Media;
using Microsoft.Extensions.Options;

namespace Jockey.LocalAgent.Search;

/// <summary>
/// JPEG stills at a given second of a video, extracted by ffmpeg the first time they are asked for and kept under
/// <c>DataPath/cache/{index}</c> (never inside the index folder, which is scanned for source videos).
/// </summary>
public sealed partial class Thumbnails(IOptions<LocalAgentOptions> options, MediaLibrary library, MediaTools tools)
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _inFlight = new();

    public static string FileName(string videoId, double at) => $"thumb-{videoId}-{(long)Math.Round(at * 1000)}.jpg";

    public static bool IsThumbnailName(string file) => ThumbName().IsMatch(file);

    /// <summary>The cached still for a thumbnail file name, or null when the name or its video does not exist.</summary>
    public async Task<string?> GetAsync(string indexId, string file, CancellationToken ct)
    {
        var m = ThumbName().Match(file);
        if (!m.Success) return null;
        var path = Path.Combine(options.Value.CachePath, indexId, file);
        if (File.Exists(path)) return path;

        var index = await library.GetIndexAsync(indexId, ct);
        var video = index?.Find(m.Groups["video"].Value);
        if (video is null) return null;
        var at = Math.Min(long.Parse(m.Groups["ms"].Value, CultureInfo.InvariantCulture) / 1000.0, Math.Max(0, video.Media.Duration - 0.1));

        // Concurrent requests for one still share one ffmpeg run.
        var work = _inFlight.GetOrAdd(path, _ => new Lazy<Task>(() => ExtractAsync(video.FullPath, at, path)));
        try
        {
            await work.Value.WaitAsync(ct);
        }
        catch (MediaToolException)
        {
            return null; // a still that cannot be cut (a damaged file) is simply not there
        }
        finally
        {
            if (work.Value.IsCompleted) _inFlight.TryRemove(path, out _);
        }
        return path;
    }

    private async Task ExtractAsync(string source, double at, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = Path.Combine(Path.GetDirectoryName(path)!, $".tmp-{Guid.NewGuid():N}.jpg");
        try
        {
            await tools.RunFFmpegAsync(["-v", "error", "-ss", at.ToString("0.###", CultureInfo.InvariantCulture), "-i", source,
                "-frames:v", "1", "-vf", "scale=320:-2", "-q:v", "5", temp], CancellationToken.None);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    [GeneratedRegex(@"^thumb-(?<video>[A-Za-z0-9][A-Za-z0-9._-]*)-(?<ms>\d{1,9})\.jpg$")]
    private static partial Regex ThumbName();
}
