using System.Globalization;
using System.Text.RegularExpressions;

namespace Jockey.Tests;

/// <summary>What a test reads from an HLS media playlist: its init segment, its segments with their lengths, whether it ended.</summary>
public sealed partial record HlsPlaylist(string Text, string? Map, IReadOnlyList<string> Segments, double Seconds, bool Ended, bool IsEvent)
{
    public static HlsPlaylist Parse(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("#EXTM3U", lines.FirstOrDefault());
        var map = lines.Select(line => MapUri().Match(line)).FirstOrDefault(m => m.Success)?.Groups[1].Value;
        var seconds = lines.Where(line => line.StartsWith("#EXTINF:", StringComparison.Ordinal))
            .Sum(line => double.Parse(line["#EXTINF:".Length..].Split(',')[0], CultureInfo.InvariantCulture));
        return new HlsPlaylist(text, map, [.. lines.Where(line => !line.StartsWith('#'))], seconds,
            lines.Contains("#EXT-X-ENDLIST"), lines.Contains("#EXT-X-PLAYLIST-TYPE:EVENT"));
    }

    /// <summary>Init segment plus one media segment as one file: what a player feeds its decoder, so ffprobe can read it.</summary>
    public static async Task<string> JoinAsync(HttpClient client, string initUrl, string segmentUrl, CancellationToken ct)
    {
        var path = Path.Combine(Path.GetTempPath(), $"jockey-segment-{Guid.NewGuid():N}.mp4");
        await using var file = File.Create(path);
        foreach (var url in new[] { initUrl, segmentUrl })
        {
            using var response = await client.GetAsync(url, ct);
            response.EnsureSuccessStatusCode();
            await response.Content.CopyToAsync(file, ct);
        }
        return path;
    }

    [GeneratedRegex("^#EXT-X-MAP:URI=\"([^\"]+)\"")]
    private static partial Regex MapUri();
}
