using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Jockey.ApiService.Events;
using Jockey.ApiService.Infrastructure;
using Jockey.ApiService.Jockey;
using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Media;

/// <summary>
/// The agent's files (thumbnails, source videos, renders) reach browsers only through URLs the API signs:
/// <c>/api/jockey/files/{index}/{file}?exp={unix seconds}&amp;sig={HMAC-SHA256}</c>. A URL works for one file until it
/// expires, a day past the event log's retention so that every replayed event's links still play; the expiry is
/// rounded up to the hour so the same file keeps one URL (and the browser's cache) for an hour. The key is
/// <c>Media:UrlSigningKey</c>, or one generated once and kept in Redis, so every replica signs and checks alike.
/// </summary>
public sealed class AgentFileUrls(JockeyEndpoint endpoint, IOptions<MediaOptions> media, IOptions<EventLogOptions> eventLog, TimeProvider time)
{
    public const string Prefix = "/api/jockey/files/";

    public DeploymentKey Key { get; } = new(media.Value.UrlSigningKey, "jockey:media:url-signing-key");

    /// <summary>A browser-usable URL for a URL of the agent's: its files signed behind the API's proxy, others unchanged.</summary>
    public string? ToBrowserUrl(string? agentUrl)
    {
        var proxied = endpoint.ToProxyUrl(agentUrl);
        if (proxied is null || !proxied.StartsWith(Prefix, StringComparison.Ordinal)) return proxied;
        var path = proxied[Prefix.Length..].Split('?')[0];
        return Signed(path, Uri.UnescapeDataString(path));
    }

    /// <summary>
    /// The signed URL of a source video when the agent's search hit names none: Jockey's file server keeps it at
    /// <c>{index}/{video_id}.mp4</c>. Clients never build such a URL themselves, as they could not sign it.
    /// </summary>
    public string SourceVideoUrl(string indexId, string videoId) => FileUrl(indexId, $"{videoId}.mp4");

    /// <summary>The signed URL of the agent's file <c>{index}/{file}</c> (a preview playlist's segments, as it is served).</summary>
    public string FileUrl(string indexId, string file) =>
        Signed($"{Uri.EscapeDataString(indexId)}/{Uri.EscapeDataString(file)}", $"{indexId}/{file}");

    private string Signed(string encodedPath, string path)
    {
        var expires = time.GetUtcNow().Add(eventLog.Value.Retention).AddDays(1).ToUnixTimeSeconds();
        expires += 3600 - expires % 3600;
        return $"{Prefix}{encodedPath}?exp={expires}&sig={Sign(Key.Value, path, expires)}";
    }

    /// <summary>Null when <paramref name="exp"/> and <paramref name="sig"/> are a live signature of <c>{index}/{file}</c>, else why not.</summary>
    public string? Refusal(string indexId, string file, string? exp, string? sig)
    {
        if (string.IsNullOrEmpty(exp) || string.IsNullOrEmpty(sig)) return "This file URL is not signed: use the URL the API handed out (in an event or a listing).";
        if (!long.TryParse(exp, NumberStyles.None, CultureInfo.InvariantCulture, out var expires)) return "This file URL's signature is not valid.";
        var expected = Encoding.ASCII.GetBytes(Sign(Key.Value, $"{indexId}/{file}", expires));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(sig))) return "This file URL's signature is not valid.";
        return time.GetUtcNow().ToUnixTimeSeconds() > expires ? "This file URL has expired; ask the API for the file again." : null;
    }

    /// <summary>The signature of a file path (decoded, <c>{index}/{file}</c>) until <paramref name="expires"/>.</summary>
    public static string Sign(byte[] key, string path, long expires) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{path}\n{expires.ToString(CultureInfo.InvariantCulture)}")));
}
