using System.Text;
using System.Text.RegularExpressions;

namespace Jockey.ApiService.Media;

/// <summary>
/// A render's preview playlist (HLS, from the local agent) on its way through the file proxy. Its segments are named
/// relative to it, and a relative name would reach the proxy unsigned (403), so every URI in it — segment lines and
/// <c>URI="…"</c> attributes such as the init segment's <c>#EXT-X-MAP</c> — becomes the signed URL of that file.
/// Signing per request costs one HMAC per segment; the alternative, a signature for a whole folder, would widen what
/// one URL grants.
/// </summary>
public static partial class PreviewPlaylist
{
    public const string ContentType = "application/vnd.apple.mpegurl";

    public static bool IsPlaylist(string file) => file.EndsWith(".m3u8", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The playlist with each relative URI (resolved beside <paramref name="file"/>) replaced by <paramref name="sign"/>'s
    /// URL; absolute URIs and names that are not plain relative paths stay as they are.
    /// </summary>
    public static string SignUris(string text, string file, Func<string, string> sign)
    {
        var folder = file.Contains('/') ? file[..(file.LastIndexOf('/') + 1)] : "";
        string Resolve(string uri) => MediaApi.IsSafePath(folder + uri, 1) ? sign(folder + uri) : uri;
        var result = new StringBuilder(text.Length * 2);
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.TrimEnd('\r');
            result.Append(trimmed.StartsWith('#')
                ? UriAttribute().Replace(trimmed, m => $"URI=\"{Resolve(m.Groups[1].Value)}\"")
                : trimmed.Length == 0 ? trimmed : Resolve(trimmed.Trim())).Append('\n');
        }
        return result.ToString().TrimEnd('\n') + "\n";
    }

    [GeneratedRegex("URI=\"([^\"]*)\"")]
    private static partial Regex UriAttribute();
}
